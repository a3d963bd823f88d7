#!/usr/bin/env python
"""`make run`: the whole application on one machine, for development and demonstrations.

1. PostgreSQL and Redis: the ones named by DATABASE_URL / REDIS_URL, or embedded servers started
   under var/ when those are unset (see scripts/embedded.py; data persists between runs).
2. `manage.py migrate`, then `manage.py load_demo` (idempotent demo data).
3. The web server (runserver with auto-reload), a Celery worker and Celery beat, as child processes,
   supervised: one that exits (a crash, an out-of-memory kill, `kill -9`) is restarted after a pause
   that doubles from RESTART_DELAY_FIRST (1 s) up to RESTART_DELAY_MAX (30 s), back to the first
   delay once it has run for HEALTHY_AFTER (60 s); each exit and restart is printed. The others keep
   running meanwhile.
4. Ctrl-C (SIGINT to the process group), SIGTERM or SIGHUP stops every process started here (their
   whole process groups: runserver's reloaded server, Celery's pool), then the embedded servers.
5. The banner ("running at ...", the demo logins) shows once the service is healthy: the web server
   accepts connections and the worker's first heartbeat has arrived (the worker writes one as it
   starts), and says how long the start took.

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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import embedded  # noqa: E402

PY = sys.executable
STOP_TIMEOUT = 15  # seconds a child gets to exit after SIGTERM before SIGKILL
RESTART_DELAY_FIRST = 1.0  # seconds before the first restart of a process that exited
RESTART_DELAY_MAX = 30.0  # the pause doubles with each exit in a row, up to this
HEALTHY_AFTER = 60.0  # a process that ran this long before exiting starts again from the first delay
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
READY_TIMEOUT = 120  # seconds the banner waits for the web server and the worker's first heartbeat
HEARTBEAT_KEY = "sgh:worker-heartbeat"  # safeguarding.health.HEARTBEAT_KEY (tests/kernel/test_devrun.py)


class Shutdown(Exception):
    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def say(message: str = "") -> None:
    print(f"[run] {message}" if message else "", flush=True)


def _die_with_parent() -> None:
    """In the child: start a new session (Ctrl-C is ours to pass on) and die if we die (Linux)."""
    os.setsid()
    # Popen runs under our blocked stop signals (see Child): the program itself must receive them.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except OSError:
            pass


def describe_status(code: int) -> str:
    """``-9`` -> ``status -9 (SIGKILL)``; ``3`` -> ``status 3``."""
    if code < 0:
        try:
            return f"status {code} ({signal.Signals(-code).name})"
        except ValueError:
            pass
    return f"status {code}"


class Child:
    def __init__(self, name: str, argv: list[str], env: dict[str, str], cwd: Path = ROOT):
        self.name = name
        self.argv = argv
        # A stop signal arriving while Popen forks would leave a child we do not know about: hold the
        # signals until the child is recorded (they are delivered, and Shutdown raised, right after).
        old = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            self.proc = subprocess.Popen(argv, cwd=cwd, env=env, preexec_fn=_die_with_parent)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def running(self) -> bool:
        return self.proc.poll() is None

    def signal_group(self, signum: int) -> bool:
        """Signal the child's whole process group; False when nothing is left in it."""
        try:
            os.killpg(self.proc.pid, signum)  # the child leads its own process group
        except ProcessLookupError:
            return False
        return True


def stop_children(children: list[Child], *, force: bool = False) -> None:
    alive = [c for c in children if c.running()]
    if alive:
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
    # leftovers in the groups (e.g. the runserver reloader's child, celery pool processes), also of
    # children that had already exited on their own
    for child in children:
        child.signal_group(signal.SIGKILL)


class Supervised:
    """One supervised program: its command, its current process, and when it may start again."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], first_delay: float):
        self.name = name
        self.argv = argv
        self.env = env
        self.child: Child | None = None
        self.started_at = 0.0
        self.next_delay = first_delay
        self.restart_at: float | None = None
        self.exits = 0


class Supervisor:
    """Starts programs, notices when one exits and starts it again with back-off.

    ``check()`` does one round and never blocks; call it every fraction of a second. ``stop()`` ends
    every process (and cancels pending restarts).
    """

    def __init__(
        self,
        *,
        first_delay: float = RESTART_DELAY_FIRST,
        max_delay: float = RESTART_DELAY_MAX,
        healthy_after: float = HEALTHY_AFTER,
        report: Callable[[str], None] = say,
        clock: Callable[[], float] = time.monotonic,
        cwd: Path = ROOT,
    ):
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.healthy_after = healthy_after
        self.report = report
        self.clock = clock
        self.cwd = cwd
        self.programs: list[Supervised] = []
        self.stopped = False

    def add(self, name: str, argv: list[str], env: dict[str, str]) -> Supervised:
        program = Supervised(name, argv, env, self.first_delay)
        self.programs.append(program)
        return program

    def _spawn(self, program: Supervised) -> None:
        program.restart_at = None
        program.started_at = self.clock()
        program.child = Child(program.name, program.argv, program.env, cwd=self.cwd)

    def start(self) -> None:
        for program in self.programs:
            self._spawn(program)

    def children(self) -> list[Child]:
        return [p.child for p in self.programs if p.child is not None]

    def all_running(self) -> bool:
        return all(p.child is not None and p.child.running() for p in self.programs)

    def check(self) -> None:
        if self.stopped:
            return
        for program in self.programs:
            child = program.child
            if child is not None:
                code = child.proc.poll()
                if code is None:
                    continue
                now = self.clock()
                # what the dead leader left behind (runserver's server, Celery's pool) must not keep
                # the port or the queue from the next start
                child.signal_group(signal.SIGKILL)
                program.exits += 1
                if now - program.started_at >= self.healthy_after:
                    program.next_delay = self.first_delay
                delay = program.next_delay
                program.next_delay = min(delay * 2, self.max_delay)
                program.restart_at = now + delay
                program.child = None
                self.report(f"{program.name} exited with {describe_status(code)}; restarting in {delay:g} s")
            elif program.restart_at is not None and self.clock() >= program.restart_at:
                self._spawn(program)
                self.report(f"{program.name} restarted (pid {program.child.pid})")

    def stop(self, *, force: bool = False) -> None:
        self.stopped = True
        for program in self.programs:
            program.restart_at = None
        stop_children(self.children(), force=force)


def supervise(supervisor: Supervisor, *, interval: float = 0.5) -> None:
    """Keep the programs running until a signal raises Shutdown."""
    while True:
        supervisor.check()
        time.sleep(interval)


def run_supervised(
    setup: Callable[[Supervisor], int | None],
    supervisor: Supervisor,
    *,
    cleanup: Callable[[], None] = lambda: None,
    interval: float = 0.5,
) -> int:
    """Stop signals, then ``setup(supervisor)`` (add and start the programs; a number returned is an
    early exit status), then supervise until a signal. Whatever happens, the programs are stopped and
    then ``cleanup()`` runs (the embedded servers). Returns the exit status."""
    signals_seen = 0

    def on_signal(signum, _frame):
        nonlocal signals_seen
        signals_seen += 1
        if signals_seen == 1:
            raise Shutdown(signum)
        # a second Ctrl-C while stopping: hurry the children up (the servers still stop cleanly)
        for child in supervisor.children():
            child.signal_group(signal.SIGKILL)

    for sig in STOP_SIGNALS:
        signal.signal(sig, on_signal)

    exit_code = 0
    try:
        early = setup(supervisor)
        if early is not None:
            return early
        supervise(supervisor, interval=interval)
    except Shutdown as stop:
        say(f"{stop} received")
        exit_code = 0
    except embedded.EmbeddedError as exc:
        say(f"error: {exc}")
        exit_code = 1
    finally:
        try:
            supervisor.stop()
        except Shutdown:
            supervisor.stop(force=True)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        cleanup()
        say("stopped")
    return exit_code


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


def worker_heartbeat_since(redis_url: str, since: float) -> bool:
    """Whether a worker has written its heartbeat (safeguarding.health) at or after ``since``."""
    import redis

    try:
        raw = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1).get(HEARTBEAT_KEY)
    except (redis.RedisError, ValueError):
        return False
    try:
        return raw is not None and float(raw) >= since
    except ValueError:
        return False


def wait_until_ready(supervisor: Supervisor, host: str, port: int, redis_url: str, *, since: float,
                     timeout: float | None = None) -> list[str]:
    """Wait until the web server accepts connections and a worker's heartbeat written after ``since``
    is in Redis (supervising meanwhile). Returns what is still awaited after ``timeout`` ([] when ready)."""
    deadline = time.monotonic() + (READY_TIMEOUT if timeout is None else timeout)
    while True:
        waiting = []
        if not port_open(host, port):
            waiting.append("the web server")
        if not worker_heartbeat_since(redis_url, since):
            waiting.append("the worker's first heartbeat")
        if not waiting or time.monotonic() >= deadline:
            return waiting
        supervisor.check()
        time.sleep(0.5)


def healthz_status(host: str, port: int) -> int | None:
    """The status /healthz answers (asked once everything is up, so normally 200), None if unreachable."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://{host}:{port}/healthz", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def main() -> int:
    run_started = time.monotonic()
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

    def setup(supervisor: Supervisor) -> int | None:
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

        servers_started = time.time()
        celery = [PY, "-m", "celery", "-A", "safeguarding"]
        concurrency = os.environ.get("CELERY_CONCURRENCY", "2")
        supervisor.add("web", [PY, "manage.py", "runserver", f"{host}:{port}"], env)
        supervisor.add("worker", [*celery, "worker", "-l", "info", "--concurrency", concurrency], env)
        supervisor.add(
            "beat", [*celery, "beat", "-l", "info", "--schedule", str(ROOT / "var" / "celerybeat-schedule")], env
        )
        supervisor.start()

        # The banner only once the service is healthy: the web server accepts connections and the
        # worker's first heartbeat (written as it starts) has arrived. Asked of the port and of Redis,
        # not of /healthz, so that no 503 (logged at ERROR by runserver) shows while we wait.
        waiting = wait_until_ready(supervisor, host, port, env.get("REDIS_URL", ""), since=servers_started)
        health = healthz_status(host, port) if not waiting else None

        say()
        say("=" * 72)
        if waiting:
            say(f"warning: after {READY_TIMEOUT} s still waiting for {' and '.join(waiting)}; it may still come")
        elif health != 200:
            say(f"warning: /healthz answers {health}: see http://{host}:{port}/healthz")
        say(f"Safeguarding Hub is running at http://{host}:{port} "
            f"(started in {time.monotonic() - run_started:.0f} s)")
        say(f"  database: {env.get('DATABASE_URL')}")
        say(f"  redis:    {env.get('REDIS_URL')}")
        if logins:
            say("  demo logins:")
            for line in logins.splitlines():
                say(f"    {line}")
        say("A process that exits is restarted (and said here). Press Ctrl-C to stop everything.")
        say("=" * 72)
        say()
        return None

    return run_supervised(setup, Supervisor(), cleanup=services.stop)


if __name__ == "__main__":
    sys.exit(main())
