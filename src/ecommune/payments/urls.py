"""Online payment, mounted under /paiements/ by ``ecommune.conf.urls``.

The notification URL the bank calls is ``banque/<token>/`` (one per payment, given to the
bank with each payment); ``banque/eopayment/`` is the same for banks that call one fixed
address (the payment is then found from what the bank sends).
"""

from django.urls import path
from payments.urls import process_data, static_callback

from ecommune.payments import views

app_name = "ecommune_payments"

urlpatterns = [
    path("payer/", views.pay, name="pay"),
    path("banque-fictive/", views.dummy_bank, name="dummy_bank"),
    path("banque/eopayment/", static_callback, {"variant": "eopayment"}, name="notify_static"),
    path("banque/<uuid:token>/", process_data, name="notify"),
    path("<uuid:token>/", views.payment_return, name="return"),
    path("<uuid:token>/recu.pdf", views.receipt, name="receipt"),
]
