from django.apps import AppConfig


class LadoConfig(AppConfig):
    name = "lado"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cases.policies import register_coverage

        from . import events  # noqa: F401 - registers the event codes
        from .policies import COVERAGE

        # the LADO team reaches the records of the children its referrals were matched to
        for provider in COVERAGE:
            register_coverage(provider)
        from . import home  # noqa: F401 - its home page part and the naming of LADO records (ADR 26)
