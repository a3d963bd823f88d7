from django.apps import AppConfig


class Config(AppConfig):
    name = "safeguarding.clock"
    label = "clock"
    default_auto_field = "django.db.models.BigAutoField"
