"""A file's type from its bytes: libmagic (python-magic), the ``file`` command's library and database,
with one narrow refinement of our own.

libmagic names Office Open XML files (.docx, .xlsx, .pptx) only when their ZIP entries come in the order
Microsoft Office writes them (``[Content_Types].xml`` first); other writers (LibreOffice, Google Docs,
python-docx, ...) may order them differently, and libmagic then says "application/zip". For a ZIP,
and only a ZIP, we read the archive's central directory (the entry names; nothing is decompressed but
an OpenDocument ``mimetype`` entry of at most 100 bytes) and name the Office or OpenDocument format it
holds. A ZIP that is neither stays ``application/zip``, which no purpose accepts.

The browser's Content-Type and the file's name are never consulted.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import magic

# What libmagic may say for a type that FILE_TYPES names otherwise.
ALIASES = {
    "application/rtf": "text/rtf",
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
    "image/heic-sequence": "image/heic",
    "image/heif-sequence": "image/heif",
}
ZIP = "application/zip"
OOXML = (
    ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
)
ODF = frozenset({
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
})
ODF_MIMETYPE_MAX_BYTES = 100


def sniff(path: Path | str) -> str:
    """The media type of the file at ``path``, from its content."""
    found = magic.from_file(str(path), mime=True).strip().lower()
    found = ALIASES.get(found, found)
    if found == ZIP:
        return _inside_zip(path) or ZIP
    return found


def _inside_zip(path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" in names:
                for prefix, media_type in OOXML:
                    if any(name.startswith(prefix) for name in names):
                        return media_type
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= ODF_MIMETYPE_MAX_BYTES and info.compress_size <= ODF_MIMETYPE_MAX_BYTES:
                    declared = archive.read(info).decode("ascii", "replace").strip()
                    if declared in ODF:
                        return declared
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return None
    return None
