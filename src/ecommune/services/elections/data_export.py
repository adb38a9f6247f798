"""The electoral registrations offered to the resident, in « Mes données »
(``ecommune.accounts.exports``); their requests are in the requests' section."""

from ecommune.accounts.exports import covers, exporters, own_fields
from ecommune.services.elections.models import RegistrationOffer


@exporters.register("electoral_registration_offers")
@covers("ecommune_elections.RegistrationOffer.user")
def export_registration_offers(user) -> list[dict]:
    offers = RegistrationOffer.objects.filter(user=user).order_by("offered_at", "pk")
    return [own_fields(offer) for offer in offers]
