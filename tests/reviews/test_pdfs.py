"""The review record and the letter to the child, as WeasyPrint really renders them (tests marked ``pdf``),
read back with pypdf; and the same templates rendered to HTML (the stand-in elsewhere).

The child is called ``<script>alert("x")</script> Holloway`` (known as Jade), and the record, the decisions
and the IRO's name hold markup, line breaks and header-like text: every check of what the PDF says is also
a check that what people typed is shown literally, never as markup (tests/kernel/test_injection.py)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from freezegun import freeze_time
from pypdf import PdfReader

from reviews import documents, selectors, services
from reviews.models import Review
from safeguarding.documents.pdf import DEFAULT_MARKING, render_html
from tests.factories import ChildFactory
from tests.factories.reviews import AllocatedEpisodeFactory, iro_manager_of, write_record

pytestmark = pytest.mark.django_db

FIRST_NAMES = '<script>alert("x")</script>'
MARKUP = "</p><h1>Injected</h1>"
HEADER_BREAK = "Amy\r\nBCC: x@evil.test"
IMG = '<img src="http://127.0.0.1:9/x.png">'


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def signed(la, team, social_worker, team_manager, iro):
    iro.full_name = f"Ira {MARKUP}"
    iro.save()
    with freeze_time("2026-03-02 09:00"):
        child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                             legal_first_names=FIRST_NAMES, legal_surname="Holloway", preferred_name="Jade",
                             date_of_birth=date(2016, 2, 1), local_child_id="LC-JADE")
        episode = AllocatedEpisodeFactory(child=child, start_date=date(2026, 3, 2), iro_manager=iro_manager_of(la),
                                          iro=iro, allocated_on=date(2026, 3, 2))
        review = services.review_schedule(actor=iro, episode=episode, planned_for=date(2026, 3, 27))
    with freeze_time("2026-03-27 16:00"):
        services.review_hold(actor=iro, review=review, participation="PN6", held_on=date(2026, 3, 27))
        write_record(review, iro)
        write_record(review, iro, {
            "child_wishes": f"Jade wrote: {MARKUP}\nI want to see {IMG} my brother.",
            "letter_to_child": f"We listened to you. {HEADER_BREAK}"})
        services.review_decision_add(actor=iro, review=review, description=f"Update the care plan {MARKUP}",
                                     owner=social_worker, due_date=date(2026, 4, 10),
                                     child_words="Your social worker will write your plan down.")
        services.review_decision_add(actor=iro, review=review, description="Arrange a dental check",
                                     owner_name=HEADER_BREAK, due_date=date(2026, 4, 24))
        services.review_decisions_circulate(actor=iro, review=review, circulated_on=date(2026, 3, 27))
    with freeze_time("2026-04-20 11:00"):
        services.review_record_sign(actor=iro, review=review, contact_for_child="Phone 01632 960 123")
    return Review.objects.select_related("episode__child", "iro", "record").get(pk=review.pk)


@pytest.mark.pdf
def test_the_record_as_a_pdf(signed):
    doc = selectors.latest_documents(signed)["record"]
    reader = PdfReader(io.BytesIO(bytes(doc.content)))
    assert reader.metadata.title == "Looked-after review record: first review"
    text = pdf_text(bytes(doc.content))
    assert f'Child {FIRST_NAMES} Holloway' in text  # the name literally, not a script
    assert "Date of the review 27 March 2026" in text
    assert "PN6: Child does not attend but conveys their feelings by another medium" in text
    assert f"Jade wrote: {MARKUP} I want to see {IMG} my brother." in text
    assert "The IRO's assessment of the care plan" in text and "Long-term fostering with her current carers" in text
    # in the table's narrow column the markup may wrap (pypdf reads the wrap as a space)
    assert f"Update the care plan {MARKUP}".replace(" ", "") in text.replace(" ", "")
    assert "Amy BCC: x@evil.test 24 April 2026" in text
    assert "The decisions were circulated on 27 March 2026" in text
    assert f"Signed by Ira {MARKUP}, Independent Reviewing Officer, on 20 April 2026" in text
    assert DEFAULT_MARKING in text


@pytest.mark.pdf
def test_the_letter_to_the_child_is_written_to_them(signed):
    doc = selectors.latest_documents(signed)["child_letter"]
    assert PdfReader(io.BytesIO(bytes(doc.content))).metadata.title == "A letter about your review"
    text = pdf_text(bytes(doc.content))
    assert "Dear Jade," in text and "On 27 March 2026 we had your review" in text
    # the decisions in the plain words the IRO gave them, else their own words
    assert "Your social worker will write your plan down. Sam Worker will do this by 10 April 2026" in text
    assert "Update the care plan" not in text
    assert "Arrange a dental check" in text and "Amy BCC: x@evil.test will do this by 24 April 2026" in text
    assert "We listened to you. Amy BCC: x@evil.test" in text
    assert f"I am Ira {MARKUP}. I am your Independent Reviewing Officer" in text
    assert "You can reach me: Phone 01632 960 123" in text and signed.iro.email in text
    assert "LC-JADE" not in text  # the child's letter carries no case reference


def test_the_templates_escape_what_people_typed(signed):
    """The same contexts rendered to HTML (what WeasyPrint lays out): every typed value escaped."""
    record = render_html("reviews/pdf/record.html", documents.record_context(signed), title="t")
    letter = render_html("reviews/pdf/child_letter.html", documents.child_letter_context(signed), title="t")
    for html in (record, letter):
        assert "<h1>Injected</h1>" not in html and "<script>" not in html
        assert html.count("<img") == 1 and "pdf-letterhead-logo" in html  # only the letterhead's logo
    assert "&lt;/p&gt;&lt;h1&gt;Injected&lt;/h1&gt;" in record
    assert "Jade wrote: &lt;/p&gt;&lt;h1&gt;Injected&lt;/h1&gt;<br>I want to see" in record
    assert "Dear Jade," in letter


def test_a_child_without_a_preferred_name_is_called_by_their_first_name():
    child = ChildFactory.build(legal_first_names="Mia Rose", preferred_name="")
    assert documents.first_name(child) == "Mia"
    assert documents.first_name(ChildFactory.build(legal_first_names="Mia", preferred_name=" Mimi ")) == "Mimi"


def test_the_emails_about_a_review_carry_no_names_and_inject_nothing(
        la, team, social_worker, team_manager, iro, django_capture_on_commit_callbacks, mailoutbox):
    """Circulating the decisions and signing the record email the people on the case: by the child's
    reference only, and nothing typed reaches a header (tests/kernel/test_injection.py's checks)."""
    from tests.kernel.test_injection import ICS_BREAK, assert_clean_headers, assert_no_names

    with django_capture_on_commit_callbacks(execute=True), freeze_time("2026-03-02 09:00"):
        child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                             legal_first_names=HEADER_BREAK, legal_surname=ICS_BREAK, preferred_name=MARKUP,
                             date_of_birth=date(2016, 2, 1), local_child_id="LC1\r\nX-EVIL:1")
        episode = AllocatedEpisodeFactory(child=child, start_date=date(2026, 3, 2), iro_manager=iro_manager_of(la),
                                          iro=iro, allocated_on=date(2026, 3, 2))
        review = services.review_schedule(actor=iro, episode=episode, planned_for=date(2026, 3, 27))
    with django_capture_on_commit_callbacks(execute=True), freeze_time("2026-03-27 16:00"):
        services.review_hold(actor=iro, review=review, participation="PN1", held_on=date(2026, 3, 27))
        write_record(review, iro)
        services.review_decision_add(actor=iro, review=review, description=HEADER_BREAK, owner=social_worker,
                                     due_date=date(2026, 4, 10))
        mailoutbox.clear()
        services.review_decisions_circulate(actor=iro, review=review, circulated_on=date(2026, 3, 27))
        services.review_record_sign(actor=iro, review=review)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([social_worker.email, team_manager.email, team_manager.email])
    for message in mailoutbox:
        msg = assert_clean_headers(message, to=message.to)
        assert_no_names(msg.as_string())
        body = msg.get_body(preferencelist=("plain",)).get_content()
        assert "Reference LC1\nX-EVIL:1" in body  # the reference, in the body only (where a line break is text)
