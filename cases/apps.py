from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            events,  # noqa: F401 - registers the event codes
            home,  # noqa: F401 - its home page parts and the naming of children (ADR 26)
        )
