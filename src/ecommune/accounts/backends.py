"""Authentication backends."""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied

from ecommune.accounts.lockout import sign_in_refusal


class LoginRateLimitBackend(AxesStandaloneBackend):
    """The limits on failed sign-ins, checked before any password is.

    django-axes locks one address from one connection after a few failures; on top of
    it, ``lockout.sign_in_refusal`` refuses a connection that failed with many addresses
    and an address that failed from many connections (django-ratelimit's counters). A
    refused attempt is answered with the lockout page (``AxesMiddleware``).

    ``authenticate()`` without a request is code checking a password (a management
    command, Django's test client), not a visitor: there is no client to count, so it is
    let through to the next backend instead of failing as django-axes does."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        refusal = sign_in_refusal(request, username)
        if refusal is not None:
            request.ecommune_refusal = refusal
            request.axes_locked_out = True
            raise AxesBackendPermissionDenied("Too many failed sign-ins.")
        return super().authenticate(request, username=username, password=password, **kwargs)
