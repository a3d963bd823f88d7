"""What may be uploaded: the file types the hub recognises, and the purposes that allow some of them.

A file's type is what :mod:`safeguarding.uploads.sniff` finds in its bytes, never what the browser or the
file's name says. A *purpose* (``"document"``, ``"image"``, ``"evidence"`` or one an app registers from its
``apps.py`` ``ready()``) names the types it accepts and, optionally, a size limit below
``settings.UPLOAD_MAX_BYTES``::

    from safeguarding.uploads.types import DOCUMENTS, IMAGES, register_purpose

    register_purpose("lado.evidence", "Evidence for an allegation", DOCUMENTS | IMAGES)

Types are named by their IANA media type; each has a label for people and the one file extension that a
download is given (whatever the uploaded file was called).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class FileType:
    media_type: str
    label: str
    extension: str
    kind: str  # what people call it in a list of what is accepted ("a PDF, Word or Excel file")


_TYPES = (
    FileType("application/pdf", "PDF", ".pdf", "PDF"),
    FileType("application/msword", "Word document (97-2003)", ".doc", "Word"),
    FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document", ".docx",
             "Word"),
    FileType("application/vnd.ms-excel", "Excel spreadsheet (97-2003)", ".xls", "Excel"),
    FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel spreadsheet", ".xlsx",
             "Excel"),
    FileType("application/vnd.ms-powerpoint", "PowerPoint presentation (97-2003)", ".ppt", "PowerPoint"),
    FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation",
             "PowerPoint presentation", ".pptx", "PowerPoint"),
    FileType("application/vnd.oasis.opendocument.text", "OpenDocument text", ".odt", "OpenDocument"),
    FileType("application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet", ".ods", "OpenDocument"),
    FileType("application/vnd.oasis.opendocument.presentation", "OpenDocument presentation", ".odp", "OpenDocument"),
    FileType("text/rtf", "Rich text document", ".rtf", "rich text"),
    FileType("text/plain", "Plain text", ".txt", "plain text"),
    FileType("text/csv", "CSV (comma-separated values)", ".csv", "CSV"),
    FileType("image/jpeg", "JPEG image", ".jpg", "JPEG"),
    FileType("image/png", "PNG image", ".png", "PNG"),
    FileType("image/heic", "HEIC image (iPhone photo)", ".heic", "HEIC"),
    FileType("image/heif", "HEIF image", ".heif", "HEIC"),
)
FILE_TYPES: dict[str, FileType] = {t.media_type: t for t in _TYPES}

DOCUMENTS = frozenset({
    "application/pdf",
    "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-powerpoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "text/rtf", "text/plain", "text/csv",
})
IMAGES = frozenset({"image/jpeg", "image/png", "image/heic", "image/heif"})


@dataclass(frozen=True)
class Purpose:
    key: str
    label: str
    types: frozenset[str]
    max_bytes: int | None = None  # None: settings.UPLOAD_MAX_BYTES

    @property
    def limit(self) -> int:
        """The largest file this purpose accepts, in bytes (never above ``UPLOAD_MAX_BYTES``)."""
        ceiling = settings.UPLOAD_MAX_BYTES
        return min(self.max_bytes, ceiling) if self.max_bytes else ceiling

    @property
    def type_labels(self) -> list[str]:
        """The accepted types for people, in a stable order."""
        return [t.label for t in _TYPES if t.media_type in self.types]

    @property
    def kinds(self) -> str:
        """What it accepts, in short, for hints and error messages: "PDF, Word, Excel … or HEIC"."""
        kinds = list(dict.fromkeys(t.kind for t in _TYPES if t.media_type in self.types))
        return kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} or {kinds[-1]}"

    @property
    def extensions(self) -> list[str]:
        """For the file input's ``accept`` attribute: a hint to the browser, never a check."""
        return sorted({t.extension for t in _TYPES if t.media_type in self.types} | (
            {".jpeg"} if "image/jpeg" in self.types else set()))


_PURPOSES: dict[str, Purpose] = {}


def register_purpose(key: str, label: str, types, *, max_bytes: int | None = None) -> Purpose:
    """Declare what a purpose accepts (from an app's ``ready()``); the same key twice must mean the same."""
    unknown = set(types) - set(FILE_TYPES)
    if unknown:
        raise ValueError(f"Purpose {key!r}: no such file type {sorted(unknown)} (see safeguarding.uploads.types)")
    purpose = Purpose(key, label, frozenset(types), max_bytes)
    if _PURPOSES.get(key, purpose) != purpose:
        raise ValueError(f"Upload purpose {key!r} registered twice with different rules")
    _PURPOSES[key] = purpose
    return purpose


def get_purpose(key: str) -> Purpose:
    try:
        return _PURPOSES[key]
    except KeyError:
        raise ValueError(f"Unknown upload purpose {key!r}: register it with register_purpose()") from None


def purpose_label(key: str) -> str:
    purpose = _PURPOSES.get(key)
    return purpose.label if purpose else key


def type_label(media_type: str) -> str:
    file_type = FILE_TYPES.get(media_type)
    return file_type.label if file_type else media_type


# The kernel's own purposes: any app may use them.
DOCUMENT = register_purpose("document", "Document", DOCUMENTS)
IMAGE = register_purpose("image", "Image", IMAGES)
EVIDENCE = register_purpose("evidence", "Evidence (a document or an image)", DOCUMENTS | IMAGES)
