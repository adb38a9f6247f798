from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "ecommune.appointments"
    label = "ecommune_appointments"
    verbose_name = _("Appointments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from ecommune.appointments import events  # noqa: F401  (registers the events)
        from ecommune.appointments.home import forget_queue
        from ecommune.appointments.models import Desk, QueueTicket

        for model in (QueueTicket, Desk):
            for signal in (post_save, post_delete):
                signal.connect(forget_queue, sender=model, dispatch_uid="ecommune_home_queue")
