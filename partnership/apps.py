from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import events  # noqa: F401 - registers the event codes
