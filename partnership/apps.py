from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # the partnership's figures (ADR 29)
        from safeguarding.figures.pages import register as register_figures

        from . import (
            events,  # noqa: F401 - registers the event codes
            home,  # noqa: F401 - its home page parts and the naming of rapid reviews (ADR 26)
        )
        from .policies import rapid_review_policy

        register_figures("Safeguarding partnership", "Rapid review steps met on time, and review actions by owner "
                         "agency.", "partnership:figures", rapid_review_policy.sees_figures)
