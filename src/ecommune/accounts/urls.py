"""Residents' account pages, mounted under /compte/ by ``ecommune.conf.urls``."""

from django.urls import include, path

from ecommune.accounts import addresses, views

app_name = "ecommune_accounts"

urlpatterns = [
    path("", views.account_home, name="home"),
    path("espace/", views.space, name="space"),
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/lien/", views.agenda_link, name="agenda_link"),
    path("agenda/rappels/", views.agenda_reminders, name="agenda_reminders"),
    path("agenda/<str:key>.ics", views.agenda_feed, name="agenda_feed"),
    path("inscription/", views.SignUpView.as_view(), name="signup"),
    path("inscription/envoyee/", views.signup_done, name="signup_done"),
    path("verification/renvoyer/", views.ResendVerificationView.as_view(), name="resend"),
    path("verification/<str:token>/", views.verify_email, name="verify_email"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("connexion/", views.SignInView.as_view(), name="login"),
    path("deconnexion/", views.SignOutView.as_view(), name="logout"),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/fait/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("mot-de-passe/changer/", views.PasswordChangeView.as_view(), name="password_change"),
    path("profil/", views.profile, name="profile"),
    path("profil/adresse/", addresses.address_update, name="address_update"),
    path("supprimer/", views.delete_account, name="delete"),
    path("supprime/", views.deleted, name="deleted"),
    path("mes-donnees.json", views.my_data, name="my_data"),
    path("franceconnect/", include("ecommune.accounts.franceconnect.urls")),
]
