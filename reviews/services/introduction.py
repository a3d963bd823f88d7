"""The child knows their IRO (issue 10, section 1; ADR 15): the IRO's profile (an optional photo and how a child
reaches them), the introduction letter to the child (a PDF through the kernel's renderer, kept as issued) and
the IRO's meeting with the child, which must come before the first review.

The photo is checked (JPEG or PNG by its first bytes and by Pillow, at most ``IRO_PHOTO_MAX_BYTES``, no
decompression bomb) and stored re-encoded at most ``IRO_PHOTO_MAX_SIDE`` pixels a side, turned upright and
without its metadata (a phone's photo carries where it was taken)."""

from __future__ import annotations

import hashlib
import io
import warnings
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from PIL import Image, ImageOps

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.notify.outbox import one_line
from safeguarding.records import stamp

from .. import events
from ..introduction import render_introduction
from ..models import OPEN, IroAllocation, IroChildMeeting, IroIntroduction, IroProfile, LookedAfterEpisode
from ..policies import episode_policy, iro_profile_editable
from ..rules import IRO_PHOTO_MAX_BYTES, IRO_PHOTO_MAX_SIDE
from ._common import _ctx, _lock_episode, _not_future, _require

PHOTO_TYPES = {b"\xff\xd8\xff": ("JPEG", "image/jpeg"), b"\x89PNG\r\n\x1a\n": ("PNG", "image/png")}
NOT_A_PHOTO = "Choose a photo saved as a JPEG or PNG file"
MAX_PIXELS = 40_000_000  # more is not a portrait: refused before it is decoded
CONTACT_MAX = 300


def photo_checked(data: bytes) -> tuple[bytes, str]:
    """The photo as stored (re-encoded, upright, no metadata, at most IRO_PHOTO_MAX_SIDE a side) and its
    type; ``ValidationError`` on ``photo`` for anything else."""
    if len(data) > IRO_PHOTO_MAX_BYTES:
        raise ValidationError({"photo": f"Choose a photo smaller than {IRO_PHOTO_MAX_BYTES // (1024 * 1024)} MB"})
    kind = next((v for magic, v in PHOTO_TYPES.items() if data.startswith(magic)), None)
    if kind is None:
        raise ValidationError({"photo": NOT_A_PHOTO})
    pil_format, content_type = kind
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[pil_format]) as img:
                if img.width * img.height > MAX_PIXELS:
                    raise ValidationError({"photo": NOT_A_PHOTO})
                img.load()
                img = ImageOps.exif_transpose(img)
                img.thumbnail((IRO_PHOTO_MAX_SIDE, IRO_PHOTO_MAX_SIDE))
                out = io.BytesIO()
                if pil_format == "JPEG":
                    img.convert("RGB").save(out, "JPEG", quality=85)
                else:
                    img.convert("RGBA" if "A" in img.getbands() else "RGB").save(out, "PNG")
    except ValidationError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError({"photo": NOT_A_PHOTO}) from None
    return out.getvalue(), content_type


@transaction.atomic
def iro_profile_update(*, actor: User, iro: User, contact: str, about: str = "", photo: bytes | None = None,
                       remove_photo: bool = False) -> IroProfile:
    """Change what the child is told about their IRO: how to reach them, a few words, and the photo (a new one
    replaces the old; ``remove_photo`` takes it away). The IRO themselves or their IRO manager."""
    _require(iro_profile_editable(_ctx(actor), iro), "change this IRO's profile")
    contact = one_line(contact or "")
    about = (about or "").replace("\r\n", "\n").strip()
    if len(contact) > CONTACT_MAX:
        raise ValidationError({"contact": f"Write less than {CONTACT_MAX} characters"})
    stored = photo_checked(photo) if photo else None
    profile = IroProfile.objects.select_for_update().filter(iro=iro).first() or IroProfile(iro=iro)
    before = (profile.contact, profile.about, profile.photo_sha256)
    profile.contact, profile.about = contact, about
    if stored is not None:
        data, content_type = stored
        profile.photo, profile.photo_type = data, content_type
        profile.photo_size, profile.photo_sha256 = len(data), hashlib.sha256(data).hexdigest()
    elif remove_photo:
        profile.photo, profile.photo_type, profile.photo_size, profile.photo_sha256 = None, "", 0, ""
    if profile.pk is not None and (profile.contact, profile.about, profile.photo_sha256) == before:
        return profile
    profile.updated_by = actor
    stamp(profile, actor, "Photo or contact changed")
    profile.save()
    record_event(events.IRO_PROFILE_UPDATED, actor=actor, subject=profile, payload={
        "photo": profile.has_photo, "contact": bool(contact)})
    return profile


def _current_allocation(episode: LookedAfterEpisode) -> IroAllocation:
    allocation = IroAllocation.objects.filter(OPEN, episode=episode).select_related("iro").first()
    if allocation is None:
        raise ValidationError("Allocate an IRO to the child first")
    return allocation


@transaction.atomic
def iro_introduction_make(*, actor: User, episode: LookedAfterEpisode) -> IroIntroduction:
    """Make the current IRO's introduction letter to the child (a PDF, kept as issued; a new version each time,
    e.g. after a new photo). The allocated IRO or the IRO manager."""
    episode = _lock_episode(episode)
    _require(episode_policy.can(_ctx(actor), "review", episode), "introduce this child's IRO")
    if not episode.is_open:
        raise ValidationError("This child is no longer looked after")
    allocation = _current_allocation(episode)
    profile = IroProfile.objects.filter(iro=allocation.iro).first()
    content = render_introduction(episode=episode, allocation=allocation, profile=profile)
    last = IroIntroduction.objects.filter(allocation=allocation).order_by("-version").first()
    version = (last.version + 1) if last else 1
    letter = IroIntroduction(
        allocation=allocation, episode=episode, version=version, content=content, size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), created_by=actor,
        filename=f"{one_line(episode.child.local_child_id) or 'child'}-your-iro-v{version}.pdf")
    stamp(letter, actor, "Introduction letter made")
    letter.save()
    record_event(events.IRO_INTRODUCTION_MADE, actor=actor, subject=episode, payload={
        "version": version, "iro": allocation.iro_id, "photo": bool(profile and profile.has_photo)})
    return letter


@transaction.atomic
def iro_child_meeting_record(*, actor: User, episode: LookedAfterEpisode, met_on: date | None, how: str,
                             notes: str = "") -> IroChildMeeting:
    """The child's IRO met them (``met_on``, ``how``): the allocated IRO, or the IRO manager for them. The same
    day again for the same IRO changes nothing."""
    episode = _lock_episode(episode)
    _require(episode_policy.can(_ctx(actor), "review", episode), "record a meeting with this child")
    allocation = _current_allocation(episode)
    errors: dict[str, str] = {}
    _not_future(met_on, "met_on", "date you met the child", errors)
    if "met_on" not in errors and met_on < allocation.start_date:
        errors["met_on"] = f"The IRO was appointed on {allocation.start_date:%-d %B %Y}"
    if how not in IroChildMeeting.How.values:
        errors["how"] = "Choose how you met"
    if errors:
        raise ValidationError(errors)
    existing = IroChildMeeting.objects.live().filter(allocation=allocation, met_on=met_on).first()
    if existing is not None:
        return existing
    meeting = IroChildMeeting(allocation=allocation, episode=episode, met_on=met_on, how=how,
                              notes=(notes or "").replace("\r\n", "\n").strip(), created_by=actor)
    stamp(meeting, actor, "The IRO met the child")
    meeting.save()
    record_event(events.IRO_MET_CHILD, actor=actor, subject=episode, payload={
        "met_on": met_on.isoformat(), "how": how, "iro": allocation.iro_id})
    return meeting
