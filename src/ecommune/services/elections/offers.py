"""Going ahead of the resident (the report's Proposition 18): an address in the commune that
differs from the one the resident had means they may have moved here, so the kit offers
electoral registration once, by email, with an explanation. It never registers anyone: the
resident follows the link and files the request themselves.

Two sources call ``address_seen``: a resident changing their address in their account
(``User`` save, connected in ``connect_signals``), and a request of theirs carrying an
address (the civil-status service's delivery address).
"""

from django.db import IntegrityError, transaction
from django.db.models.signals import post_save, pre_save
from django.urls import reverse

from ecommune.core.validators import split_postal_codes

ADDRESS_FIELDS = ("street_address", "postal_code", "city")


def _normal(*parts) -> str:
    return " ".join(" ".join(str(part or "").split()).casefold() for part in parts).strip()


def _communes_for(postal_code: str):
    from ecommune.core.models import Commune

    candidates = (
        Commune.base_queryset().filter(postal_codes__contains=postal_code).select_related("site")
    )
    return [
        commune
        for commune in candidates
        if postal_code in split_postal_codes(commune.postal_codes)
        and commune.has_service("elections")
    ]


def address_seen(user, *, street_address, postal_code, city, commune=None, previous=None) -> list:
    """Offer registration in the commune of this address if it is new for ``user``.

    ``previous``: the (street, postal code, city) the resident had; by default the address in
    their account. Returns the offers made (none when already offered, already asked, or
    the same address)."""
    postal_code = (postal_code or "").strip()
    if user is None or not postal_code or not user.email:
        return []
    if previous is None:
        previous = tuple(getattr(user, name, "") for name in ADDRESS_FIELDS)
    if _normal(street_address, postal_code, city) == _normal(*previous):
        return []
    communes = [commune] if commune is not None else _communes_for(postal_code)
    made = []
    for target in communes:
        if postal_code not in target.postal_code_list or not target.has_service("elections"):
            continue
        offer = _offer(user, target, f"{street_address}, {postal_code} {city}".strip(", "))
        if offer is not None:
            made.append(offer)
    return made


def _offer(user, commune, address):
    """The offer is the target commune's: it runs as that commune, whichever commune's
    site the resident changed their address on (an account serves the whole install)."""
    from ecommune.core import tenancy

    with tenancy.using(commune):
        return _offer_in_commune(user, commune, address)


def _offer_in_commune(user, commune, address):
    from ecommune.notifications.services import notify
    from ecommune.requests.models import Request
    from ecommune.services.elections.events import REGISTRATION_OFFER
    from ecommune.services.elections.forms import upcoming_context
    from ecommune.services.elections.models import RegistrationOffer

    if RegistrationOffer.objects.filter(user=user).exists():
        return None
    if Request.objects.filter(applicant=user, service="elections").exists():
        return None
    upcoming = upcoming_context()["next_open"]
    try:
        with transaction.atomic():
            offer = RegistrationOffer.objects.create(
                commune=commune, user=user, address=address[:400]
            )
            notify(
                REGISTRATION_OFFER,
                commune=commune,
                email=user.email,
                context={
                    "resident_name": user.get_full_name(),
                    "address": address,
                    "registration_url": commune.public_url(
                        reverse("ecommune_requests:wizard", args=["elections"])
                    ),
                    "next_deadline": upcoming["deadline_text"] if upcoming else "",
                    "next_election": upcoming["election"].name if upcoming else "",
                },
                related_reference=f"offer-{commune.pk}-{user.pk}",
                idempotency_key=f"elections-offer:{commune.pk}:{user.pk}",
            )
    except IntegrityError:
        return None  # offered by a concurrent save
    return offer


def _remember_address(sender, instance, raw=False, update_fields=None, **kwargs):
    """Keep the address the account had before this save, to compare after it."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(ADDRESS_FIELDS):
        return
    old = sender.objects.filter(pk=instance.pk).values_list(*ADDRESS_FIELDS).first()
    instance._ecommune_previous_address = old


def _offer_after_move(sender, instance, created=False, raw=False, **kwargs):
    previous = getattr(instance, "_ecommune_previous_address", None)
    if raw or created or previous is None:
        return
    instance._ecommune_previous_address = None
    address_seen(
        instance,
        street_address=instance.street_address,
        postal_code=instance.postal_code,
        city=instance.city,
        previous=previous,
    )


def connect_signals() -> None:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    if not all(hasattr(user_model, name) for name in ADDRESS_FIELDS):
        return  # a user model without an address: only requests' addresses are seen
    pre_save.connect(_remember_address, sender=user_model, dispatch_uid="ecommune_elections_pre")
    post_save.connect(_offer_after_move, sender=user_model, dispatch_uid="ecommune_elections_post")
