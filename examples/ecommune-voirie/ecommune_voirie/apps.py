from django.apps import AppConfig


class VoirieConfig(AppConfig):
    name = "ecommune_voirie"
    verbose_name = "Occupation du domaine public"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ecommune_voirie import service  # noqa: F401  (registers the service and its event)
