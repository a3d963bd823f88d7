from returns import files, ssda903, validation

from ._base import ExportCommand


class Command(ExportCommand):
    help = ("Write the SSDA903 CSV tables of a collection year (--year 2027: April 2026 to March 2027) and "
            "validate them.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--year", type=int, required=True, help="the year of the reference date (31 March)")
        parser.add_argument("--no-validate", action="store_true", help="skip the DfE validators")

    def handle(self, *, year, out, authority, no_validate, **_):
        la = self.authority(authority)
        ret = ssda903.build(local_authority_id=la.pk, year=year)
        self.report(files.write(ssda903.files(ret), out))
        if not no_validate:
            self.report_validation(validation.validate_ssda903(ret))
