"""FranceConnect's URLs, included under /compte/franceconnect/ by ``ecommune.accounts.urls``.

Declare the callback and the sign-out return on FranceConnect's partner portal
(docs/it-team/franceconnect.md)."""

from django.urls import path

from ecommune.accounts.franceconnect import views

urlpatterns = [
    path("connexion/", views.FranceConnectLoginView.as_view(), name="franceconnect_login"),
    path("retour/", views.FranceConnectCallbackView.as_view(), name="franceconnect_callback"),
    path("deconnexion/", views.logout, name="franceconnect_logout"),
    path("deconnexion/retour/", views.logout_done, name="franceconnect_logout_done"),
]
