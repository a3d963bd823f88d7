from django.core.management.base import BaseCommand, CommandError

from safeguarding.accounts.models import Agency
from safeguarding.accounts.services import api_client_create


class Command(BaseCommand):
    help = "Create an API client for an agency and print its token once (it is stored only as a hash)."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="The agency's exact name")
        parser.add_argument("--name", required=True, help="A name for the client, e.g. 'Police case system'")

    def handle(self, *args, agency, name, **options):
        try:
            agency_obj = Agency.objects.get(name=agency, is_active=True)
        except Agency.DoesNotExist:
            raise CommandError(f"No active agency called {agency!r}") from None
        try:
            client, token = api_client_create(agency=agency_obj, name=name)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Created API client {client.name!r} for {agency_obj.name} (id {client.public_id}).")
        self.stdout.write("Token (shown once, store it now):")
        self.stdout.write(token)
