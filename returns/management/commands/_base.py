"""What the three export commands share: the local authority (``--authority``, needed only when there are
several), the output directory, and writing the files (with the validators' verdict for the DfE returns)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.selectors import local_authorities_by_ids


class ExportCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path, help="the directory to write the files to")
        parser.add_argument("--authority", default="", help="the local authority's name (when there are several)")

    def authority(self, name: str):
        authorities = local_authorities_by_ids()
        if name:
            chosen = [a for a in authorities if a.name.casefold() == name.casefold()]
            if not chosen:
                raise CommandError(f"No active local authority is called {name!r}.")
            return chosen[0]
        if len(authorities) != 1:
            names = ", ".join(a.name for a in authorities) or "none"
            raise CommandError(f"Say which local authority with --authority (there are: {names}).")
        return authorities[0]

    def report(self, written) -> None:
        for path in written:
            self.stdout.write(str(path))

    def report_validation(self, result) -> None:
        errors, queries = len(result.errors), len(result.queries)
        self.stderr.write(f"{result.validator} ({result.ruleset}): {errors} error(s), {queries} query(ies)")
        for issue in result.issues:
            where = f"{issue.child} {issue.table} {','.join(issue.fields)}".strip()
            self.stderr.write(f"  {issue.kind} {issue.rule}: {where}: {issue.message}")
