from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "conferences"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from safeguarding.clock.ics import register_feed_source

        from . import events, policies  # noqa: F401 - registers event codes and the chairs' coverage of children
        from .calendar import conference_events

        register_feed_source(conference_events)

        from safeguarding.figures.pages import register as register_figures

        register_figures("Child protection", "Children on a plan by category, first and repeat plans, and plans by "
                         "length (two years or more).", "conferences:figures", policies.plan_policy.sees_figures)

        from . import home  # noqa: F401 - its home page parts, the plan status tag and named subjects (ADR 26)
