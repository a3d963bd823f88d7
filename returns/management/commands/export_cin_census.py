from returns import cin_census, files, validation

from ._base import ExportCommand


class Command(ExportCommand):
    help = ("Write the CIN census XML of a collection year (--year 2027: April 2026 to March 2027) and "
            "validate it.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--year", type=int, required=True, help="the year of the reference date (31 March)")
        parser.add_argument("--no-validate", action="store_true", help="skip the DfE validators")

    def handle(self, *, year, out, authority, no_validate, **_):
        la = self.authority(authority)
        census = cin_census.build(local_authority_id=la.pk, year=year)
        self.report(files.write({census.filename: cin_census.to_xml(census)}, out))
        if not no_validate:
            self.report_validation(validation.validate_cin_census(census))
