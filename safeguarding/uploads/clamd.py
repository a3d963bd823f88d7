"""A client for clamd, ClamAV's daemon: the INSTREAM command (clamd(8), "INSTREAM"), PING and VERSION.

Written here rather than taken from PyPI: the maintained client (clamav-client) is GPL-2.0 and sends
1 KiB chunks; the others are unmaintained forks. The protocol is small and stable (ADR 18):

- connect to ``CLAMD_URL``: ``tcp://host:port`` or ``unix:///path/to/clamd.sock``;
- send ``zINSTREAM\\0``, then the file as chunks, each a 4-byte big-endian length and that many bytes,
  then a zero length;
- read the one reply, ended by ``\\0``: ``stream: OK``, ``stream: <signature> FOUND`` or
  ``<message> ERROR`` (``INSTREAM size limit exceeded. ERROR`` when the file is longer than clamd's
  ``StreamMaxLength``).
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

CHUNK_BYTES = 64 * 1024
REPLY_MAX_BYTES = 64 * 1024


class ClamdError(Exception):
    """clamd could not be reached, or did not give an answer: the scan is to be tried again."""


@dataclass(frozen=True)
class Verdict:
    infected: bool
    signature: str = ""


def parse_url(url: str) -> tuple[int, str | tuple[str, int]]:
    """(socket family, address) for ``tcp://host:port`` or ``unix:///path``; ValueError otherwise."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        path = parts.path or parts.netloc
        if not path:
            raise ValueError("CLAMD_URL: unix:// needs the socket's path, e.g. unix:///run/clamav/clamd.ctl")
        return socket.AF_UNIX, path
    if parts.scheme == "tcp":
        try:
            port = parts.port
        except ValueError:
            port = None
        if not parts.hostname or not port:
            raise ValueError("CLAMD_URL: tcp:// needs a host and a port, e.g. tcp://clamav:3310")
        return socket.AF_INET6 if ":" in parts.hostname else socket.AF_INET, (parts.hostname, port)
    raise ValueError("CLAMD_URL must be tcp://host:port or unix:///path/to/clamd.sock")


def _connect(url: str, timeout: float) -> socket.socket:
    family, address = parse_url(url)
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(address)
    except OSError as exc:
        sock.close()
        raise ClamdError(f"cannot reach clamd at {url}: {exc}") from exc
    return sock


def _reply(sock: socket.socket) -> str:
    data = bytearray()
    while b"\0" not in data and len(data) < REPLY_MAX_BYTES:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    if not data:
        raise ClamdError("clamd closed the connection without a reply")
    return data.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def command(url: str, name: str, *, timeout: float = 5) -> str:
    """A one-line command (``PING``, ``VERSION``) and its reply."""
    with _connect(url, timeout) as sock:
        try:
            sock.sendall(b"z" + name.encode("ascii") + b"\0")
            return _reply(sock)
        except OSError as exc:
            raise ClamdError(f"clamd {name} failed: {exc}") from exc


def instream(url: str, chunks: Iterable[bytes], *, timeout: float = 60) -> Verdict:
    """Scan the bytes ``chunks`` yields. Raises ClamdError when there is no verdict."""
    with _connect(url, timeout) as sock:
        try:
            sock.sendall(b"zINSTREAM\0")
            for chunk in chunks:
                for start in range(0, len(chunk), CHUNK_BYTES):
                    part = chunk[start:start + CHUNK_BYTES]
                    sock.sendall(struct.pack("!L", len(part)) + part)
            sock.sendall(struct.pack("!L", 0))
        except OSError as exc:
            # clamd closes the stream early when the file is over its StreamMaxLength: read why
            try:
                reason = _reply(sock)
            except (OSError, ClamdError):
                reason = str(exc)
            raise ClamdError(f"clamd stopped reading the file: {reason}") from exc
        try:
            answer = _reply(sock)
        except OSError as exc:
            raise ClamdError(f"no answer from clamd: {exc}") from exc
    if answer.endswith("FOUND"):
        signature = answer.removeprefix("stream:").removesuffix("FOUND").strip()
        return Verdict(infected=True, signature=signature or "unknown")
    if answer.endswith(": OK") or answer == "OK":
        return Verdict(infected=False)
    raise ClamdError(f"clamd: {answer}")
