"""Authentication backends."""

from axes.backends import AxesStandaloneBackend


class LoginRateLimitBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for sign-ins made through a web request.

    ``authenticate()`` without a request is code checking a password (a management
    command, Django's test client), not a visitor: there is no client to count, so it is
    let through to the next backend instead of failing as django-axes does."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
