from django.apps import AppConfig


class LadoConfig(AppConfig):
    name = "lado"
    default_auto_field = "django.db.models.BigAutoField"
