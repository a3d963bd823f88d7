"""``GET /healthz``: the state of the database, the broker and the worker heartbeat."""

import time

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

HEARTBEAT_KEY = "sgh:worker-heartbeat"


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)


def write_heartbeat(client: redis.Redis | None = None) -> float:
    now = time.time()
    (client or redis_client()).set(HEARTBEAT_KEY, str(now), ex=settings.WORKER_HEARTBEAT_SECONDS * 10)
    return now


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return {"ok": False, "error": type(exc).__name__}


def _check_broker_and_worker() -> tuple[dict, dict]:
    try:
        client = redis_client()
        client.ping()
        raw = client.get(HEARTBEAT_KEY)
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": type(exc).__name__}, {"ok": False, "error": "broker unreachable"}
    broker = {"ok": True}
    if raw is None:
        return broker, {"ok": False, "error": "no heartbeat"}
    age = time.time() - float(raw)
    stale_after = settings.WORKER_HEARTBEAT_SECONDS * 3
    worker = {"ok": age <= stale_after, "last_heartbeat_seconds_ago": round(age, 1)}
    if not worker["ok"]:
        worker["error"] = f"heartbeat older than {stale_after} s"
    return broker, worker


def _check_sweep(database_ok: bool) -> dict:
    """When the reminder sweep last finished; late after three missed runs. Before the first sweep
    (a fresh start: beat runs it one interval after it starts) it is reported as waiting, not down;
    beat being down then shows as the worker heartbeat (also scheduled by beat) going stale."""
    if not database_ok:
        return {"ok": False, "error": "database unreachable"}
    from django.utils import timezone

    from safeguarding.clock.models import SweepRun

    last = SweepRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").values("finished_at").first()
    late_after = settings.SWEEP_EVERY_SECONDS * 3
    if last is None:
        return {"ok": True, "waiting": "no sweep has finished yet"}
    age = (timezone.now() - last["finished_at"]).total_seconds()
    result = {"ok": age <= late_after, "last_finished": last["finished_at"].isoformat(),
              "seconds_ago": round(age)}
    if not result["ok"]:
        result["error"] = f"the last sweep finished more than {late_after} s ago"
    return result


@never_cache
def healthz(request):
    checks = {"database": _check_database()}
    checks["broker"], checks["worker"] = _check_broker_and_worker()
    checks["sweep"] = _check_sweep(checks["database"]["ok"])
    down = [name for name, result in checks.items() if not result["ok"]]
    body = {"status": "ok" if not down else "degraded", "down": down, "checks": checks}
    return JsonResponse(body, status=200 if not down else 503)
