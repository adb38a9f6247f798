"""The household's invoices, mounted under /famille/factures/ by ``ecommune.conf.urls``."""

from django.urls import path

from ecommune.payments import invoice_views

app_name = "ecommune_invoices"

urlpatterns = [
    path("", invoice_views.invoices, name="list"),
    path("<str:number>.pdf", invoice_views.invoice_download, name="pdf"),
]
