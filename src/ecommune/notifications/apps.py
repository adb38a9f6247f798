from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "ecommune.notifications"
    label = "ecommune_notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The account emails' wording, and the receiver that queues them.
        from ecommune.notifications import account_emails, agenda_reminders  # noqa: F401

        account_emails.connect_signals()
