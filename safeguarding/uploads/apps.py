from django.apps import AppConfig


class Config(AppConfig):
    name = "safeguarding.uploads"
    label = "uploads"
    verbose_name = "Uploads"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, events  # noqa: F401 (the system checks and the event codes register themselves)
