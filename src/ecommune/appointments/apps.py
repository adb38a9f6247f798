from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "ecommune.appointments"
    label = "ecommune_appointments"
    verbose_name = _("Appointments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ecommune.accounts.space import sections as space_sections
        from ecommune.appointments import data_export  # noqa: F401  (« Mes données »)
        from ecommune.appointments.space import SECTION as SPACE_SECTION

        space_sections.register(SPACE_SECTION)
        from ecommune.accounts.agenda import sources as agenda_sources
        from ecommune.appointments.agenda import SOURCE as AGENDA_SOURCE

        agenda_sources.register(AGENDA_SOURCE)
        from ecommune.appointments.identity_documents import SOURCE as IDENTITY_SOURCE

        agenda_sources.register(IDENTITY_SOURCE)
        from django.db.models.signals import post_delete, post_save

        # events and retention register the events and the register's entry.
        from ecommune.appointments import events, retention  # noqa: F401
        from ecommune.appointments.home import forget_queue
        from ecommune.appointments.models import Desk, QueueTicket

        for model in (QueueTicket, Desk):
            for signal in (post_save, post_delete):
                signal.connect(forget_queue, sender=model, dispatch_uid="ecommune_home_queue")
        # The cached opening units of the slots pages (slots.availability).
        from schedule.models import Event, Occurrence, Rule

        from ecommune.appointments.models import Closure, Counter, CounterOpening

        for model in (Counter, CounterOpening, Closure, Event, Rule, Occurrence):
            for signal in (post_save, post_delete):
                signal.connect(
                    _forget_openings, sender=model, dispatch_uid="ecommune_appointments_openings"
                )


def _forget_openings(sender, instance, raw=False, created=False, **kwargs):
    from ecommune.core.portal_cache import forget_portal

    if raw:
        return
    from ecommune.appointments.openings import ALL, commune_of_opening_change

    commune_id = commune_of_opening_change(instance, created=created)
    if commune_id is not None:
        forget_portal(None if commune_id == ALL else commune_id)
