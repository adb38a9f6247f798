"""What residents do with their account, for the views, commands and tests alike.

Each function does its work in a transaction; emails are queued to the outbox through
``emails.send_account_email`` and leave once it commits.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ecommune.accounts.emails import send_account_email
from ecommune.accounts.exports import exporters
from ecommune.accounts.tokens import make_verification_token, read_verification_token

# At most one new verification link per account in this many seconds.
RESEND_INTERVAL = 60


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def register_resident(*, email, password, first_name, last_name, base_url):
    """Create an unverified account and queue the verification link.

    An address that already has an account gets a message saying so instead, and the
    caller shows the same page either way: the form never tells who has an account.
    Both ways cost the same, so that the time of the answer does not tell either: the
    password is hashed (the slow part, on purpose) and one email is queued to the
    outbox, sent by its task after the answer. Returns the new user, or None when the
    address was taken.
    """
    User = get_user_model()
    email = User.objects.normalize_email(email).lower()
    hashed_password = make_password(password)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User(
                    email=email,
                    first_name=first_name,
                    last_name=last_name,
                    email_verified_at=None,
                    password=hashed_password,
                )
                user.save()
                send_verification_email(user, base_url)
            return user
        except IntegrityError:
            # Someone signed up with the same address a moment before.
            existing = User.objects.get(email__iexact=email)
    send_account_email(
        existing,
        "already_registered",
        {
            "login_url": _absolute(base_url, reverse("ecommune_accounts:login")),
            "reset_url": _absolute(base_url, reverse("ecommune_accounts:password_reset")),
        },
    )
    return None


def send_verification_email(user, base_url: str) -> None:
    token = make_verification_token(user)
    url = _absolute(base_url, reverse("ecommune_accounts:verify_email", args=[token]))
    send_account_email(user, "verify_email", {"verify_url": url, "valid_days": link_valid_days()})


def link_valid_days() -> int:
    return max(1, settings.ECOMMUNE_EMAIL_VERIFICATION_MAX_AGE // 86400)


def resend_verification_email(email: str, base_url: str) -> bool:
    """Send a new link to an unverified account with that address, at most once a minute.

    Returns whether a message went out; the caller does not tell the visitor."""
    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None or user.email_verified or not user.is_active:
        return False
    if not cache.add(f"ecommune_accounts:verification-sent:{user.pk}", 1, RESEND_INTERVAL):
        return False
    send_verification_email(user, base_url)
    return True


def verify_email(token: str):
    """Mark the address of the link's account as verified; returns the account.

    Raises ``tokens.ExpiredLink`` or ``tokens.InvalidLink``. Following a link twice is
    harmless."""
    user = read_verification_token(token)
    if not user.email_verified:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


@transaction.atomic
def delete_account(user) -> None:
    """Delete a resident's account.

    Requests already filed are the commune's records: they keep the applicant's name and
    contact details as given and lose the link to the account (the requests app's foreign key
    sets it to null), and stay until their own retention period ends.
    """
    send_account_email(user, "account_deleted")
    user.delete()


def export_user_data(user) -> dict:
    """Everything the apps hold about ``user``, one section per registered exporter."""
    return exporters.export(user)
