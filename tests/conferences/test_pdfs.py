"""The conference PDFs (minutes and decision letter) as WeasyPrint really renders them, read back with pypdf.

One conference is taken through the real services once for the whole module (request, book, invite,
record, hold, decide, edit and sign the minutes, publish the decision letter, then revise and sign
version 2): six renderings in all. The module fixture writes inside its own transaction and rolls it
back at the end; each test's own transaction is a savepoint inside it.

The child is called ``<script>alert("x")</script> Hart`` and the record holds markup, so every check
of the page furniture is also a check that user text is escaped wherever it appears.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import socket
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.db import connection, transaction
from freezegun import freeze_time
from pypdf import PdfReader

from conferences import documents, services
from conferences.models import Document, Minutes
from safeguarding.accounts.models import Role
from safeguarding.clock.models import Deadline
from safeguarding.documents.pdf import DEFAULT_MARKING, render_html
from tests.conferences import story
from tests.factories import (
    HealthFactory,
    LocalAuthorityFactory,
    PoliceFactory,
    SchoolFactory,
    TeamFactory,
    make_user,
)

A4_PT = (595.28, 841.89)
CHILD_FIRST_NAMES = '<script>alert("x")</script>'
CHILD_NAME = f"{CHILD_FIRST_NAMES} Hart"
DOB = date(2016, 5, 4)
SUBJECT = f"{CHILD_NAME}, born 4 May 2016"

# Typed into the record's confidential section (confidential by default) ...
POLICE_INTEL = "Police intelligence: uncle has a conviction for assault in 2019"
# ... and into a section that the chair marks confidential in the minutes editor.
NEIGHBOUR = "A neighbour told the health visitor that the uncle stays over most weekends"
NEIGHBOUR_HEADING = "Complicating factors"
CONFIDENTIAL_HEADING = "Confidential and third-party information"

BOLD = "<b>bold</b>"
INJECTED = "</p><h1>Injected</h1>"
IMG = '<img src="http://127.0.0.1:9/x.png">'
MARKUP = f"Mother said the word {BOLD} twice. {INJECTED}\nThen she wrote {IMG} on the form."

CHANGE_REASON = "The school's attendance figure was wrong in version 1"
V2_TEXT = "Attendance at Oakfield Primary School is 91 per cent this term."
ACTIONS = (
    ("Home conditions improved and checked weekly", "Sam Worker, lead social worker", date(2026, 4, 17)),
    ("Weight checked by the health visitor every fortnight", "Northmoor NHS Trust", date(2026, 5, 1)),
)
# typed as a role: the core group's police officer is named as its owner (ADR 28)
POLICE_ACTION = ("Tell the social worker of any call-out to the address", "Police", date(2026, 4, 24))
POLICE_OFFICER = "Public protection officer of Northmoor Police"


def _long(topic: str, count: int) -> str:
    """Paragraphs of plausible record text, separated by blank lines (enough of them fill pages)."""
    return "\n\n".join(
        f"{topic}, point {i + 1}. The family described the week before the referral, the school run, the health "
        "visitor's last visit and what the older children said about evenings at home. Professionals agreed that "
        "this is an important part of the picture, that it should be checked again before the core group meets, "
        "and that the family should be asked what would help them most."
        for i in range(count)
    )


RECORD = {
    "child_voice": "She said she likes school and her teacher.\nShe does not like it when the uncle visits.",
    "parents_views": MARKUP,
    "harm": _long("Harm", 6),
    "complicating_factors": NEIGHBOUR,
    "working_well": _long("Working well", 6),
    "safety_goals": _long("Safety goal", 6),
    "confidential_information": POLICE_INTEL + "\nSource: the public protection unit.",
}


# --- reading PDFs ---------------------------------------------------------------------------------------


def _flat(text: str) -> str:
    return " ".join(text.split())


def _squeezed(text: str) -> str:
    """Without whitespace: long paragraphs wrap wherever the line ends."""
    return "".join(text.split())


@dataclass
class Pdf:
    content: bytes
    reader: PdfReader = field(init=False)
    pages: list[str] = field(init=False)

    def __post_init__(self):
        assert self.content.startswith(b"%PDF-")
        self.reader = PdfReader(io.BytesIO(self.content))
        self.pages = [page.extract_text() for page in self.reader.pages]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    def has(self, phrase: str) -> bool:
        return _squeezed(phrase) in _squeezed(self.text)

    def structure_roles(self) -> Counter:
        """How many of each structure element (/H1, /H2, /P, /Table...) the tagged PDF holds."""
        roles: Counter = Counter()

        def walk(node):
            node = node.get_object()
            if "/S" in node:
                roles[str(node["/S"])] += 1
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids]:
                if kid is not None and hasattr(kid.get_object(), "get"):
                    walk(kid)

        walk(self.reader.trailer["/Root"]["/StructTreeRoot"])
        return roles


@dataclass
class Built:
    conference_id: int
    pdfs: dict[tuple[str, int, str], Pdf]
    v1_rows: dict[str, tuple[str, bytes]]  # copy -> (sha256, content) as stored when version 1 was signed
    v1_section_count: int
    network_attempts: list
    warnings: list[str]
    review_due: date
    core_group_due: date
    seconds_per_render: float

    def pdf(self, kind: str, version: int, copy: str) -> Pdf:
        return self.pdfs[(kind, version, copy)]


@contextlib.contextmanager
def network_refused():
    """Record, and refuse, every attempt to resolve a name or open a socket (the network, not our code)."""
    attempts: list[tuple] = []

    def refuse(kind):
        def _refuse(*args, **kwargs):
            attempts.append((kind, args[1:] if kind.startswith("socket.") else args))
            raise OSError(f"network disabled while rendering ({kind})")

        return _refuse

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", refuse("socket.connect"))
        mp.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
        mp.setattr(socket, "create_connection", refuse("create_connection"))
        mp.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
        yield attempts


class _ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(f"{record.levelname} {record.getMessage()}")


def _build() -> Built:
    import time

    with freeze_time("2026-03-02 09:00"):
        la = LocalAuthorityFactory(name="Northmoor Borough Council")
        police, health = PoliceFactory(name="Northmoor Police"), HealthFactory(name="Northmoor NHS Trust")
        school = SchoolFactory(name="Oakfield Primary School")
        team = TeamFactory(agency=la, name="Child Protection Team")  # not the conftest team's name
        social_worker = make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Sam Worker")
        chair = make_user(la, Role.CONFERENCE_CHAIR, full_name="Chris Chair")
        child, mother, people = story.child_with_family(
            la=la,
            social_worker=social_worker,
            team=team,
            police=police,
            health=health,
            school=school,
            legal_first_names=CHILD_FIRST_NAMES,
            legal_surname="Hart",
            date_of_birth=DOB,
        )
        conf = story.request_icpc(child=child, social_worker=social_worker, strategy_discussion_date=date(2026, 3, 2))
        conf = story.book(conference=conf, chair=chair, actor=chair, day=date(2026, 3, 20))
        story.invite_everyone(conference=conf, actor=chair)
    with freeze_time("2026-03-16 10:00"):  # the police report; health and the school send none
        services.report_submit(actor=people[police.pk], conference=conf, agency=police,
                               summary="Two call-outs to the address this year.")
    with freeze_time("2026-03-20 11:00"):
        for section, text in RECORD.items():
            services.record_save_section(actor=chair, conference=conf, section=section, text=text, base_revision=0)
    with freeze_time("2026-03-20 13:00"):
        conf = story.hold(conference=conf, chair=chair, held_on=date(2026, 3, 20))
        services.conference_decide(
            actor=chair,
            conference=conf,
            outcome="plan",
            category="NEG",
            lead_social_worker=social_worker,
            rationale="Neglect of the child's basic needs over a long period.",
            core_group=[
                services.MemberInput(name="Sam Worker", role="Lead social worker", user_id=social_worker.pk),
                services.MemberInput(name=mother.full_name, role="Mother", adult_id=mother.pk),
                services.MemberInput(name=POLICE_OFFICER, role="Public protection officer",
                                     user_id=people[police.pk].pk, agency_id=police.pk),
            ],
            actions=[services.ActionInput(description=d, owner_name=o, due_date=due)
                     for d, o, due in (*ACTIONS, POLICE_ACTION)],
        )
    with freeze_time("2026-03-24 10:00"):
        minutes = Minutes.objects.get(conference=conf)
        sections = [{**s, "confidential": True} if s["key"] == "complicating_factors" else s for s in minutes.sections]
        minutes = services.minutes_edit(actor=chair, minutes=minutes, sections=sections)
    assert [s["key"] for s in minutes.sections if s["confidential"]] == [
        "complicating_factors",
        "confidential_information",
    ]

    handler = _ListHandler()
    logging.getLogger("safeguarding.documents").addHandler(handler)
    started = time.perf_counter()
    try:
        with network_refused() as attempts:
            with freeze_time("2026-03-25 10:00"):
                services.minutes_sign(actor=chair, minutes=minutes)
                services.decision_letter_publish(actor=chair, conference=conf)
            v1_rows = {
                d.copy: (d.sha256, bytes(d.content))
                for d in Document.objects.filter(conference=conf, kind=Document.Kind.MINUTES, version=1)
            }
            with freeze_time("2026-04-01 10:00"):
                draft = services.minutes_revise(actor=chair, conference=conf, reason=CHANGE_REASON)
                sections = [
                    {**s, "body": s["body"] + "\n" + V2_TEXT} if s["key"] == "attendance" else s for s in draft.sections
                ]
                draft = services.minutes_edit(actor=chair, minutes=draft, sections=sections)
                services.minutes_sign(actor=chair, minutes=draft)
        elapsed = time.perf_counter() - started
    finally:
        logging.getLogger("safeguarding.documents").removeHandler(handler)

    pdfs = {(d.kind, d.version, d.copy): Pdf(bytes(d.content)) for d in Document.objects.filter(conference=conf)}
    review = Deadline.objects.get(rule_key="rcpc_first")
    core = Deadline.objects.get(rule_key="core_group_first")
    return Built(
        conference_id=conf.pk,
        pdfs=pdfs,
        v1_rows=v1_rows,
        v1_section_count=len(minutes.sections),
        network_attempts=attempts,
        warnings=handler.messages,
        review_due=review.due_date,
        core_group_due=core.due_date,
        seconds_per_render=elapsed / max(len(pdfs), 1),
    )


# Every test is marked, so that pytest-django sets the test database up even when only tests that
# read the module's PDFs (and no database) are selected; the fixture below writes to it.
pytestmark = [pytest.mark.django_db, pytest.mark.pdf, pytest.mark.xdist_group("conference_pdfs")]  # PDFs rendered once


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        assert connection.settings_dict["NAME"].startswith("test_"), "never write to a real database"
        yield _build()
        transaction.set_rollback(True)


MINUTES, LETTER = Document.Kind.MINUTES, Document.Kind.DECISION_LETTER
PRO, FAMILY = Document.Copy.PROFESSIONAL, Document.Copy.FAMILY
ALL = [
    (MINUTES, 1, PRO),
    (MINUTES, 1, FAMILY),
    (MINUTES, 2, PRO),
    (MINUTES, 2, FAMILY),
    (LETTER, 1, PRO),
    (LETTER, 1, FAMILY),
]


# --- two copies from one source ---------------------------------------------------------------------------


def test_six_documents_were_published(built):
    assert sorted(built.pdfs) == sorted(ALL)


@pytest.mark.parametrize("version", [1, 2])
def test_the_professional_copy_has_both_confidential_sections(built, version):
    pdf = built.pdf(MINUTES, version, PRO)
    for phrase in (
        CONFIDENTIAL_HEADING,
        POLICE_INTEL,
        "Source: the public protection unit.",
        NEIGHBOUR_HEADING,
        NEIGHBOUR,
    ):
        assert pdf.has(phrase), phrase
    assert pdf.has("Professional copy")
    assert not pdf.has("Family copy")
    assert _squeezed(pdf.text).count(_squeezed("Confidential: this section is not in the family copy")) == 2


@pytest.mark.parametrize("version", [1, 2])
def test_the_family_copy_has_neither_confidential_section(built, version):
    pdf = built.pdf(MINUTES, version, FAMILY)
    text = _squeezed(pdf.text)
    # absent, not blacked out: not the heading, not the text, not even a part of it
    for phrase in (
        CONFIDENTIAL_HEADING,
        POLICE_INTEL,
        "uncle has a conviction",
        "public protection unit",
        NEIGHBOUR_HEADING,
        NEIGHBOUR,
        "stays over most weekends",
    ):
        assert _squeezed(phrase) not in text, phrase
    assert pdf.has("Family copy — confidential sections have been removed")
    assert not pdf.has("Professional copy")
    # the rest of the minutes is there (so the absence above is not an empty or unreadable PDF)
    for phrase in (
        "What is working well",
        "Working well, point 6.",
        "She does not like it when the uncle visits.",
        "Safety goal, point 1.",
    ):
        assert pdf.has(phrase), phrase
    assert built.pdf(MINUTES, version, PRO).structure_roles()["/H2"] - pdf.structure_roles()["/H2"] == 2


# --- the page furniture -----------------------------------------------------------------------------------


def test_the_professional_minutes_run_to_three_pages_or_more(built):
    assert len(built.pdf(MINUTES, 1, PRO).pages) >= 3
    assert len(built.pdf(MINUTES, 1, FAMILY).pages) >= 3


@pytest.mark.parametrize("key", ALL, ids=["-".join(map(str, k)) for k in ALL])
def test_every_page_has_the_marking_page_x_of_y_and_the_child(built, key):
    pdf = built.pdf(*key)
    total = len(pdf.pages)
    for number, page in enumerate(pdf.pages, start=1):
        text = _flat(page)
        assert text.count(DEFAULT_MARKING) >= 2, f"page {number}: marking at the top and the bottom"
        assert f"Page {number} of {total}" in text, f"page {number}"
        assert SUBJECT in text, f"page {number}: the child's name and date of birth"
    assert f"Page {total + 1} of" not in pdf.text


@pytest.mark.parametrize("key", ALL, ids=["-".join(map(str, k)) for k in ALL])
def test_a4_title_metadata_and_tagged_structure(built, key):
    pdf = built.pdf(*key)
    for page in pdf.reader.pages:
        assert float(page.mediabox.width) == pytest.approx(A4_PT[0], abs=1)
        assert float(page.mediabox.height) == pytest.approx(A4_PT[1], abs=1)
    kind, version, _ = key
    expected = (
        f"Initial child protection conference: minutes, version {version}"
        if kind == MINUTES
        else "Initial child protection conference: decision and outline plan"
    )
    assert pdf.reader.metadata.title == expected
    assert CHILD_FIRST_NAMES not in pdf.reader.metadata.title  # no name in file metadata
    roles = pdf.structure_roles()
    assert roles["/H1"] == 1 and roles["/H2"] >= 1 and roles["/Table"] >= 1 and roles["/TH"] >= 1


def test_a_signed_version_says_who_signed_it_and_when(built):
    v1, v2 = built.pdf(MINUTES, 1, PRO), built.pdf(MINUTES, 2, FAMILY)
    assert v1.has("Signed off by Chris Chair on 25 March 2026") and v1.has("Version 1")
    assert v2.has("Signed off by Chris Chair on 1 April 2026") and v2.has("Version 2")
    for pdf in (v1, v2):
        assert pdf.has("Date held 20 March 2026") and pdf.has("Chair Chris Chair")
        assert pdf.has("Venue Northmoor Civic Centre")


# --- user text is text -------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [(MINUTES, 1, PRO), (MINUTES, 1, FAMILY)], ids=["professional", "family"])
def test_markup_typed_by_users_renders_as_literal_text(built, key):
    pdf = built.pdf(*key)
    for literal in (CHILD_NAME, BOLD, INJECTED, IMG):
        assert pdf.has(literal), literal
    roles = pdf.structure_roles()
    assert roles["/H1"] == 1  # "</p><h1>Injected</h1>" made no heading
    assert not any("Injected" in line and "<h1>" not in line for line in pdf.text.splitlines())
    if key[2] == PRO:
        # one h2 per section and the next review and distribution, none added by the markup
        assert roles["/H2"] == built.v1_section_count + 2


def test_the_markup_is_escaped_in_the_html_and_the_line_breaks_are_kept(built, db):
    minutes = Minutes.objects.get(conference_id=built.conference_id, version=1)
    html = render_html(
        "conferences/pdf/minutes.html",
        documents.minutes_context(minutes, FAMILY),
        title="Minutes",
        subject_line=documents.subject_line(minutes.conference),
    )
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Hart" in html
    assert "<script" not in html and "<b>" not in html and html.count("<img") == 1  # the letterhead's logo
    assert html.count("<h1>") == 1
    assert (
        "Mother said the word &lt;b&gt;bold&lt;/b&gt; twice. &lt;/p&gt;&lt;h1&gt;Injected&lt;/h1&gt;<br>Then she "
        "wrote &lt;img src=&quot;http://127.0.0.1:9/x.png&quot;&gt; on the form."
    ) in html
    assert html.count("<p>Harm, point ") == 6  # a blank line starts a new paragraph
    assert POLICE_INTEL not in html and NEIGHBOUR not in html


def test_rendering_made_no_network_connection_and_logged_no_refusal(built):
    assert built.network_attempts == []
    assert built.warnings == []  # no refused fetch, no fall-back to an untagged PDF


# --- what is stored ---------------------------------------------------------------------------------------


def test_document_rows_store_the_sha256_and_size_of_their_content(built):
    rows = list(Document.objects.filter(conference_id=built.conference_id))
    assert sorted((d.kind, d.version, d.copy) for d in rows) == sorted(ALL)
    for d in rows:
        content = bytes(d.content)
        assert content == built.pdf(d.kind, d.version, d.copy).content
        assert d.sha256 == hashlib.sha256(content).hexdigest()
        assert d.size == len(content) > 10_000
        assert d.filename.endswith(f"-v{d.version}-{d.copy}.pdf")
        assert d.minutes_id is not None if d.kind == MINUTES else d.minutes_id is None
    assert len({d.sha256 for d in rows}) == len(rows)


def test_version_2_has_the_change_reason_and_version_1_is_unchanged(built):
    for copy in (PRO, FAMILY):
        v1, v2 = built.pdf(MINUTES, 1, copy), built.pdf(MINUTES, 2, copy)
        assert v2.has(f"Why this version was made {CHANGE_REASON}") and v2.has(V2_TEXT)
        assert not v1.has(CHANGE_REASON) and not v1.has(V2_TEXT) and not v1.has("Why this version was made")
        row = Document.objects.get(conference_id=built.conference_id, kind=MINUTES, version=1, copy=copy)
        sha, content = built.v1_rows[copy]
        assert (row.sha256, bytes(row.content)) == (sha, content)
        assert row.minutes.status == Minutes.Status.SIGNED and row.minutes.version == 1
    assert Minutes.objects.get(conference_id=built.conference_id, version=2).change_reason == CHANGE_REASON


# --- the decision letter ------------------------------------------------------------------------------------


@pytest.mark.parametrize("copy", [PRO, FAMILY])
def test_the_decision_letter_has_the_decision_the_outline_plan_and_the_dates(built, copy):
    pdf = built.pdf(LETTER, 1, copy)
    assert pdf.has("Decision Child protection plan")
    assert pdf.has("Category Neglect") and not pdf.has("NEG") and not pdf.has("census")
    assert pdf.has("Sam Worker is the lead social worker")
    assert pdf.has("Sam Worker, Lead social worker") and pdf.has("Mary Hart, Mother")
    for description, owner, due in ACTIONS:
        assert pdf.has(f"{description} {owner} {due:%-d %B %Y}"), description  # one table row
    description, owner, due = POLICE_ACTION
    assert pdf.has(f"{description} {POLICE_OFFICER} (Police) {due:%-d %B %Y}")
    assert built.review_due > built.core_group_due
    assert pdf.has(f"First core group meeting By {built.core_group_due:%-d %B %Y}")
    assert pdf.has(f"Review conference By {built.review_due:%-d %B %Y}")
    assert pdf.has("If you disagree or want to complain")
    assert pdf.has("Professional copy" if copy == PRO else "Family copy")
    assert pdf.structure_roles()["/TH"] >= 3  # the plan's column headers at least


def test_a_letter_for_no_plan_gives_the_next_step_and_no_outline_plan(
    la, team, social_worker, chair, police, health, school
):
    with freeze_time("2026-03-02 09:00"):
        child, _, _ = story.child_with_family(
            la=la,
            social_worker=social_worker,
            team=team,
            police=police,
            health=health,
            school=school,
            legal_surname="Okafor",
        )
        conf = story.request_icpc(child=child, social_worker=social_worker, strategy_discussion_date=date(2026, 3, 2))
        conf = story.book(conference=conf, chair=chair, actor=chair, day=date(2026, 3, 19))
        story.invite_everyone(conference=conf, actor=chair)
    with freeze_time("2026-03-19 13:00"):
        conf = story.hold(conference=conf, chair=chair, held_on=date(2026, 3, 19))
        services.conference_decide(
            actor=chair,
            conference=conf,
            outcome="no_plan",
            next_step="cin_plan",
            rationale="Risk is reduced; support continues under a child in need plan.",
        )
    conf.refresh_from_db()
    html = render_html(
        "conferences/pdf/decision_letter.html",
        documents.decision_letter_context(conf, FAMILY),
        title="Letter",
        subject_line=documents.subject_line(conf),
    )
    assert "No child protection plan" in html and "Child in need plan" in html
    assert "There will be no child protection" in html
    for absent in ("<h2>Outline plan</h2>", "<h2>Lead social worker</h2>", "<h2>Core group</h2>", "Category"):
        assert absent not in html, absent
    assert "19 March 2026" in html


# --- documents a council would send (ADR 28) -----------------------------------------------------------------


@pytest.mark.parametrize("copy", [PRO, FAMILY])
def test_the_minutes_carry_the_letterhead_the_next_review_the_distribution_and_who_reported(built, copy):
    pdf = built.pdf(MINUTES, 1, copy)
    first = _flat(pdf.pages[0])
    for phrase in ("Northmoor Borough Council", "Northmoor Civic Centre", "NM1 1AA", "Telephone 01632 960100",
                   "safeguarding@northmoor.gov.test"):
        assert phrase in first, phrase
    assert all("Northmoor Borough Council" in page for page in pdf.pages)  # the footer of every page
    assert pdf.has(f"Next review conference The next review conference will be held by "
                   f"{built.review_due:%A %-d %B %Y}")
    assert pdf.has("Distribution") and pdf.has("Who receives these minutes")
    assert pdf.has("Mary Hart Mother (parental responsibility) The family copy")
    assert pdf.has(f"{POLICE_OFFICER} Public protection officer, Northmoor Police The professional copy")
    assert pdf.has("Reports received Northmoor Police: received 16 March 2026")
    assert pdf.has("Reports not received")
    for agency in ("Northmoor NHS Trust", "Oakfield Primary School"):
        assert pdf.has(f"{agency}: invited, no report received"), agency
    assert pdf.has(f"{POLICE_ACTION[0]} (by {POLICE_OFFICER} (Police), due {POLICE_ACTION[2]:%-d %B %Y})")


def test_family_copies_are_in_plain_words_without_codes(built):
    for kind in (MINUTES, LETTER):
        text = _flat(built.pdf(kind, 1, FAMILY).text)
        assert "Neglect" in text
        for code in ("(NEG)", " NEG", "CIN census", "census code"):
            assert code not in text, (kind, code)
