from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cases.policies import register_coverage

        from . import events  # noqa: F401 - registers the event codes
        from .policies import COVERAGE

        # IROs reach the children allocated to them, the IRO manager the authority's looked-after children
        for provider in COVERAGE:
            register_coverage(provider)

        # the child's page loads the child's periods of care with its lists (the "Looked after" panel, ADR 16)
        from cases.selectors import register_page_list

        from .selectors.child_panel import PERIODS_LIST, periods_of_child

        register_page_list(PERIODS_LIST, periods_of_child)

        # the IRO manager's figures pages (ADR 29)
        from safeguarding.figures.pages import register as register_figures

        from .policies import oversight_policy

        register_figures("Looked-after reviews", "How children took part in their reviews, and reviews held first, "
                         "second and later.", "reviews:figures", oversight_policy.sees_the_service)
        register_figures("Looked-after timeliness", "The looked-after service's deadlines met on time, month by "
                         "month and deadline by deadline.", "reviews:timeliness", oversight_policy.sees_the_service)

        from . import home  # noqa: F401 - its home page parts, the looked-after tag and named subjects (ADR 26)
