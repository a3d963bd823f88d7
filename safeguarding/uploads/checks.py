"""System checks: UPLOAD_ROOT is never a directory the web server serves; CLAMD_URL is well formed;
unscanned files are never served in production; without CLAMD_URL, ``check --deploy`` says so."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import checks

from . import clamd


def _inside(path: Path, other) -> bool:
    if not other:
        return False
    a, b = Path(path).resolve(), Path(other).resolve()
    return a == b or b in a.parents or a in b.parents


@checks.register(checks.Tags.security)
def upload_root_not_served(app_configs=None, **kwargs):
    root = getattr(settings, "UPLOAD_ROOT", None)
    if not root:
        return [checks.Error("UPLOAD_ROOT is not set", id="uploads.E001")]
    served = [("STATIC_ROOT", settings.STATIC_ROOT), ("MEDIA_ROOT", settings.MEDIA_ROOT)]
    served += [("STATICFILES_DIRS", d if isinstance(d, (str, Path)) else d[1]) for d in settings.STATICFILES_DIRS]
    served += [("templates", d) for t in settings.TEMPLATES for d in t.get("DIRS", [])]
    errors = [checks.Error(f"UPLOAD_ROOT ({root}) overlaps {name} ({path}): uploads must be kept outside every "
                           "directory the hub or a web server serves", id="uploads.E002")
              for name, path in served if _inside(Path(root), path)]
    return errors


@checks.register()
def clamd_url_well_formed(app_configs=None, **kwargs):
    errors = []
    if settings.CLAMD_URL:
        try:
            clamd.parse_url(settings.CLAMD_URL)
        except ValueError as exc:
            errors.append(checks.Error(str(exc), id="uploads.E003"))
    if settings.UPLOAD_SERVE_UNSCANNED and getattr(settings, "PRODUCTION", False):
        errors.append(checks.Error("UPLOAD_SERVE_UNSCANNED is for development only", id="uploads.E004"))
    return errors


@checks.register(checks.Tags.security, deploy=True)
def clamd_configured(app_configs=None, **kwargs):
    if settings.CLAMD_URL:
        return []
    return [checks.Info("CLAMD_URL is not set: uploaded files wait for a virus scan that never runs, and "
                        "cannot be opened (docs/deployment.md, Uploads and virus scanning)", id="uploads.I001")]
