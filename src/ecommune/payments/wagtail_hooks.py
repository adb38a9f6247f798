"""Back office of payments: the treasury page (payments, refunds, CSV exports). The
commune's payment backend is under Settings (``PaymentAccount``)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ecommune.payments import admin_views


@hooks.register("register_admin_urls")
def register_payment_urls():
    return [
        path("paiements/", admin_views.TreasuryView.as_view(), name="ecommune_payments_treasury"),
        path(
            "paiements/paiements.csv",
            admin_views.payments_csv,
            name="ecommune_payments_payments_csv",
        ),
        path("paiements/impayes.csv", admin_views.unpaid_csv, name="ecommune_payments_unpaid_csv"),
        path(
            "paiements/<str:reference>/remboursement/",
            admin_views.RefundView.as_view(),
            name="ecommune_payments_refund",
        ),
    ]


class TreasuryMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_handle_payments(request.user)


@hooks.register("register_admin_menu_item")
def register_treasury_menu_item():
    return TreasuryMenuItem(
        _("Payments"), reverse("ecommune_payments_treasury"), icon_name="table", order=180
    )
