"""The type comes from the bytes (libmagic, and our look inside ZIPs), never from the name or the browser."""

import io
import zipfile

import pytest

from safeguarding.uploads import types
from safeguarding.uploads.sniff import sniff
from tests.uploads.conftest import docx_bytes, pdf_bytes, png_bytes


def _zip(entries, *, stored_first=False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (name, data) in enumerate(entries):
            archive.writestr(zipfile.ZipInfo(name) if stored_first and i == 0 else name, data)
    return out.getvalue()


SAMPLES = {
    "pdf": (pdf_bytes(), "application/pdf"),
    "docx (Word's order)": (docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "docx (another writer's order)": (docx_bytes(microsoft_order=False),
                                      "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (_zip([("xl/workbook.xml", "<w/>"), ("[Content_Types].xml", "<T/>")]),
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (_zip([("[Content_Types].xml", "<T/>"), ("_rels/.rels", "<r/>"), ("ppt/presentation.xml", "<p/>")]),
             "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "odt": (_zip([("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<x/>")], stored_first=True),
            "application/vnd.oasis.opendocument.text"),
    "ods (compressed mimetype)": (_zip([("content.xml", "<x/>"), ("mimetype", "application/vnd.oasis.opendocument."
                                                                             "spreadsheet")]),
                                  "application/vnd.oasis.opendocument.spreadsheet"),
    "text": ("Notes from the visit \u2013 caf\u00e9\n".encode(), "text/plain"),
    "csv": (b"name,age,town\nA,1,B\nC,2,D\nE,3,F\n", "text/csv"),
    "rtf": (b"{\\rtf1\\ansi hello}", "text/rtf"),
    "png": (png_bytes(), "image/png"),
    "jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb", "image/jpeg"),
    "heic": (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(32), "image/heic"),
    # never accepted
    "plain zip": (_zip([("notes.txt", "hi")]), "application/zip"),
    "zip claiming OOXML without a part": (_zip([("[Content_Types].xml", "<T/>"), ("evil.exe", "MZ")]),
                                          "application/zip"),
    "html": (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "text/html"),
    "svg": (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "image/svg+xml"),
    "windows program": (b"MZ\x90\x00" + bytes(60), "application/x-dosexec"),
    "shell script": (b"#!/bin/sh\nrm -rf /\n", "text/x-shellscript"),
}


@pytest.mark.parametrize("label", list(SAMPLES))
def test_type_from_the_bytes(tmp_path, label):
    data, expected = SAMPLES[label]
    path = tmp_path / "upload.bin"  # the name says nothing
    path.write_bytes(data)
    assert sniff(path) == expected


def test_a_broken_zip_is_a_zip_and_nothing_more(tmp_path):
    path = tmp_path / "x"
    whole = _zip([("notes.txt", "x"), ("[Content_Types].xml", "<T/>"), ("word/document.xml", "<w/>")])
    path.write_bytes(whole)
    assert sniff(path) == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    path.write_bytes(whole[:-30])  # the central directory cut off: we cannot look inside
    assert sniff(path) == "application/zip"


def test_the_kernel_purposes():
    assert types.get_purpose("evidence").types == types.DOCUMENTS | types.IMAGES
    assert "text/html" not in types.EVIDENCE.types and "application/zip" not in types.EVIDENCE.types
    assert types.IMAGE.type_labels == ["JPEG image", "PNG image", "HEIC image (iPhone photo)", "HEIF image"]
    assert ".jpeg" in types.IMAGE.extensions and ".pdf" not in types.IMAGE.extensions


def test_a_purpose_limit_never_exceeds_the_setting(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    small = types.register_purpose("tests.small", "Small", {"text/plain"}, max_bytes=10)
    big = types.register_purpose("tests.big", "Big", {"text/plain"}, max_bytes=10**9)
    assert (small.limit, big.limit, types.DOCUMENT.limit) == (10, 1000, 1000)


def test_purposes_are_declared_once_with_known_types():
    with pytest.raises(ValueError, match="no such file type"):
        types.register_purpose("tests.bad", "Bad", {"text/html"})
    with pytest.raises(ValueError, match="registered twice"):
        types.register_purpose("evidence", "Something else", {"text/plain"})
    with pytest.raises(ValueError, match="Unknown upload purpose"):
        types.get_purpose("nope")
