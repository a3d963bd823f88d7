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

        # the service's yearly figures (ADR 29)
        from safeguarding.figures.pages import register as register_figures

        from .policies import referral_policy

        register_figures("LADO", "Referrals and consultations by sector, within a working day, outcomes, time to "
                         "outcome against the targets, DBS and regulator referrals, repeat subjects.",
                         "lado:figures", referral_policy.sees_figures)

        from . import home  # noqa: F401 - its home page part and the naming of LADO records (ADR 26)
