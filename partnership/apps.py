from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    default_auto_field = "django.db.models.BigAutoField"
