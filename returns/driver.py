"""Runs the community's DfE validators on a return and prints what failed as JSON (ADR 27).

This file runs in the validators' own environment (``.venv-validators``, built by ``make validators`` from
``requirements-validators.txt``), never in the product's: it imports nothing of the product, nor Django,
only the standard library and the validators (``csc-validator-be-cin``, ``csc-validator-be-903``), which
pin an older pandas than the product could share. ``returns.validation`` calls it as a subprocess:

    .venv-validators/bin/python returns/driver.py cin --year 2027 cin_census.xml
    .venv-validators/bin/python returns/driver.py 903 --year 2027 --la E09000027 header.csv episodes.csv ...

and reads one JSON object from standard output:

    {"validator": "csc-validator-be-cin 0.1.13", "ruleset": "cin2026_27",
     "issues": [{"rule": "8500", "message": "...", "child": "LA000123", "table": "ChildIdentifiers",
                 "fields": ["UPN"], "row": 0}, ...],
     "return_issues": [{"rule": "...", "message": "..."}]}

``issues`` are about one child (``child`` is the return's child identifier: LAchildID or CHILD);
``return_issues`` about the return as a whole (the header, or several children at once).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
import warnings
from contextlib import redirect_stdout
from importlib import metadata


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover
        pass
    return str(value)


def _row(value):
    text = _text(value)
    try:
        return int(float(text))
    except ValueError:
        return None


def _fields(value) -> list[str]:
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(str(v) for v in value)
    text = _text(value)
    return [text] if text else []


def _kind(registry, code: str) -> str:
    """"query" for the rules the DfE asks to check ("Q" codes, RuleType.QUERY), else "error"."""
    rule = registry.get(code) or registry.get(int(code) if code.isdigit() else code)
    rule_type = getattr(getattr(rule, "rule_type", None), "name", "")
    return "query" if rule_type == "QUERY" or code.endswith("Q") else "error"


def _merged(issues: list[dict]) -> list[dict]:
    """One issue per rule, child, table and row: the validators give one per column affected."""
    out: dict[tuple, dict] = {}
    for issue in issues:
        key = (issue["rule"], issue["child"], issue["table"], issue["row"])
        if key in out:
            out[key]["fields"] = sorted(set(out[key]["fields"]) | set(issue["fields"]))
        else:
            out[key] = issue
    return list(out.values())


def run_cin(path: str, year: int) -> dict:
    import xml.etree.ElementTree as ET

    from cin_validator import cin_validator
    from cin_validator.rules.ruleset_utils import get_year_ruleset

    registry = get_year_ruleset(str(year))
    root = ET.parse(path).getroot()
    data = cin_validator.process_data(cin_validator.convert_data(root))
    validator = cin_validator.CinValidator(data, registry)
    issues = []
    for rec in validator.full_issue_df.to_dict("records"):
        issue = {
            "rule": _text(rec.get("rule_code")),
            "message": _text(rec.get("rule_description")),
            "child": _text(rec.get("child_id")),
            "table": _text(rec.get("tables_affected")),
            "fields": _fields(rec.get("columns_affected")),
            "row": _row(rec.get("row_id")),
        }
        issue["kind"] = _kind(registry, issue["rule"])
        issues.append(issue)
    return_issues = {
        (_text(r.get("rule_code")), _text(r.get("rule_description")))
        for r in validator.multichild_issues.to_dict("records")
    }
    return {
        "validator": f"csc-validator-be-cin {metadata.version('csc-validator-be-cin')}",
        "ruleset": f"cin{year - 1}_{str(year)[2:]}",
        "issues": _merged(issues),
        "return_issues": [{"rule": c, "message": m, "kind": _kind(registry, c)} for c, m in sorted(return_issues)],
    }


def run_903(paths: list[str], year: int, la: str) -> dict:
    from lac_validator import lac_validator
    from lac_validator.report import Report
    from lac_validator.rules.ruleset_utils import get_year_ruleset
    from lac_validator.types import UploadedFile

    registry = get_year_ruleset(str(year))
    files = []
    for path in paths:
        with open(path, "rb") as f:
            files.append(UploadedFile(name=path, description="This year", file_content=f.read()))
    validator = lac_validator.LacValidator(
        metadata={"collectionYear": str(year), "localAuthority": la},
        files=files, registry=registry, selected_rules=None,
    )
    report = Report(validator.ds_results, registry)
    failed = [c for c in report.report.columns if c.startswith("ERR_") and report.report[c].fillna(False).any()]
    # create_issue_df concatenates one frame per failed rule: with none it raises, so a clean return is []
    records = lac_validator.create_issue_df(report.report, report.error_report).to_dict("records") if failed else []
    issues = []
    for rec in records:
        child = _text(rec.get("child_id", rec.get("CHILD")))
        issue = {
            "rule": _text(rec.get("rule_code")),
            "message": _text(rec.get("rule_description")),
            "child": child,
            "table": _text(rec.get("tables_affected")),
            "fields": _fields(rec.get("columns_affected")),
            "row": _row(rec.get("row_id")),
        }
        issue["kind"] = "error"
        issues.append(issue)
    return {
        "validator": f"csc-validator-be-903 {metadata.version('csc-validator-be-903')}",
        "ruleset": f"lac{year - 1}_{str(year)[2:]}",
        "issues": _merged(issues),
        "return_issues": [],  # the 903 validator reports every failure against a row of a table
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="return_", required=True)
    cin = sub.add_parser("cin", help="the CIN census (one XML file)")
    cin.add_argument("--year", type=int, required=True, help="the collection year: 2027 for 2026-27")
    cin.add_argument("path")
    lac = sub.add_parser("903", help="the SSDA903 return (its CSV tables)")
    lac.add_argument("--year", type=int, required=True)
    lac.add_argument("--la", required=True, help="the local authority's ONS code, e.g. E09000027")
    lac.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    chatter = io.StringIO()  # the validators print progress; standard output carries only our JSON
    with redirect_stdout(chatter):
        result = run_cin(args.path, args.year) if args.return_ == "cin" else run_903(args.paths, args.year, args.la)
    sys.stderr.write(chatter.getvalue())
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
