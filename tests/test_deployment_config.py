"""The deployment files agree with settings.ENV_VARS, the contract of every environment variable.

- .env.example lists exactly the ENV_VARS names, each with a comment saying whether production
  requires it, and a value for every required one.
- docker-compose.yml gives web, worker and beat (and the migrate job) every variable production
  requires: the containers read `.env` (made from .env.example) plus their `environment` overrides.
- web, worker and beat run one image; every long-running service has a healthcheck; PostgreSQL 16
  and Redis 7.
- `manage.py check --deploy` is clean with production settings.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
IMAGE = "safeguarding-hub:latest"
ENV_LINE = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")


def required_vars() -> set[str]:
    return {name for name, (required, _description) in settings.ENV_VARS.items() if required}


def parse_env_example() -> tuple[list[str], dict[str, str], dict[str, str]]:
    """(names in order, name -> value, name -> the comment block just above it)."""
    names: list[str] = []
    values: dict[str, str] = {}
    comments: dict[str, str] = {}
    block: list[str] = []
    for raw in (ROOT / ".env.example").read_text().splitlines():
        line = raw.strip()
        if not line:
            block = []
        elif line.startswith("#"):
            block.append(line.lstrip("# "))
        else:
            match = ENV_LINE.match(line)
            assert match, f".env.example: not a NAME=value line: {raw!r}"
            name, value = match.groups()
            names.append(name)
            values[name] = value
            comments[name] = " ".join(block)
            block = []
    return names, values, comments


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def env_files(service: dict) -> list[str]:
    value = service.get("env_file") or []
    if isinstance(value, (str, dict)):
        value = [value]
    return [item["path"] if isinstance(item, dict) else item for item in value]


def environment_keys(service: dict) -> set[str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return {item.split("=", 1)[0] for item in env}
    return set(env)


# --- .env.example ---------------------------------------------------------------------------------


def test_env_example_lists_exactly_the_env_vars():
    names, _values, _comments = parse_env_example()
    duplicates = {name for name in names if names.count(name) > 1}
    assert not duplicates, f".env.example sets these twice: {sorted(duplicates)}"
    assert set(names) == set(settings.ENV_VARS), (
        f"missing from .env.example: {sorted(set(settings.ENV_VARS) - set(names))}; "
        f"not in settings.ENV_VARS: {sorted(set(names) - set(settings.ENV_VARS))}"
    )


def test_env_example_documents_each_variable():
    _names, values, comments = parse_env_example()
    for name, (required, _description) in settings.ENV_VARS.items():
        comment = comments.get(name, "")
        assert comment, f".env.example: {name} has no comment line above it"
        says_required = "required in production" in comment.lower()
        assert says_required == required, (
            f".env.example: the comment of {name} should "
            f"{'' if required else 'not '}say 'Required in production'"
        )
        if required:
            assert values[name], f".env.example: {name} is required in production but has no value"


def test_env_example_is_production_style():
    _names, values, _comments = parse_env_example()
    assert values["DJANGO_ENV"] == "production"
    assert values["DEBUG"].lower() in {"false", "off", "0", "no"}
    assert values["DEMO_MODE"].lower() in {"false", "off", "0", "no"}
    assert values["SITE_URL"].startswith("https://")
    assert all(origin.startswith("https://") for origin in values["CSRF_TRUSTED_ORIGINS"].split(","))
    assert "$" not in "".join(values.values()), "docker compose would expand '$' in .env values"


# --- docker-compose.yml ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*APP_SERVICES, "migrate"])
def test_app_services_receive_every_variable_required_in_production(services, name):
    service = services[name]
    files = env_files(service)
    assert ".env" in files, f"{name} must read .env (env_file), the file made from .env.example"
    example_names, _values, _comments = parse_env_example()
    available = set(example_names) | environment_keys(service)
    missing = required_vars() - available
    assert not missing, f"{name} does not receive {sorted(missing)}"
    assert (service.get("environment") or {}).get("DJANGO_ENV") == "production"


def test_compose_environment_sets_only_known_variables(services):
    for name in (*APP_SERVICES, "migrate"):
        unknown = environment_keys(services[name]) - set(settings.ENV_VARS)
        assert not unknown, f"{name} sets variables settings do not read: {sorted(unknown)}"


def test_bundled_database_and_redis_match_env_example(services):
    _names, values, _comments = parse_env_example()
    database = urlsplit(values["DATABASE_URL"])
    assert database.scheme in {"postgres", "postgresql"}
    assert database.hostname == "postgres" and database.username and database.password
    assert urlsplit(values["REDIS_URL"]).hostname == "redis"
    # the postgres service creates its user/password/database from that same DATABASE_URL
    assert "${DATABASE_URL" in str(services["postgres"]["environment"]["DATABASE_URL"])


def test_web_worker_and_beat_share_one_image(services):
    images = {name: services[name].get("image") for name in (*APP_SERVICES, "migrate")}
    assert set(images.values()) == {IMAGE}, images
    builders = [name for name, service in services.items() if "build" in service]
    assert len(builders) == 1, f"build the app image once, not in {builders}"
    assert services[builders[0]]["image"] == IMAGE


def test_every_long_running_service_has_a_healthcheck(services):
    one_shot = {name for name, service in services.items() if str(service.get("restart", "")) == "no"}
    assert one_shot == {"migrate"}, f"unexpected one-shot services: {one_shot}"
    for name, service in services.items():
        if name in one_shot:
            continue
        check = service.get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), f"{name} has no healthcheck"
    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


def test_service_commands(services):
    assert "inspect" in str(services["worker"]["healthcheck"]["test"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "safeguarding", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "safeguarding", "beat"]
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    assert "/healthz" in str(services["web"]["healthcheck"]["test"])


def test_postgres_16_and_redis_7(services):
    assert re.fullmatch(r"postgres:16([.-].*)?", services["postgres"]["image"]), services["postgres"]["image"]
    assert re.fullmatch(r"redis:7([.-].*)?", services["redis"]["image"]), services["redis"]["image"]


def test_data_lives_in_named_volumes(compose, services):
    volumes = set(compose.get("volumes") or {})
    assert {"pgdata", "redisdata", "media"} <= volumes
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "redisdata:/data" in services["redis"]["volumes"]
    for name in ("web", "worker"):
        assert "media:/app/var/media" in services[name]["volumes"]


# --- Dockerfile -----------------------------------------------------------------------------------


def test_dockerfile_basics():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim-bookworm\b", dockerfile, re.M)
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    assert users and users[-1] not in {"root", "0"}, "the image must run as a non-root user"
    assert "collectstatic" in dockerfile and "gunicorn" in dockerfile
    assert "safeguarding.wsgi" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored, ".env (secrets) must never be copied into the image"


def test_deployment_docs_cover_every_variable():
    docs = (ROOT / "docs" / "deployment.md").read_text()
    missing = [name for name in settings.ENV_VARS if f"`{name}`" not in docs]
    assert not missing, f"docs/deployment.md does not describe {missing}"


# --- check --deploy -------------------------------------------------------------------------------


def test_check_deploy_is_clean_in_production():
    # A clean environment: nothing from this test run (e.g. DJANGO_ALLOW_ASYNC_UNSAFE, set for the
    # browser tests) may leak into what is meant to be a production process.
    passthrough = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ", "SYSTEMROOT", "VIRTUAL_ENV")
    env = {key: os.environ[key] for key in passthrough if key in os.environ}
    for key in ("DATABASE_URL", "REDIS_URL"):  # the servers this test run uses, if set
        if os.environ.get(key):
            env[key] = os.environ[key]
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="safeguarding.settings",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="safeguarding-hub.example.gov.uk",
        CSRF_TRUSTED_ORIGINS="https://safeguarding-hub.example.gov.uk",
        SITE_URL="https://safeguarding-hub.example.gov.uk",
        DEFAULT_FROM_EMAIL="safeguarding-hub@example.gov.uk",
        EMAIL_URL="smtp+tls://hub:password@smtp.example.gov.uk:587",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"check --deploy failed:\n{result.stdout}\n{result.stderr}"
