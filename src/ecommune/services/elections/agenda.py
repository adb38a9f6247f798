"""« Mon agenda » (``ecommune.accounts.agenda``): the last day to register on the electoral
roll before each election the commune announces (Code électoral L17)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from ecommune.accounts.agenda import AgendaItem, AgendaSource
from ecommune.services.elections.models import Election
from ecommune.services.elections.service import SLUG


def election_items(user, commune, today):
    url = reverse("ecommune_requests:wizard", args=[SLUG]) if commune.has_service(SLUG) else ""
    for election in Election.objects.upcoming(today):
        if election.registration_deadline < today:
            continue
        yield AgendaItem(
            uid=f"election-{election.pk}-registration@{commune.pk}.agenda.ecommune",
            title=_("Last day to register on the electoral roll to vote in the %(name)s")
            % {"name": election.name},
            day=election.registration_deadline,
            kind=_("Elections"),
            url=url,
        )


SOURCE = AgendaSource(name="elections", items=election_items, order=10)
