"""Where uploaded bytes are kept: ``settings.UPLOAD_ROOT``, outside every served directory.

- ``UPLOAD_ROOT/incoming/``: a file while it is received (hashed and counted as it is written);
- ``UPLOAD_ROOT/store/ab/cd/abcd…``: the kept file, under 128 random bits (``secrets``), never the
  uploader's name; files and folders are readable by the hub's own user only (0600 / 0700).

Nothing here decides who may read what: ``services.upload_open`` does, and is the only reader.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

CHUNK_BYTES = 64 * 1024
STORAGE_NAME = re.compile(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{32}")


class TooLarge(Exception):
    """The file is longer than the limit (reading stopped there)."""


class Unreadable(Exception):
    """A kept file is missing, unreadable, or no longer what was uploaded."""


@dataclass(frozen=True)
class Received:
    path: Path
    size: int
    sha256: str


def root() -> Path:
    return Path(settings.UPLOAD_ROOT)


def _folder(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _chunks_of(file) -> Iterator[bytes]:
    if hasattr(file, "chunks"):  # Django's UploadedFile (pages and the API)
        yield from file.chunks(CHUNK_BYTES)
        return
    if hasattr(file, "seek"):
        try:
            file.seek(0)
        except (OSError, ValueError):
            pass
    while chunk := file.read(CHUNK_BYTES):
        yield chunk


def receive(file, *, limit: int) -> Received:
    """Write ``file`` (a Django UploadedFile or any binary file object) to ``incoming/``, hashing and
    counting as it goes; TooLarge (and nothing left behind) as soon as it passes ``limit`` bytes."""
    incoming = _folder(root() / "incoming")
    path = incoming / secrets.token_hex(16)
    digest, size = hashlib.sha256(), 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in _chunks_of(file):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(size)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Received(path=path, size=size, sha256=digest.hexdigest())


def new_storage_name() -> str:
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token[2:4]}/{token}"


def path_of(storage_name: str) -> Path:
    if not STORAGE_NAME.fullmatch(storage_name or ""):
        raise Unreadable(f"not a storage name: {storage_name!r}")
    return root() / "store" / storage_name


def keep(received: Received, storage_name: str) -> Path:
    """Move a received file to its place in the store (a rename: UPLOAD_ROOT is one file system)."""
    dest = path_of(storage_name)
    _folder(dest.parent)
    os.replace(received.path, dest)
    return dest


def discard_received(received: Received) -> None:
    received.path.unlink(missing_ok=True)


def forget(storage_name: str) -> None:
    """Remove a kept file whose record was never written (its transaction failed). Never for a file
    that has a record: records are withdrawn, their files kept."""
    path_of(storage_name).unlink(missing_ok=True)


def open_kept(storage_name: str):
    try:
        return open(path_of(storage_name), "rb")  # noqa: SIM115 (the caller's response closes it)
    except OSError as exc:
        raise Unreadable(f"cannot open the kept file: {exc.strerror or exc}") from exc


def verified_chunks(storage_name: str, *, sha256: str, size: int) -> Iterator[bytes]:
    """The kept file's bytes; Unreadable at the end (before the last chunk is given) when they are not
    the bytes that were uploaded, so a scan never passes a file that changed on disk."""
    digest, seen = hashlib.sha256(), 0
    try:
        with open(path_of(storage_name), "rb") as f:
            previous = None
            while chunk := f.read(CHUNK_BYTES):
                digest.update(chunk)
                seen += len(chunk)
                if previous is not None:
                    yield previous
                previous = chunk
    except OSError as exc:
        raise Unreadable(f"cannot read the kept file: {exc.strerror or exc}") from exc
    if seen != size or digest.hexdigest() != sha256:
        raise Unreadable("the kept file is not the file that was uploaded (its SHA-256 differs)")
    if previous is not None:
        yield previous
