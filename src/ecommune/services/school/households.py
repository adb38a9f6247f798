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

from ecommune.notifications.services import notify
from ecommune.requests.notify import public_url
from ecommune.services.school.models import Child, Guardian, Household, Invitation

INVITATION_DAYS = 14


def household_of(user, commune) -> Household | None:
    guardian = (
        Guardian.unscoped.filter(commune=commune, user=user).select_related("household").first()
    )
    return guardian.household if guardian else None


@transaction.atomic
def get_or_create_household(user, commune) -> Household:
    """The account's household in ``commune``, created empty on first use."""
    household = household_of(user, commune)
    if household is not None:
        return household
    household = Household.unscoped.create(commune=commune)
    Guardian.unscoped.create(commune=commune, household=household, user=user)
    return household


def is_guardian(user, household: Household) -> bool:
    return Guardian.unscoped.filter(household=household, user=user).exists()


@transaction.atomic
def invite_guardian(household: Household, *, email: str, invited_by) -> Invitation:
    """Email a link to another legal guardian; they join with their own account."""
    email = email.strip().lower()
    if household.guardians.filter(user__email__iexact=email).exists():
        raise ValidationError(_("This person is already a guardian of the household."))
    pending = household.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).first()
    if pending is not None:
        raise ValidationError(_("An invitation to this address is already waiting."))
    invitation = Invitation.unscoped.create(
        commune_id=household.commune_id,
        household=household,
        email=email,
        token=secrets.token_urlsafe(32),
        invited_by=invited_by,
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
    )
    commune = household.commune
    notify(
        "school.guardian_invited",
        commune=commune,
        context={
            "inviter_name": invited_by.get_full_name() or invited_by.email,
            "accept_url": public_url(
                commune, reverse("ecommune_school:accept_invitation", args=[invitation.token])
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
        Invitation.unscoped.select_for_update().select_related("household").filter(token=token)
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
        Guardian.unscoped.create(
            commune_id=invitation.commune_id, household=invitation.household, user=user
        )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return invitation.household


def add_child(household: Household, **fields) -> Child:
    """Add a child; one already in another household of the commune is refused."""
    try:
        with transaction.atomic():
            return Child.unscoped.create(
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
