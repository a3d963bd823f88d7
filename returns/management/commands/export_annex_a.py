import datetime

from django.utils import timezone

from returns import files

from ._base import ExportCommand


class Command(ExportCommand):
    help = "Write Ofsted's Annex A lists 7 (child protection) and 8 (looked after) as CSV and one XLSX workbook."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--on", type=datetime.date.fromisoformat, default=None,
                            help="the lists' date, YYYY-MM-DD (default today); they cover the year before it")

    def handle(self, *, out, authority, on, **_):
        la = self.authority(authority)
        self.report(files.write(files.annex_a_files(local_authority_id=la.pk, on=on or timezone.localdate()), out))
