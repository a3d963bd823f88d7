from django.core.management.base import BaseCommand, CommandError

from safeguarding.accounts.models import ApiClient
from safeguarding.accounts.services import api_client_revoke


class Command(BaseCommand):
    help = "Revoke an API client: its token stops working at once."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--reason", default="revoked by an administrator")

    def handle(self, *args, agency, name, reason, **options):
        try:
            client = ApiClient.objects.get(agency__name=agency, name=name)
        except ApiClient.DoesNotExist:
            raise CommandError(f"{agency} has no API client called {name!r}") from None
        if client.revoked_at:
            self.stdout.write(f"{client} was already revoked on {client.revoked_at:%Y-%m-%d %H:%M}.")
            return
        api_client_revoke(client=client, reason=reason)
        self.stdout.write(f"Revoked {client}.")
