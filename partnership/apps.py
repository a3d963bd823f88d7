from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            events,  # noqa: F401 - registers the event codes
            home,  # noqa: F401 - its home page parts and the naming of rapid reviews (ADR 26)
        )
