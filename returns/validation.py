"""The community's DfE validators, run on a return (ADR 27).

``csc-validator-be-cin`` and ``csc-validator-be-903`` (data-to-insight, MIT) implement the DfE's validation
rules for the CIN census and the SSDA903 return. They pin pandas < 2 and numpy < 1.25, so they live in an
environment of their own (``.venv-validators``, ``make validators``, ``requirements-validators.txt``); the
product writes the return to a temporary directory and runs ``returns/driver.py`` there, reading its JSON.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from . import cin_census, ssda903

DRIVER = Path(__file__).resolve().parent / "driver.py"
TIMEOUT_SECONDS = 300


class ValidatorsUnavailable(RuntimeError):
    """The validators' environment is missing or failed: ``make validators`` builds it."""


@dataclass(frozen=True)
class Issue:
    rule: str
    message: str
    kind: str  # "error" or "query" (the DfE's "please check")
    child: str  # the return's child identifier (LA child id); "" for the return as a whole
    table: str
    fields: tuple[str, ...]
    row: int | None


@dataclass(frozen=True)
class Result:
    validator: str
    ruleset: str
    issues: tuple[Issue, ...]

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.kind == "error")

    @property
    def queries(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.kind != "error")


def _run(args: list[str]) -> Result:
    python = Path(settings.RETURNS_VALIDATORS_PYTHON)
    if not python.exists():
        raise ValidatorsUnavailable(f"The validators' environment is missing ({python}): run `make validators`.")
    try:
        done = subprocess.run([str(python), str(DRIVER), *args], capture_output=True, text=True,
                              timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ValidatorsUnavailable(f"The validators took longer than {TIMEOUT_SECONDS} s.") from exc
    if done.returncode != 0:
        raise ValidatorsUnavailable(f"The validators failed: {done.stderr.strip().splitlines()[-1:]}")
    data = json.loads(done.stdout)
    issues = [*data["issues"], *({**i, "child": "", "table": "", "fields": [], "row": None}
                                 for i in data["return_issues"])]
    return Result(validator=data["validator"], ruleset=data["ruleset"], issues=tuple(
        Issue(rule=i["rule"], message=i["message"], kind=i["kind"], child=i["child"], table=i["table"],
              fields=tuple(i["fields"]), row=i["row"]) for i in issues))


def validate_cin_census(census: cin_census.CinCensus) -> Result:
    with tempfile.TemporaryDirectory(prefix="cin-census-") as tmp:
        path = Path(tmp) / census.filename
        path.write_bytes(cin_census.to_xml(census))
        return _run(["cin", "--year", str(census.year.year), str(path)])


def validate_ssda903(ret: ssda903.Ssda903) -> Result:
    if not settings.RETURNS_LA_ONS_CODE:
        raise ValidatorsUnavailable("RETURNS_LA_ONS_CODE is not set: the SSDA903 validator needs the ONS code.")
    with tempfile.TemporaryDirectory(prefix="ssda903-") as tmp:
        paths = []
        for name, content in ssda903.files(ret).items():
            path = Path(tmp) / name
            path.write_bytes(content)
            paths.append(str(path))
        return _run(["903", "--year", str(ret.year.year), "--la", settings.RETURNS_LA_ONS_CODE, *paths])
