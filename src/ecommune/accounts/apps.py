from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ecommune.accounts"
    label = "ecommune_accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # checks registers the system checks.
        # processing adds the account to the register of processing.
        from ecommune.accounts import checks, lockout, processing  # noqa: F401
        from ecommune.accounts.audit import connect_signals
        from ecommune.accounts.franceconnect import checks as franceconnect_checks  # noqa: F401

        connect_signals()
        lockout.connect_signals()
