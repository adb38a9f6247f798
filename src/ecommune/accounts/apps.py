from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ecommune.accounts"
    label = "ecommune_accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ecommune.accounts import checks  # noqa: F401  (registers the system checks)
        from ecommune.accounts.audit import connect_signals
        from ecommune.accounts.franceconnect import checks as franceconnect_checks  # noqa: F401

        connect_signals()
