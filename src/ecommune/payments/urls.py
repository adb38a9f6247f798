"""Online payment, mounted under /paiements/ by ``ecommune.conf.urls``.

The notification URL the bank calls is ``banque/<token>/`` (one per payment, given to the
bank with each payment); ``banque/eopayment/`` is the same for banks that call one fixed
address (the payment is then found from what the bank sends). Both are django-payments'
views behind a check that a commune serves the host; the payment is looked up among that
commune's only.
"""

from django.urls import path

from ecommune.payments import views

app_name = "ecommune_payments"

urlpatterns = [
    path("payer/", views.pay, name="pay"),
    path("banque-fictive/", views.dummy_bank, name="dummy_bank"),
    path("banque/eopayment/", views.bank_notification_static, name="notify_static"),
    path("banque/<uuid:token>/", views.bank_notification, name="notify"),
    path("<uuid:token>/", views.payment_return, name="return"),
    path("<uuid:token>/recu.pdf", views.receipt, name="receipt"),
]
