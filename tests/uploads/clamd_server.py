"""A real clamd for the tests, on private sockets, with a signature database written here.

No network and no freshclam: the database is two signatures for the EICAR test file (an ``.hdb``
signature of the whole file, and an ``.ndb`` body signature that finds it inside other bytes), which
ClamAV reports as ``Hub.Test.EICAR-HDB.UNOFFICIAL`` / ``Hub.Test.EICAR-NDB.UNOFFICIAL``. The EICAR
string is assembled at run time, so the repository holds no file an antivirus would flag.

    with running_clamd(tmp_dir) as server:       # server.unix_url, server.tcp_url
        ...

``make test`` installs Debian's clamav-daemon (scripts/system_deps.sh clamav). Where clamd cannot be
started the tests that need it fail with the reason (ClamdUnavailable); no other test needs it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# The EICAR anti-virus test file (https://www.eicar.org), in parts.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-" + b"TEST-FILE!$H+H*"
# clamd names a match "<signature>.UNOFFICIAL" when its database is not ClamAV's own
HDB_SIGNATURE = "Hub.Test.EICAR-HDB.UNOFFICIAL"
NDB_SIGNATURE = "Hub.Test.EICAR-NDB.UNOFFICIAL"
SIGNATURES = (HDB_SIGNATURE, NDB_SIGNATURE)
STREAM_MAX_BYTES = 2 * 1024 * 1024  # clamd's StreamMaxLength here: a longer stream is clamd's own error
START_SECONDS = 30


class ClamdUnavailable(Exception):
    pass


@dataclass(frozen=True)
class ClamdServer:
    unix_url: str
    tcp_url: str
    log: Path


def clamd_binary() -> str | None:
    for candidate in (os.environ.get("CLAMD_PATH"), shutil.which("clamd"), "/usr/sbin/clamd"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_database(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hub-test.hdb").write_text(f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:Hub.Test.EICAR-HDB\n")
    (folder / "hub-test.ndb").write_text(f"Hub.Test.EICAR-NDB:0:*:{EICAR.hex()}\n")


def _ping(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(1)
            s.connect(str(path))
            s.sendall(b"zPING\0")
            return s.recv(16).startswith(b"PONG")
    except OSError:
        return False


@contextmanager
def running_clamd(workdir: Path):
    binary = clamd_binary()
    if binary is None:
        raise ClamdUnavailable(
            "clamd (ClamAV's daemon) is not installed, so the virus scan tests cannot run. `make test` installs it "
            "(scripts/system_deps.sh clamav: Debian's clamav-daemon); or apt-get install clamav-daemon, or set "
            "CLAMD_PATH to a clamd binary.")
    workdir.mkdir(parents=True, exist_ok=True)
    write_database(workdir / "db")
    sock, port, log = workdir / "clamd.sock", _free_port(), workdir / "clamd.log"
    config = workdir / "clamd.conf"
    config.write_text("\n".join([
        "Foreground yes",
        f"LocalSocket {sock}",
        "TCPAddr 127.0.0.1",
        f"TCPSocket {port}",
        f"DatabaseDirectory {workdir / 'db'}",
        f"TemporaryDirectory {workdir}",
        f"LogFile {log}",
        f"StreamMaxLength {STREAM_MAX_BYTES // 1024}K",
        "Bytecode no",
        "MaxThreads 4",
        "SelfCheck 0",
        "",
    ]))
    with open(workdir / "clamd.out", "wb") as out:
        proc = subprocess.Popen([binary, f"--config-file={config}"], stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _ping(sock):
            if proc.poll() is not None or time.monotonic() > deadline:
                said = (workdir / "clamd.out").read_text(errors="replace")[-1500:]
                logged = log.read_text(errors="replace")[-1500:] if log.exists() else ""
                raise ClamdUnavailable(
                    f"clamd ({binary}) did not start (exit code {proc.poll()}), so the virus scan tests cannot run "
                    f"(scripts/system_deps.sh clamav installs Debian's clamav-daemon):\n{said}\n{logged}")
            time.sleep(0.05)
        yield ClamdServer(unix_url=f"unix://{sock}", tcp_url=f"tcp://127.0.0.1:{port}", log=log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
