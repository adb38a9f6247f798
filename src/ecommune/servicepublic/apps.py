from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicePublicConfig(AppConfig):
    name = "ecommune.servicepublic"
    label = "ecommune_servicepublic"
    verbose_name = _("service-public.fr fiches")
    default_auto_field = "django.db.models.BigAutoField"
