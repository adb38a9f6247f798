"""The signed link that proves a resident owns the address they signed up with.

Nothing is stored: the link carries the account and the address, signed with the
site's secret key and timestamped, so it stops working after
``ECOMMUNE_EMAIL_VERIFICATION_MAX_AGE`` seconds or once the address changes.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing

SALT = "ecommune.accounts.email-verification"


class InvalidLink(Exception):
    """The link was altered, or its account no longer has that address."""


class ExpiredLink(Exception):
    """The link was genuine but is too old."""


def make_verification_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=SALT)


def read_verification_token(token: str):
    """The account a link was made for; raises ``ExpiredLink`` or ``InvalidLink``."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.ECOMMUNE_EMAIL_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ExpiredLink from error
    except signing.BadSignature as error:
        raise InvalidLink from error
    user = get_user_model().objects.filter(pk=data.get("u"), email__iexact=data.get("e")).first()
    if user is None:
        raise InvalidLink
    return user
