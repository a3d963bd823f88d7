# syntax=docker/dockerfile:1
# One image for web (gunicorn), worker and beat (celery); see docker-compose.yml and docs/deployment.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    XDG_CACHE_HOME=/tmp/.cache \
    DJANGO_ENV=production \
    WEB_CONCURRENCY=3

# WeasyPrint's native libraries (Pango, HarfBuzz subsetting) and fonts for the PDFs; libmagic for the
# type of an upload (python-magic, ADR 18).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation libmagic1 \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first (cached until pyproject.toml changes). The project itself declares no packages:
# the code runs from /app (PYTHONPATH), so `pip install .` installs exactly the runtime dependencies.
COPY pyproject.toml ./
RUN pip install .

COPY . .

# Static files are collected (and compressed, with a manifest) at build time. Production settings
# refuse to load without their secrets, so this step alone gets dummy values; they are not kept in the
# image (no ENV), and the real ones come from .env at run time.
RUN DJANGO_ENV=production \
    SECRET_KEY=build-only-collectstatic-dummy-key-never-used-at-run-time-0123456789 \
    SITE_URL=https://build.invalid \
    DEFAULT_FROM_EMAIL=build@build.invalid \
    EMAIL_URL=consolemail:// \
    ALLOWED_HOSTS=build.invalid \
    CSRF_TRUSTED_ORIGINS=https://build.invalid \
    DATABASE_URL=postgres://build@build.invalid:5432/build \
    REDIS_URL=redis://build.invalid:6379/0 \
    python manage.py collectstatic --noinput \
 && mkdir -p var/media var/uploads var/celerybeat \
 && chmod 700 var/uploads \
 && chown -R app:app var/media var/uploads var/celerybeat

USER app
EXPOSE 8000

# web; worker and beat override the command in docker-compose.yml. WEB_CONCURRENCY sets the number of
# gunicorn workers; GUNICORN_CMD_ARGS adds options.
CMD ["gunicorn", "safeguarding.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", \
     "--forwarded-allow-ips", "*", \
     "--timeout", "60", \
     "--graceful-timeout", "30", \
     "--max-requests", "1000", \
     "--max-requests-jitter", "100"]
