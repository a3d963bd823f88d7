"""Producing the returns' files for one local authority (the commands and the returns page share this)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from . import annex_a, cin_census, ssda903


def cin_census_files(*, local_authority_id: int, year: int) -> dict[str, bytes]:
    census = cin_census.build(local_authority_id=local_authority_id, year=year)
    return {census.filename: cin_census.to_xml(census)}


def ssda903_files(*, local_authority_id: int, year: int) -> dict[str, bytes]:
    return ssda903.files(ssda903.build(local_authority_id=local_authority_id, year=year))


def annex_a_files(*, local_authority_id: int, on: date) -> dict[str, bytes]:
    return annex_a.files(annex_a.build(local_authority_id=local_authority_id, on=on))


def write(files: dict[str, bytes], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        path = out / name
        path.write_bytes(content)
        written.append(path)
    return written
