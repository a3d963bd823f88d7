"""The child knows their IRO (issue 10, section 1; ADR 15): the IRO's profile (a photo, checked and stored
re-encoded without its metadata, and how a child reaches them), the introduction letter to the child (a PDF
through the kernel's renderer, real only in the test marked ``pdf``), and the IRO's meeting with the child before
the first review.

The world is built once for the module (``tests.reviews.preparing``)."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from reviews import introduction, selectors, services
from reviews.models import IroChildMeeting, IroIntroduction, IroProfile
from reviews.policies import iro_profile_editable
from reviews.rules import IRO_PHOTO_MAX_BYTES, IRO_PHOTO_MAX_SIDE
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Role
from safeguarding.documents.pdf import render_html
from tests.factories import LocalAuthorityFactory, make_user
from tests.factories.worlds import shared_world
from tests.reviews import preparing

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("reviews_introduction")]  # one world

world = shared_world(preparing.build)
clock = preparing.clock
booked = preparing.booked


def photo(fmt="JPEG", size=(900, 1200), exif=True) -> bytes:
    img = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    if exif and fmt == "JPEG":
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x8825] = {1: "N", 2: (53.0, 24.0, 0.0)}  # GPSInfo: where it was taken
        img.save(out, fmt, exif=data)
    else:
        img.save(out, fmt)
    return out.getvalue()


def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


# --- the profile ---------------------------------------------------------------------------------------------------
def test_the_photo_is_stored_re_encoded_smaller_and_without_its_metadata(world):
    raw = photo()
    assert b"PhoneMaker" in raw
    profile = services.iro_profile_update(actor=world.iro, iro=world.iro, contact="Text me on 07700 900123",
                                          photo=raw)
    stored = bytes(profile.photo)
    assert (profile.photo_type, profile.photo_size) == ("image/jpeg", len(stored))
    assert b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as img:
        assert max(img.size) == IRO_PHOTO_MAX_SIDE and not img.getexif()
    # a PNG stays a PNG; nothing new is nothing changed; the photo can be taken away
    png = services.iro_profile_update(actor=world.iro, iro=world.iro, contact="Text me on 07700 900123",
                                      photo=photo("PNG", (40, 40)))
    assert png.photo_type == "image/png" and png.has_photo
    assert services.iro_profile_update(actor=world.iro, iro=world.iro, contact="Text me on 07700 900123") \
        .history.count() == 2
    gone = services.iro_profile_update(actor=world.iro, iro=world.iro, contact="", remove_photo=True)
    assert (gone.photo, gone.photo_type, gone.has_photo) == (None, "", False)
    assert not hasattr(IroProfile.history.model, "photo")


@pytest.mark.parametrize("data", [b"GIF89a not allowed", b"\xff\xd8\xff but not a JPEG at all",
                                  b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"%PDF-1.7"])
def test_anything_but_a_real_jpeg_or_png_is_refused(world, data):
    with pytest.raises(ValidationError) as e:
        services.iro_profile_update(actor=world.iro, iro=world.iro, contact="", photo=data)
    assert e.value.message_dict == {"photo": ["Choose a photo saved as a JPEG or PNG file"]}


def test_a_photo_too_large_or_too_many_pixels_is_refused(world, monkeypatch):
    with pytest.raises(ValidationError, match="smaller than 2 MB"):
        services.iro_profile_update(actor=world.iro, iro=world.iro, contact="", photo=b"\xff\xd8\xff" + b"0" *
                                    IRO_PHOTO_MAX_BYTES)
    monkeypatch.setattr("reviews.services.introduction.MAX_PIXELS", 100)
    with pytest.raises(ValidationError, match="JPEG or PNG"):
        services.iro_profile_update(actor=world.iro, iro=world.iro, contact="", photo=photo("PNG", (20, 20)))


def test_the_iro_or_their_manager_change_the_profile_and_nobody_else(world):
    other_iro = make_user(world.la, Role.IRO, full_name="Ian Other")
    elsewhere = make_user(LocalAuthorityFactory(name="Southvale City Council"), Role.IRO, Role.TEAM_MANAGER)
    cases = {(world.iro, world.iro): True, (world.iro_manager, world.iro): True, (other_iro, world.iro): False,
             (world.social_worker, world.iro): False, (world.team_manager, world.iro): False,
             (elsewhere, world.iro): False, (world.social_worker, world.social_worker): False}
    for (who, whose), expected in cases.items():
        assert iro_profile_editable(AccessContext.for_user(who), whose) is expected, (who, whose)
    with pytest.raises(ValidationError, match="You cannot change this IRO's profile"):
        services.iro_profile_update(actor=other_iro, iro=world.iro, contact="x")
    assert services.iro_profile_update(actor=world.iro_manager, iro=world.iro, contact="Via the IRO service") \
        .updated_by == world.iro_manager


# --- the letter and the meeting ------------------------------------------------------------------------------------
def test_the_letter_is_written_to_the_child_with_the_iro_s_photo_and_contact(world, booked):
    profile = services.iro_profile_update(actor=world.iro, iro=world.iro, contact="Text me on 07700 900123",
                                          about="I like football.", photo=photo("PNG", (40, 40)))
    context = introduction.introduction_context(episode=booked.episode, allocation=selectors.introduction_of(
        booked.episode).allocation, profile=profile)
    html = re.sub(r"\s+", " ", render_html(introduction.TEMPLATE, context, title=introduction.TITLE))
    assert "Dear Jade," in html and "My name is Ira Reviewing." in html and "I like football." in html
    assert f'src="https://pdf-assets.invalid/iro-photo/{profile.photo_sha256}.png"' in html
    assert "Your first review is on Friday 27 March 2026." in html and "Text me on 07700 900123" in html
    assert "You can have an advocate." in html and "LC-JADE" not in html
    letter = services.iro_introduction_make(actor=world.iro, episode=booked.episode)
    again = services.iro_introduction_make(actor=world.iro_manager, episode=booked.episode)
    assert (letter.version, again.version, letter.filename) == (1, 2, "LC-JADE-your-iro-v1.pdf")
    assert bytes(letter.content).startswith(b"%PDF") and len(letter.sha256) == 64
    for person in (world.social_worker, world.police_officer):
        with pytest.raises(ValidationError, match="You cannot introduce this child's IRO"):
            services.iro_introduction_make(actor=person, episode=booked.episode)
    assert not hasattr(IroIntroduction.history.model, "content")


@pytest.mark.pdf
def test_the_letter_is_a_real_pdf_with_the_photo_and_nothing_fetched_from_outside(world, booked):
    profile = services.iro_profile_update(actor=world.iro, iro=world.iro, contact="Text me",
                                          photo=photo("JPEG", (300, 400)))
    allocation = selectors.introduction_of(booked.episode).allocation
    fetcher = introduction.PhotoFetcher(introduction.photo_url(profile), bytes(profile.photo), profile.photo_type)
    from safeguarding.documents.pdf import render_pdf

    pdf = render_pdf(introduction.TEMPLATE, introduction.introduction_context(
        episode=booked.episode, allocation=allocation, profile=profile), title=introduction.TITLE,
        subject_line="Jade Holloway", fetcher=fetcher)
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" in pdf
    assert introduction.photo_url(profile) in fetcher.served and fetcher.refused == []
    assert "/static/css/pdf-introduction.css" in " ".join(fetcher.served)
    # the fetcher serves that one photo, and still refuses the rest
    with pytest.raises(Exception):  # noqa: B017, PT011 - PdfFetchRefused
        fetcher.fetch("https://pdf-assets.invalid/iro-photo/another.jpg")


def test_the_iro_s_meeting_with_the_child_is_recorded_once_a_day(world, booked):
    with pytest.raises(ValidationError) as e:
        services.iro_child_meeting_record(actor=world.iro, episode=booked.episode, met_on=date(2026, 3, 1), how="x")
    assert e.value.message_dict == {"met_on": ["The IRO was appointed on 2 March 2026"], "how": ["Choose how you met"]}
    met = services.iro_child_meeting_record(actor=world.iro, episode=booked.episode, met_on=date(2026, 3, 3),
                                            how="in_person", notes="At her carers'")
    assert services.iro_child_meeting_record(actor=world.iro, episode=booked.episode, met_on=date(2026, 3, 3),
                                             how="video") == met
    assert IroChildMeeting.objects.count() == 1
    state = selectors.introduction_of(booked.episode)
    assert state.met_before_first_review and not state.first_review_held
    with pytest.raises(ValidationError, match="You cannot record a meeting with this child"):
        services.iro_child_meeting_record(actor=world.social_worker, episode=booked.episode,
                                          met_on=date(2026, 3, 3), how="phone")


# --- the pages ----------------------------------------------------------------------------------------------------
def test_the_introduction_pages(client_for, world, booked):
    c = client_for(world.iro)
    page = f"/reviews/e/{booked.episode.public_id}/introduction/"
    body = text(c.get(page))
    assert "Ira Reviewing, since 2 March 2026" in body and "Not made yet" in body
    assert "Not yet</strong> The IRO meets the child before their first review." in body
    assert 'href="/reviews/profile/">change your photo and contact details' in body
    review_page = text(c.get(f"/reviews/r/{booked.public_id}/"))
    assert "The IRO has not recorded meeting the child yet" in review_page and f'href="{page}"' in review_page
    assert c.post(page + "letter/").status_code == 302
    letter = IroIntroduction.objects.get()
    resp = c.get(page + f"letter/{letter.public_id}/")
    assert resp["Content-Type"] == "application/pdf" and resp["Cache-Control"] == "no-store"
    assert c.post(page + "meeting/", {"met_on_day": "3", "met_on_month": "3", "met_on_year": "2026",
                                      "how": "in_person"}).status_code == 302

    def count():
        with CaptureQueriesContext(connection) as q:
            body = text(c.get(page))
        return len(q.captured_queries), body

    small, body = count()
    assert "3 March 2026 (in person)" in body and "Download the letter (PDF, version 1" in body
    services.iro_child_meeting_record(actor=world.iro, episode=booked.episode, met_on=date(2026, 3, 2), how="phone")
    assert count()[0] == small
    # the social worker sees the review, not the IRO's introduction pages
    sw = client_for(world.social_worker)
    assert sw.get(page).status_code == 404
    assert 'introduction/">The IRO' not in text(sw.get(f"/reviews/r/{booked.public_id}/"))


def test_the_iro_uploads_their_photo(client_for, world):
    c = client_for(world.iro)
    assert "No photo yet" in text(c.get("/reviews/profile/"))
    upload = SimpleUploadedFile("me.jpg", photo(), content_type="image/jpeg")
    resp = c.post("/reviews/profile/", {"photo": upload, "contact": "Text me", "about": ""})
    assert resp.status_code == 302
    assert "A photo is saved" in text(c.get("/reviews/profile/"))
    bad = SimpleUploadedFile("me.gif", b"GIF89a", content_type="image/gif")
    assert "Choose a photo saved as a JPEG or PNG file" in text(c.post("/reviews/profile/", {"photo": bad}))
    assert client_for(world.social_worker).get("/reviews/profile/").status_code == 404
