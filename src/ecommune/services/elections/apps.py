from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "ecommune.services.elections"
    label = "ecommune_elections"
    verbose_name = _("Electoral-roll registration")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ecommune.services.elections import (  # noqa: F401  (registers the service, events)
            data_export,  # noqa: F401  (« Mes données »)
            events,
            offers,
            service,
        )

        offers.connect_signals()
        from ecommune.accounts.agenda import sources as agenda_sources
        from ecommune.services.elections.agenda import SOURCE as AGENDA_SOURCE

        agenda_sources.register(AGENDA_SOURCE)
        # The service's text on the portal names the next election's deadline.
        from ecommune.services.elections.models import Election

        for signal in (post_save, post_delete):
            signal.connect(_forget_portal, sender=Election, dispatch_uid="ecommune_election_portal")


def _forget_portal(sender, instance, raw=False, **kwargs):
    from ecommune.core.portal_cache import forget_portal

    if not raw:
        forget_portal(instance.commune_id)
