"""Fixtures of the upload tests (importable by other apps' tests: ``from tests.uploads.conftest import ...``).

- ``upload_root`` (autouse here): UPLOAD_ROOT in a temporary folder, scanning off (CLAMD_URL unset);
- ``clamd``: a real clamd (tests/uploads/clamd_server.py), started once per test process, on first use;
  a test that uses it fails, with the reason, where clamd cannot run;
- ``scanning``: CLAMD_URL pointing at that clamd for one test;
- file makers: ``pdf_bytes()``, ``docx_bytes()``, ``png_bytes()``, ``named(data, name)``.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.uploads.clamd_server import EICAR, ClamdUnavailable, running_clamd

__all__ = ["EICAR", "pdf_bytes", "docx_bytes", "png_bytes", "named"]


def pdf_bytes(text: str = "hello") -> bytes:
    return (b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\n% " + text.encode() + b"\ntrailer<< /Root 1 0 R >>\n%%EOF\n")


def docx_bytes(*, microsoft_order: bool = True) -> bytes:
    """A minimal Word document: Word's entry order (libmagic names it), or another writer's (we do)."""
    entries = [("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>"),
               ("word/document.xml", "<w:document/>")]
    if not microsoft_order:
        entries = entries[::-1]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return out.getvalue()


def png_bytes() -> bytes:
    return (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
            b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def named(data: bytes, name: str, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    """A file as a page receives it (the browser's content type is what a client claims, and is ignored)."""
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture(scope="session")
def _upload_root_base(tmp_path_factory):
    return tmp_path_factory.mktemp("uploads")


@pytest.fixture(autouse=True)
def upload_root(settings, _upload_root_base, request):
    root = _upload_root_base / request.node.name[:60].replace("/", "_").replace("[", "_").replace("]", "_")
    settings.UPLOAD_ROOT = root
    settings.CLAMD_URL = ""
    settings.UPLOAD_SERVE_UNSCANNED = False
    return root


@pytest.fixture(scope="session")
def clamd(tmp_path_factory):
    """The test clamd (unix_url, tcp_url), for the whole test process."""
    manager = running_clamd(tmp_path_factory.mktemp("clamd"))
    try:
        server = manager.__enter__()
    except ClamdUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    manager.__exit__(None, None, None)


@pytest.fixture
def scanning(settings, clamd):
    settings.CLAMD_URL = clamd.unix_url
    return clamd
