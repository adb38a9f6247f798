from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "ecommune.payments"
    label = "ecommune_payments"
    verbose_name = _("Invoices and payments")
    default_auto_field = "django.db.models.BigAutoField"
