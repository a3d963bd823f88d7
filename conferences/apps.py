from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "conferences"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from safeguarding.clock.ics import register_feed_source

        from . import events, policies  # noqa: F401 - registers event codes and the chairs' coverage of children
        from .calendar import conference_events

        register_feed_source(conference_events)

        from . import home  # noqa: F401 - its home page parts, the plan status tag and named subjects (ADR 26)
