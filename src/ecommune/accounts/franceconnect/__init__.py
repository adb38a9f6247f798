"""FranceConnect sign-in for residents (OpenID Connect v2, through mozilla-django-oidc).

- ``conf``: the ``ECOMMUNE_FRANCECONNECT_*`` settings and the provider's discovery document;
- ``backend``: the authentication backend (token exchange, signatures, account linking);
- ``views`` and ``urls``: sign-in, callback, sign-out at FranceConnect, mounted under
  ``/compte/franceconnect/``;
- ``models``: ``FranceConnectIdentity``, the certified identity kept for a user.

Forms read the certified identity with ``certified_identity(user)``.
"""


def certified_identity(user) -> dict | None:
    """The identity FranceConnect certified for ``user`` at their last sign-in (``given_name``,
    ``family_name``, ``birthdate``, ``birthplace``, ``email``… as FranceConnect gave them),
    or None for a visitor or an account never signed in with FranceConnect.

    Forms prefill these values and show them as certified, read-only."""
    if user is None or not user.is_authenticated:
        return None
    identity = getattr(user, "franceconnect_identity", None)
    if identity is None:
        return None
    return dict(identity.claims)
