"""The back office's sign-in page: Wagtail's own, whose ``next`` must be an address.

Wagtail's view sends an agent who is already signed in straight to ``next``; a ``next``
without a slash (``?next=abc``) made Django's ``redirect()`` look for a URL pattern of
that name and the page answered a server error. Mounted in ``ecommune.conf.urls`` at
Wagtail's own address and name, before Wagtail's URLs."""

from wagtail.admin.views.account import LoginView

from ecommune.core.redirects import safe_next


class AdminLoginView(LoginView):
    def get_redirect_url(self):
        return safe_next(self.request, "")
