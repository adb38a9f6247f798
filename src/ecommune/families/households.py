"""A resident's household: created with the account's first visit, shared with a second legal
guardian by an invitation link, holding the children and the quotient familial.

Views, the back office and the tests call these functions; each works in a transaction and
queues its email through the outbox.
"""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ecommune.core import throttling
from ecommune.families.models import Child, Guardian, Household, Invitation
from ecommune.notifications.names import display_name
from ecommune.notifications.services import notify

INVITATION_DAYS = 14


def household_of(user, commune) -> Household | None:
    guardian = (
        Guardian.objects.for_commune(commune).filter(user=user).select_related("household").first()
    )
    return guardian.household if guardian else None


@transaction.atomic
def get_or_create_household(user, commune) -> Household:
    """The account's household in ``commune``, created empty on first use."""
    household = household_of(user, commune)
    if household is not None:
        return household
    household = Household.objects.create(commune=commune)
    Guardian.objects.create(commune=commune, household=household, user=user)
    return household


def is_guardian(user, household: Household) -> bool:
    return (
        Guardian.objects.for_commune(household.commune_id)
        .filter(household=household, user=user)
        .exists()
    )


def inviter_name(user) -> str:
    """How the invitation names who sent it: their first name if it is a plain short name
    (``notifications.names``), else a neutral wording. Nothing else the inviter typed goes
    into the message, so that it cannot carry someone's text to any address."""
    return display_name(user.first_name) or gettext_lazy("A member of your family")


@transaction.atomic
def invite_guardian(household: Household, *, email: str, invited_by) -> Invitation:
    """Email a link to another legal guardian; they join with their own account.

    An account sends at most ``invitation-account`` invitations (``ECOMMUNE_RATE_LIMITS``,
    5 a day by default): beyond, ValidationError with the code ``throttled``."""
    email = email.strip().lower()
    refusal = throttling.reached(None, "invitation-account", str(invited_by.pk))
    if refusal is not None:
        raise ValidationError(
            ngettext(
                "You have sent %(limit)s invitation lately, the most allowed. "
                "You can send a new one in %(wait)s.",
                "You have sent %(limit)s invitations lately, the most allowed. "
                "You can send a new one in %(wait)s.",
                refusal.limit,
            )
            % {"limit": refusal.limit, "wait": refusal.wait},
            code="throttled",
        )
    if household.guardians.filter(user__email__iexact=email).exists():
        raise ValidationError(_("This person is already a guardian of the household."))
    pending = household.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).first()
    if pending is not None:
        raise ValidationError(_("An invitation to this address is already waiting."))
    invitation = Invitation.objects.create(
        commune_id=household.commune_id,
        household=household,
        email=email,
        token=secrets.token_urlsafe(32),
        invited_by=invited_by,
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
    )
    throttling.record(None, "invitation-account", str(invited_by.pk))
    commune = household.commune
    notify(
        "school.guardian_invited",
        commune=commune,
        context={
            "inviter_name": inviter_name(invited_by),
            "accept_url": commune.public_url(
                reverse("ecommune_families:accept_invitation", args=[invitation.token])
            ),
            "expires_at": invitation.expires_at,
        },
        email=email,
        service="school",
        idempotency_key=f"school-invitation:{invitation.pk}",
    )
    return invitation


@transaction.atomic
def accept_invitation(token: str, user) -> Household:
    """Join the household of a valid invitation; an account with a household of its own in
    this commune must first leave it (its children would otherwise be lost)."""
    invitation = (
        Invitation.objects.select_for_update().select_related("household").filter(token=token)
    ).first()
    if invitation is None or invitation.accepted_at is not None:
        raise ValidationError(_("This invitation link has already been used or is unknown."))
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation has expired; ask for a new one."))
    if invitation.email.lower() != user.email.lower():
        raise ValidationError(
            _("This invitation was sent to another email address than your account's.")
        )
    current = household_of(user, invitation.household.commune_id)
    if current is not None and current.pk != invitation.household_id:
        if current.children.exists() or current.guardians.count() > 1:
            raise ValidationError(
                _("Your account already has a household with children in this commune.")
            )
        current.delete()
    if current is None or current.pk != invitation.household_id:
        Guardian.objects.create(
            commune_id=invitation.commune_id, household=invitation.household, user=user
        )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return invitation.household


def add_child(household: Household, **fields) -> Child:
    """Add a child; one already in another household of the commune is refused."""
    try:
        with transaction.atomic():
            return Child.objects.create(
                commune_id=household.commune_id, household=household, **fields
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("This child is already registered in a household of the commune."),
            code="duplicate",
        ) from exc


@transaction.atomic
def set_quotient_familial(
    household: Household, *, value: int, document, valid_until: datetime.date
) -> Household:
    if valid_until < timezone.localdate():
        raise ValidationError(_("This certificate is no longer valid."), code="expired")
    household.quotient_familial = value
    household.qf_document = document
    household.qf_valid_until = valid_until
    household.save(update_fields=["quotient_familial", "qf_document", "qf_valid_until"])
    return household
