from django.apps import AppConfig


class Config(AppConfig):
    name = "safeguarding.access"
    label = "access"
    default_auto_field = "django.db.models.BigAutoField"
