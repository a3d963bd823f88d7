"""`make run`'s supervisor (scripts/devrun.py) with real child processes.

Small Python programs stand in for the web server, the Celery worker and beat: some exit at once,
some are killed with SIGKILL, some start a grandchild of their own (as runserver's reloader and
Celery's pool do). No database, no broker: this is about processes and signals.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
PY = sys.executable


def _load_devrun():
    sys.path.insert(0, str(SCRIPTS))
    try:
        spec = importlib.util.spec_from_file_location("devrun_under_test", SCRIPTS / "devrun.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(SCRIPTS))
    return module


devrun = _load_devrun()


def program(code: str) -> list[str]:
    """A stand-in program: Python without site-packages (it starts in a few tens of milliseconds)."""
    return [PY, "-S", "-c", textwrap.dedent(code)]


# Each run appends its pid to <name>.pids; with a grandchild, that pid too (to <name>.kids).
SLEEPER = """
    import os, subprocess, sys, time
    name = sys.argv[1] if len(sys.argv) > 1 else "x"
    with open(name + ".pids", "a") as f:
        f.write(f"{os.getpid()}\\n")
    kid = subprocess.Popen([sys.executable, "-S", "-c", "import time; time.sleep(60)"])
    with open(name + ".kids", "a") as f:
        f.write(f"{kid.pid}\\n")
    time.sleep(60)
"""

# Exits at once on runs 1, 2 and 4; on run 3 it runs HEALTHY seconds first (longer than healthy_after).
CRASHER = """
    import os, sys, time
    with open("crasher.pids", "a") as f:
        f.write(f"{os.getpid()} {time.monotonic()}\\n")
    with open("crasher.pids") as f:
        run = len(f.read().splitlines())
    if run == 3:
        time.sleep(float(sys.argv[1]))
    sys.exit(3)
"""


def with_args(argv: list[str], *args: str) -> list[str]:
    return [*argv, *args]


def pids(path: Path) -> list[int]:
    if not path.exists():
        return []
    return [int(line.split()[0]) for line in path.read_text().splitlines() if line.strip()]


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in {"Z", "X"}


def wait_for(condition, timeout: float = 5.0, step: float = 0.02, tick=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if tick is not None:
            tick()
        if condition():
            return True
        time.sleep(step)
    return False


@pytest.fixture
def supervisor(tmp_path):
    messages: list[str] = []
    sup = devrun.Supervisor(first_delay=0.1, max_delay=0.4, healthy_after=1.0, report=messages.append,
                            cwd=tmp_path)
    sup.messages = messages
    yield sup
    sup.stop(force=True)
    for name in ("worker", "beat", "web"):
        for pid in pids(tmp_path / f"{name}.kids"):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_program_that_keeps_exiting_is_restarted_with_doubling_pauses_reset_after_a_healthy_run(
    supervisor, tmp_path
):
    supervisor.add("worker", with_args(program(CRASHER), "1.3"), dict(os.environ))
    supervisor.add("beat", with_args(program(SLEEPER), "beat"), dict(os.environ))
    supervisor.start()
    assert wait_for(lambda: len(pids(tmp_path / "beat.pids")) == 1)
    beat_pid = pids(tmp_path / "beat.pids")[0]

    assert wait_for(lambda: len([m for m in supervisor.messages if "exited" in m]) >= 4, timeout=8,
                    tick=supervisor.check), supervisor.messages
    exits = [m for m in supervisor.messages if "exited" in m]
    # 0.1, 0.2, then run 3 lasted longer than healthy_after (1 s): back to 0.1, then 0.2 (not 0.4)
    assert exits[:4] == [
        "worker exited with status 3; restarting in 0.1 s",
        "worker exited with status 3; restarting in 0.2 s",
        "worker exited with status 3; restarting in 0.1 s",
        "worker exited with status 3; restarting in 0.2 s",
    ]
    restarts = [m for m in supervisor.messages if "restarted" in m]
    assert len(restarts) >= 3 and all(m.startswith("worker restarted (pid ") for m in restarts)
    # each start waited at least its pause after the previous exit
    starts = [float(line.split()[1]) for line in (tmp_path / "crasher.pids").read_text().splitlines()]
    assert starts[1] - starts[0] >= 0.1 and starts[2] - starts[1] >= 0.2
    # the other program was left alone the whole time
    assert pids(tmp_path / "beat.pids") == [beat_pid] and alive(beat_pid)
    assert not any(m.startswith("beat") for m in supervisor.messages)


def test_the_pause_is_capped(supervisor, tmp_path):
    supervisor.add("worker", program("import sys; sys.exit(1)"), dict(os.environ))
    supervisor.start()
    assert wait_for(lambda: len(supervisor.messages) >= 9, timeout=8, tick=supervisor.check), supervisor.messages
    delays = [m.rsplit(" in ", 1)[1] for m in supervisor.messages if "exited" in m]
    assert delays[:5] == ["0.1 s", "0.2 s", "0.4 s", "0.4 s", "0.4 s"]


def test_a_killed_worker_is_restarted_and_what_it_left_behind_is_killed_first(supervisor, tmp_path):
    supervisor.add("worker", with_args(program(SLEEPER), "worker"), dict(os.environ))
    supervisor.add("web", with_args(program(SLEEPER), "web"), dict(os.environ))
    supervisor.start()
    assert wait_for(lambda: len(pids(tmp_path / "worker.kids")) == 1 and len(pids(tmp_path / "web.kids")) == 1)
    [worker], [pool] = pids(tmp_path / "worker.pids"), pids(tmp_path / "worker.kids")
    [web] = pids(tmp_path / "web.pids")

    os.kill(worker, signal.SIGKILL)
    assert wait_for(lambda: len(pids(tmp_path / "worker.pids")) == 2, tick=supervisor.check), supervisor.messages
    assert supervisor.messages[0] == "worker exited with status -9 (SIGKILL); restarting in 0.1 s"
    new_worker = pids(tmp_path / "worker.pids")[1]
    assert supervisor.messages[1] == f"worker restarted (pid {new_worker})"
    assert alive(new_worker) and not alive(worker)
    assert not alive(pool), "the dead worker's pool process must not outlive it"
    assert alive(web) and pids(tmp_path / "web.pids") == [web]


def test_stop_ends_every_process_and_group_and_cancels_pending_restarts(supervisor, tmp_path):
    supervisor.add("worker", with_args(program(SLEEPER), "worker"), dict(os.environ))
    supervisor.add("beat", program("import sys; sys.exit(2)"), dict(os.environ))
    supervisor.start()
    assert wait_for(lambda: any("beat exited" in m for m in supervisor.messages), tick=supervisor.check)
    assert wait_for(lambda: len(pids(tmp_path / "worker.kids")) == 1)
    everyone = pids(tmp_path / "worker.pids") + pids(tmp_path / "worker.kids")

    supervisor.stop()
    assert wait_for(lambda: not any(alive(p) for p in everyone)), [p for p in everyone if alive(p)]
    time.sleep(0.15)  # past beat's pause: a stopped supervisor starts nothing
    supervisor.check()
    assert supervisor.children() == [] or not any(c.running() for c in supervisor.children())
    assert not any("beat restarted" in m for m in supervisor.messages)


DRIVER = """
import os, sys, time
sys.path.insert(0, {scripts!r})
import devrun

def setup(supervisor):
    for name in ("web", "worker", "beat"):
        supervisor.add(name, [sys.executable, "-S", "-c", {sleeper!r}, name], dict(os.environ))
    supervisor.start()

def cleanup():
    open("cleanup-ran", "w").close()

sup = devrun.Supervisor(first_delay=0.1, max_delay=0.4, healthy_after=60, cwd=os.getcwd())
sys.exit(devrun.run_supervised(setup, sup, cleanup=cleanup, interval=0.05))
"""


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_ctrl_c_or_sigterm_stops_everything_and_then_the_servers(tmp_path, how):
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER.format(scripts=str(SCRIPTS), sleeper=textwrap.dedent(SLEEPER)))
    # its own session, like `make run` in a terminal: Ctrl-C is SIGINT to the whole foreground group
    run = subprocess.Popen([PY, str(driver)], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, start_new_session=True)
    try:
        names = ("web", "worker", "beat")
        assert wait_for(lambda: all(len(pids(tmp_path / f"{n}.kids")) == 1 for n in names), timeout=6)
        # a crash under the real loop: the worker comes back, the others stay
        [worker] = pids(tmp_path / "worker.pids")
        os.kill(worker, signal.SIGKILL)
        assert wait_for(lambda: len(pids(tmp_path / "worker.kids")) == 2, timeout=4)
        everyone = [p for n in names for p in pids(tmp_path / f"{n}.pids") + pids(tmp_path / f"{n}.kids")]
        assert len(everyone) == 8

        if how == "ctrl-c":
            os.killpg(run.pid, signal.SIGINT)
        else:
            run.send_signal(signal.SIGTERM)
        output, _ = run.communicate(timeout=8)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()

    assert run.returncode == 0, output
    assert "[run] worker exited with status -9 (SIGKILL); restarting in 0.1 s" in output
    assert "[run] worker restarted (pid " in output
    assert f"[run] {'SIGINT' if how == 'ctrl-c' else 'SIGTERM'} received" in output
    assert output.rstrip().endswith("[run] stopped")
    assert (tmp_path / "cleanup-ran").exists()
    assert wait_for(lambda: not any(alive(p) for p in everyone), timeout=3), [p for p in everyone if alive(p)]


def test_the_banner_waits_for_the_web_server_and_the_workers_first_heartbeat(supervisor, tmp_path):
    """`make run` shows "running at" only once the port answers and a worker has written a heartbeat since
    the start (read from Redis: no /healthz 503s, which runserver logs at ERROR, while it waits)."""
    import socket

    import redis
    from django.conf import settings

    from safeguarding.health import HEARTBEAT_KEY, write_heartbeat

    assert devrun.HEARTBEAT_KEY == HEARTBEAT_KEY
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(HEARTBEAT_KEY)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    try:
        started = time.time()
        assert devrun.wait_until_ready(supervisor, "127.0.0.1", port, settings.REDIS_URL, since=started,
                                       timeout=0.6) == ["the worker's first heartbeat"]
        client.set(HEARTBEAT_KEY, str(started - 60))  # a heartbeat from before this start does not count
        assert devrun.wait_until_ready(supervisor, "127.0.0.1", port, settings.REDIS_URL, since=started,
                                       timeout=0.6) == ["the worker's first heartbeat"]
        write_heartbeat(client)
        assert devrun.wait_until_ready(supervisor, "127.0.0.1", port, settings.REDIS_URL, since=started) == []
    finally:
        listener.close()
        client.delete(HEARTBEAT_KEY)
    assert devrun.wait_until_ready(supervisor, "127.0.0.1", port, settings.REDIS_URL, since=started,
                                   timeout=0) == ["the web server", "the worker's first heartbeat"]


def test_a_worker_writes_its_first_heartbeat_as_it_starts():
    import redis
    from django.conf import settings

    from safeguarding.celery import first_heartbeat
    from safeguarding.health import HEARTBEAT_KEY

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(HEARTBEAT_KEY)
    before = time.time()
    first_heartbeat(sender=None)
    assert float(client.get(HEARTBEAT_KEY)) >= before
    client.delete(HEARTBEAT_KEY)
