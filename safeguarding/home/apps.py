from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "safeguarding.home"
    label = "home"

    def ready(self):
        from . import kernel_parts  # noqa: F401 - the kernel's own parts: deadlines, notifications, teams, admin
