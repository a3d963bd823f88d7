#!/usr/bin/env python
"""`make run`: the whole application on one machine, for development and demonstrations.

1. PostgreSQL and Redis: the ones named by DATABASE_URL / REDIS_URL, or embedded servers started
   under var/ when those are unset (see scripts/embedded.py; data persists between runs).
2. `manage.py migrate`, then `manage.py load_demo` (idempotent demo data).
3. The web server (runserver with auto-reload), a Celery worker and Celery beat, as child processes.
4. Ctrl-C (or SIGTERM/SIGHUP) stops every process started here, then the embedded servers.

Environment knobs (all optional): RUNSERVER_ADDR (default 127.0.0.1:8000), CELERY_CONCURRENCY
(default 2), EMBEDDED_REDIS_PORT (default 6390), EMBEDDED_DB_NAME (default safeguarding_hub),
DEVRUN_SKIP_DEMO=1 (skip load_demo).
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import embedded  # noqa: E402

PY = sys.executable
STOP_TIMEOUT = 15  # seconds a child gets to exit after SIGTERM before SIGKILL


class Shutdown(Exception):
    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def say(message: str = "") -> None:
    print(f"[run] {message}" if message else "", flush=True)


def _die_with_parent() -> None:
    """In the child: start a new session (Ctrl-C is ours to pass on) and die if we die (Linux)."""
    os.setsid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except OSError:
            pass


class Child:
    def __init__(self, name: str, argv: list[str], env: dict[str, str]):
        self.name = name
        self.argv = argv
        self.proc = subprocess.Popen(argv, cwd=ROOT, env=env, preexec_fn=_die_with_parent)

    def running(self) -> bool:
        return self.proc.poll() is None

    def signal_group(self, signum: int) -> None:
        try:
            os.killpg(self.proc.pid, signum)  # the child leads its own process group
        except ProcessLookupError:
            pass


def stop_children(children: list[Child], *, force: bool = False) -> None:
    alive = [c for c in children if c.running()]
    if not alive:
        return
    say(f"stopping {', '.join(c.name for c in alive)} ...")
    for child in reversed(alive):
        child.signal_group(signal.SIGKILL if force else signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in alive:
        try:
            child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"{child.name} did not stop in {STOP_TIMEOUT}s: killing it")
            child.signal_group(signal.SIGKILL)
            child.proc.wait()
    # leftovers in the groups (e.g. the runserver reloader's child, celery pool processes)
    for child in alive:
        child.signal_group(signal.SIGKILL)


def manage(*args: str, env: dict[str, str], capture: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=False,
        text=True,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.PIPE if capture else None,
    )


def port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def main() -> int:
    os.chdir(ROOT)
    addr = os.environ.get("RUNSERVER_ADDR", "127.0.0.1:8000")
    host, _, port_text = addr.rpartition(":")
    host, port = host or "127.0.0.1", int(port_text)
    if port_open(host, port):
        say(
            f"error: something already listens on {host}:{port}. "
            "Stop it, or set RUNSERVER_ADDR=127.0.0.1:8001"
        )
        return 1

    (ROOT / "var").mkdir(exist_ok=True)
    services = embedded.EmbeddedServices(ROOT / "var")
    children: list[Child] = []
    exit_code = 0
    signals_seen = 0

    def on_signal(signum, _frame):
        nonlocal signals_seen
        signals_seen += 1
        if signals_seen == 1:
            raise Shutdown(signum)
        # a second Ctrl-C while stopping: hurry the children up (the servers still stop cleanly)
        for child in children:
            child.signal_group(signal.SIGKILL)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    try:
        env = dict(os.environ)
        # settings.py also reads ./.env (without overriding the environment): keep a production .env
        # made for docker compose from turning this into a production run.
        env.setdefault("DJANGO_ENV", "development")
        if (ROOT / ".env").exists():
            say("note: settings also read ./.env (meant for docker compose); values there apply to this run")
        env.update(services.start())
        env.setdefault("PYTHONUNBUFFERED", "1")
        os.environ.update(env)

        say("applying migrations")
        if manage("migrate", "--noinput", env=env).returncode != 0:
            say("error: migrate failed (see above)")
            return 1

        logins = ""
        if os.environ.get("DEVRUN_SKIP_DEMO") != "1":
            say("loading demo data")
            if manage("load_demo", env=env).returncode != 0:
                say("warning: load_demo failed (see above); starting anyway")
            printed = manage("load_demo", "--print-logins", env=env, capture=True)
            if printed.returncode == 0:
                logins = printed.stdout.strip()

        celery = [PY, "-m", "celery", "-A", "safeguarding"]
        concurrency = os.environ.get("CELERY_CONCURRENCY", "2")
        children.append(Child("web", [PY, "manage.py", "runserver", f"{host}:{port}"], env))
        children.append(Child("worker", [*celery, "worker", "-l", "info", "--concurrency", concurrency], env))
        children.append(
            Child(
                "beat",
                [*celery, "beat", "-l", "info", "--schedule", str(ROOT / "var" / "celerybeat-schedule")],
                env,
            )
        )

        # wait (up to 60 s) for the web server to accept connections before showing the banner
        deadline = time.monotonic() + 60
        while not port_open(host, port) and time.monotonic() < deadline:
            if not all(c.running() for c in children):
                break
            time.sleep(0.3)

        say()
        say("=" * 72)
        say(f"Safeguarding Hub is running at http://{host}:{port}")
        say(f"  database: {env.get('DATABASE_URL')}")
        say(f"  redis:    {env.get('REDIS_URL')}")
        if logins:
            say("  demo logins:")
            for line in logins.splitlines():
                say(f"    {line}")
        say("Press Ctrl-C to stop everything.")
        say("=" * 72)
        say()

        while True:
            for child in children:
                code = child.proc.poll()
                if code is not None:
                    say(f"error: {child.name} exited with status {code}; stopping the rest")
                    return code or 1
            time.sleep(0.5)
    except Shutdown as stop:
        say(f"{stop} received")
        exit_code = 0
    except embedded.EmbeddedError as exc:
        say(f"error: {exc}")
        exit_code = 1
    finally:
        try:
            stop_children(children)
        except Shutdown:
            stop_children(children, force=True)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        services.stop()
        say("stopped")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
