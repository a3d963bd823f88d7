"""Duplicate detection: find_candidates, and how child_create and duplicate_link use it."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from cases import services
from cases.duplicates import find_candidates, identifier_clashes
from cases.models import Child, ChildAlias, DuplicateLink
from cases.policies import child_policy
from safeguarding.access.context import AccessContext
from safeguarding.audit.models import CaseEvent
from tests.factories import ChildFactory, RestrictedChildFactory, UnbornChildFactory

pytestmark = pytest.mark.django_db

DOB = datetime.date(2015, 4, 3)  # 3 April 2015: day and month can be transposed (4 March)


def candidates_for(first, surname, dob, queryset=None, **kwargs):
    return find_candidates(
        queryset=Child.objects.all() if queryset is None else queryset,
        first_names=first,
        surname=surname,
        date_of_birth=dob,
        **kwargs,
    )


def one_candidate(first, surname, dob, child, **kwargs):
    found = candidates_for(first, surname, dob, **kwargs)
    assert [c.child for c in found] == [child], [(c.child, c.reasons) for c in found]
    return found[0]


# --- find_candidates ---------------------------------------------------------------------------

MAR_4 = datetime.date(2015, 3, 4)  # DOB with day and month transposed
SAME, CLOSE, SWAPPED = "same name", "similar name (", "similar name, parts in another order (100%)"
ON_DOB, DAY_OFF = "same date of birth", "date of birth one day apart"
TRANSPOSED = "day and month of birth transposed"


def days(n):
    return datetime.timedelta(days=n)


# fmt: off
MATCHES = [
    # on record                          searched for                           name reason  date reason
    (("Amelia", "Hart", DOB),            ("Amelia", "Hart", DOB),               SAME,        ON_DOB),
    (("Amelia", "Hart", DOB),            ("amelia", "HART", DOB),               SAME,        ON_DOB),
    (("Amelia", "Hart", DOB),            ("Amelia", "Hart", DOB + days(1)),     SAME,        DAY_OFF),
    (("Amelia", "Hart", DOB),            ("Amelia", "Hart", DOB - days(1)),     SAME,        DAY_OFF),
    (("Amelia", "Hart", DOB),            ("Amelia", "Hart", MAR_4),             SAME,        TRANSPOSED),
    (("Amelia", "Hart", MAR_4),          ("Amelia", "Hart", DOB),               SAME,        TRANSPOSED),
    (("Jack", "Smith", DOB),             ("Jack", "Smyth", DOB),                CLOSE,       ON_DOB),
    (("Katherine", "Jones", DOB),        ("Catherine", "Jones", DOB),           CLOSE,       ON_DOB),
    (("Mohammed", "Khan", DOB),          ("Muhammad", "Khan", DOB),             CLOSE,       ON_DOB),
    (("Mohammed", "Khan", DOB),          ("Muhammad", "Khan", DOB + days(1)),   CLOSE,       DAY_OFF),
    (("Jordan", "Smith", DOB),           ("Smith", "Jordan", DOB),              SWAPPED,     ON_DOB),
    (("Mary Jane", "Watson", DOB),       ("Mary", "Watson", DOB),               SAME,        ON_DOB),
    (("Aoife", "O'Brien", DOB),          ("Aoife", "OBrien", DOB),              SAME,        ON_DOB),
    (("Ella", "Smith-Jones", DOB),       ("Ella", "Smith Jones", DOB),          SAME,        ON_DOB),
]
# fmt: on


@pytest.mark.parametrize(("recorded", "searched", "name_reason", "date_reason"), MATCHES)
def test_similar_children_are_candidates_with_reasons(la, recorded, searched, name_reason, date_reason):
    first, surname, dob = recorded
    child = ChildFactory(
        local_authority=la, legal_first_names=first, legal_surname=surname, date_of_birth=dob
    )
    candidate = one_candidate(*searched, child)
    assert len(candidate.reasons) == 2
    assert candidate.reasons[0].startswith(name_reason), candidate.reasons
    assert candidate.reasons[1] == date_reason
    assert 0 < candidate.score <= 1


def test_similar_name_reason_gives_a_percentage(la):
    ChildFactory(local_authority=la, legal_first_names="Jack", legal_surname="Smith", date_of_birth=DOB)
    [candidate] = candidates_for("Jack", "Smyth", DOB)
    assert candidate.reasons[0].endswith("%)")
    assert 85 <= int(candidate.reasons[0].removeprefix("similar name (").removesuffix("%)")) < 100


def test_alias_matches_and_says_which_alias(la, social_worker):
    child = ChildFactory(
        local_authority=la, legal_first_names="Kai", legal_surname="Brown", date_of_birth=DOB
    )
    services.child_alias_add(child=child, actor=social_worker, name="Jayden Smith")
    candidate = one_candidate("Jayden", "Smith", DOB, child)
    assert candidate.reasons == ["same name (alias Jayden Smith)", "same date of birth"]


def test_alias_entered_in_error_is_not_used(la, social_worker):
    child = ChildFactory(
        local_authority=la, legal_first_names="Kai", legal_surname="Brown", date_of_birth=DOB,
        allocated_social_worker=social_worker,
    )
    alias = services.child_alias_add(child=child, actor=social_worker, name="Jayden Smith")
    services.record_mark_entered_in_error(record=alias, actor=social_worker, reason="Wrong child's alias")
    assert candidates_for("Jayden", "Smith", DOB) == []


def test_preferred_name_matches(la):
    child = ChildFactory(
        local_authority=la,
        legal_first_names="Elizabeth",
        legal_surname="Jones",
        preferred_name="Lily",
        date_of_birth=DOB,
    )
    candidate = one_candidate("Lily", "Jones", DOB, child)
    assert candidate.reasons == ["same name (preferred name)", "same date of birth"]


def test_unborn_child_matches_on_expected_date_of_birth(la):
    child = UnbornChildFactory(local_authority=la, legal_surname="Baker")
    found = find_candidates(
        queryset=Child.objects.all(),
        first_names="",
        surname="Baker",
        date_of_birth=None,
        expected_date_of_birth=child.expected_date_of_birth,
    )
    assert [c.child for c in found] == [child]
    assert found[0].reasons[1] == "same date of birth"


def test_a_child_with_both_dates_recorded_does_not_break_the_check(la):
    # The database allows both dates (only "at least one" is a constraint); the match may be on either.
    child = ChildFactory(
        local_authority=la,
        legal_first_names="Amelia",
        legal_surname="Hart",
        date_of_birth=DOB - datetime.timedelta(days=40),
        expected_date_of_birth=DOB,
    )
    candidate = one_candidate("Amelia", "Hart", DOB, child)
    assert candidate.reasons == ["same name", "same date of birth"]


APR_4, MAY_4, MAR_5 = (datetime.date(2015, m, d) for m, d in ((4, 4), (5, 4), (3, 5)))

# fmt: off
NOT_MATCHES = [
    # on record                                  searched for
    (("Grace", "Wilson", DOB),                   ("Oliver", "Patel", DOB)),            # dissimilar, same dob
    (("Grace", "Smith", DOB),                    ("Oliver", "Smith", DOB)),            # twins
    (("Amelia", "Hart", DOB),                    ("Amelia", "Hart", DOB + days(3))),
    (("Amelia", "Hart", DOB),                    ("Amelia", "Hart", DOB - days(3))),
    (("Amelia", "Hart", DOB),                    ("Amelia", "Hart", DOB + days(2))),
    (("Jack", "Smith", DOB),                     ("Jack", "Smyth", DOB + days(3))),
    (("Amelia", "Hart", DOB),                    ("Amelia", "Hart", DOB.replace(year=2014))),
    (("Amelia", "Hart", APR_4),                  ("Amelia", "Hart", MAY_4)),            # a month apart
    (("Amelia", "Hart", DOB),                    ("Amelia", "Hart", MAR_5)),            # next to the swap
]
# fmt: on


@pytest.mark.parametrize(("recorded", "searched"), NOT_MATCHES)
def test_dissimilar_or_distant_children_are_not_candidates(la, recorded, searched):
    first, surname, dob = recorded
    ChildFactory(local_authority=la, legal_first_names=first, legal_surname=surname, date_of_birth=dob)
    assert candidates_for(*searched) == []


def test_nothing_to_compare_without_surname_or_date(la):
    ChildFactory(local_authority=la, legal_first_names="Amelia", legal_surname="Hart", date_of_birth=DOB)
    assert candidates_for("Amelia", "", DOB) == []
    assert candidates_for("Amelia", "Hart", None) == []


def test_best_match_first_and_exclude_pk(la):
    exact = ChildFactory(
        local_authority=la, legal_first_names="Jack", legal_surname="Smith", date_of_birth=DOB
    )
    close = ChildFactory(
        local_authority=la, legal_first_names="Jack", legal_surname="Smyth", date_of_birth=DOB
    )
    assert [c.child for c in candidates_for("Jack", "Smith", DOB)] == [exact, close]
    assert [c.child for c in candidates_for("Jack", "Smith", DOB, exclude_pk=exact.pk)] == [close]


def test_candidates_come_only_from_the_queryset_passed(la, other_la, social_worker, team):
    mine = ChildFactory(
        local_authority=la,
        legal_first_names="Amelia",
        legal_surname="Hart",
        date_of_birth=DOB,
        allocated_social_worker=social_worker,
        allocated_team=team,
    )
    elsewhere = ChildFactory(
        local_authority=other_la, legal_first_names="Amelia", legal_surname="Hart", date_of_birth=DOB
    )
    hidden = RestrictedChildFactory(
        local_authority=la,
        legal_first_names="Amelia",
        legal_surname="Hart",
        date_of_birth=DOB,
        allocated_team=team,
    )
    visible = child_policy.visible(AccessContext.for_user(social_worker), "view")
    found = candidates_for("Amelia", "Hart", DOB, queryset=visible)
    assert [c.child for c in found] == [mine]
    assert {c.child for c in candidates_for("Amelia", "Hart", DOB)} == {mine, elsewhere, hidden}


# --- child_create --------------------------------------------------------------------------------


def data(**overrides):
    d = {"legal_first_names": "Amelia", "legal_surname": "Hart", "date_of_birth": DOB}
    d.update(overrides)
    return d


def create(actor, la, confirm=False, **overrides):
    return services.child_create(
        actor=actor,
        local_authority=la,
        data=data(**overrides),
        confirm_not_duplicate=confirm,
    )


NHS_CLASH = (
    "A child with this NHS number is already recorded. Search for them by NHS number instead of adding "
    "them again."
)
UPN_CLASH = (
    "A child with this unique pupil number is already recorded. Search for them by UPN instead of adding "
    "them again."
)


@pytest.mark.parametrize("confirm", [False, True])
def test_identical_nhs_number_blocks_even_when_the_other_child_is_invisible(
    la, other_la, social_worker, confirm
):
    other = ChildFactory(
        local_authority=other_la, nhs_number="9434765919", legal_first_names="Zed", legal_surname="Quill"
    )
    assert not child_policy.can(AccessContext.for_user(social_worker), "find", other)
    before = Child.objects.count()
    with pytest.raises(ValidationError) as exc:
        create(social_worker, la, confirm=confirm, nhs_number="943 476 5919", legal_first_names="Bo")
    assert exc.value.message_dict == {"nhs_number": [NHS_CLASH]}
    assert Child.objects.count() == before
    assert not CaseEvent.objects.filter(code="child.created").exists()


@pytest.mark.parametrize("confirm", [False, True])
def test_identical_upn_blocks_even_when_the_other_child_is_invisible(la, other_la, social_worker, confirm):
    ChildFactory(local_authority=other_la, upn="B801200005001")
    with pytest.raises(ValidationError) as exc:
        create(social_worker, la, confirm=confirm, upn="b801 2000 05001")
    assert exc.value.message_dict == {"upn": [UPN_CLASH]}


def test_both_identifiers_clashing_are_both_reported(la, other_la, social_worker):
    ChildFactory(local_authority=other_la, nhs_number="9434765919")
    ChildFactory(local_authority=other_la, upn="B801200005001")
    with pytest.raises(ValidationError) as exc:
        create(social_worker, la, nhs_number="9434765919", upn="B801200005001")
    assert exc.value.message_dict == {"nhs_number": [NHS_CLASH], "upn": [UPN_CLASH]}



def test_identifier_clashes_one_child_holding_both_identifiers(la, other_la):
    other = ChildFactory(local_authority=other_la)
    assert identifier_clashes(nhs_number=other.nhs_number, upn=other.upn) == {"nhs_number": other, "upn": other}
    assert identifier_clashes(nhs_number=other.nhs_number) == {"nhs_number": other}
    assert identifier_clashes(upn=other.upn) == {"upn": other}


def test_identifier_clashes_leave_out_the_child_being_changed(la):
    child = ChildFactory(local_authority=la)
    assert identifier_clashes(nhs_number=child.nhs_number, upn=child.upn, exclude_pk=child.pk) == {}
    other = ChildFactory(local_authority=la)
    assert identifier_clashes(nhs_number=child.nhs_number, upn=other.upn, exclude_pk=child.pk) == {"upn": other}


def test_no_identifiers_to_check_sends_no_statement(la, django_assert_num_queries):
    ChildFactory(local_authority=la, nhs_number="", upn="")
    with django_assert_num_queries(0):
        assert identifier_clashes(nhs_number="", upn="") == {}

def test_clash_message_does_not_reveal_the_other_child(la, other_la, social_worker):
    other = ChildFactory(local_authority=other_la, nhs_number="9434765919")
    with pytest.raises(ValidationError) as exc:
        create(social_worker, la, nhs_number="9434765919")
    text = " ".join(exc.value.messages)
    for secret in (
        other.legal_surname,
        other.legal_first_names,
        other.local_child_id,
        str(other.public_id),
        other_la.name,
    ):
        assert secret not in text


def test_similar_visible_child_raises_possible_duplicates(la, social_worker, team):
    similar = ChildFactory(
        local_authority=la,
        legal_first_names="Amelia",
        legal_surname="Hart",
        date_of_birth=DOB + datetime.timedelta(days=1),
        allocated_social_worker=social_worker,
    )
    before = Child.objects.count()
    with pytest.raises(services.PossibleDuplicates) as exc:
        create(social_worker, la)
    assert [c.child for c in exc.value.candidates] == [similar]
    assert exc.value.candidates[0].reasons == ["same name", "date of birth one day apart"]
    assert Child.objects.count() == before


def test_similar_invisible_child_is_never_listed(la, other_la, social_worker):
    ChildFactory(
        local_authority=other_la, legal_first_names="Amelia", legal_surname="Hart", date_of_birth=DOB
    )
    child = create(social_worker, la)  # no warning: the person cannot see the other child
    assert not CaseEvent.objects.filter(code="child.duplicate_warning_overridden").exists()
    assert child.pk


def test_confirming_not_a_duplicate_creates_and_records_the_override(la, social_worker):
    similar = ChildFactory(
        local_authority=la,
        legal_first_names="Amelia",
        legal_surname="Hart",
        date_of_birth=DOB,
        allocated_social_worker=social_worker,
    )
    child = create(social_worker, la, confirm=True)
    assert child.pk and child.pk != similar.pk
    event = CaseEvent.objects.get(code="child.duplicate_warning_overridden")
    assert event.subject == child
    assert event.actor == social_worker
    assert event.payload == {"candidates": [str(similar.public_id)]}
    assert CaseEvent.objects.filter(code="child.created", subject_id=child.pk).count() == 1


def test_confirming_when_there_is_nothing_similar_records_no_override(la, social_worker):
    create(social_worker, la, confirm=True)
    assert not CaseEvent.objects.filter(code="child.duplicate_warning_overridden").exists()


# --- duplicate_link ------------------------------------------------------------------------------


def test_duplicate_link_keeps_both_records_and_histories(la, social_worker):
    a = create(social_worker, la, nhs_number="9434765919")
    b = create(social_worker, la, confirm=True, date_of_birth=DOB + datetime.timedelta(days=1))
    a_history, b_history = (
        list(a.history.values_list("history_id", flat=True)),
        list(b.history.values_list("history_id", flat=True)),
    )
    a_events = CaseEvent.objects.filter(subject_id=a.pk).count()

    link = services.duplicate_link(child=b, other=a, actor=social_worker, reason="Same mother and address")

    assert (link.child, link.other) == (a, b)  # stored in pk order whichever way round it was called
    assert link.reason == "Same mother and address"
    assert link.created_by == social_worker
    for child, history in ((a, a_history), (b, b_history)):
        fresh = Child.objects.get(pk=child.pk)
        assert fresh.entered_in_error_at is None and fresh.status == Child.Status.OPEN
        assert list(fresh.history.values_list("history_id", flat=True)) == history
    assert a.nhs_number == Child.objects.get(pk=a.pk).nhs_number == "9434765919"
    assert CaseEvent.objects.filter(subject_id=a.pk).count() == a_events + 1
    for subject, other in ((a, b), (b, a)):
        event = CaseEvent.objects.get(code="child.duplicate_linked", subject_id=subject.pk)
        assert event.actor == social_worker
        assert event.payload["other"] == str(other.public_id)
        assert event.payload["local_child_id"] == other.local_child_id
    [row] = link.history.all()
    assert row.history_user == social_worker
    assert row.history_change_reason == "Same mother and address"


def test_duplicate_link_is_idempotent_either_way_round(la, social_worker):
    a, b = ChildFactory(local_authority=la), ChildFactory(local_authority=la)
    first = services.duplicate_link(child=a, other=b, actor=social_worker, reason="Same child")
    again = services.duplicate_link(child=b, other=a, actor=social_worker, reason="Same child, again")
    assert again.pk == first.pk
    assert DuplicateLink.objects.count() == 1
    assert CaseEvent.objects.filter(code="child.duplicate_linked").count() == 2


def test_duplicate_link_validation(la, social_worker):
    a, b = ChildFactory(local_authority=la), ChildFactory(local_authority=la)
    with pytest.raises(ValidationError) as exc:
        services.duplicate_link(child=a, other=a, actor=social_worker, reason="Oops")
    assert exc.value.messages == ["A record cannot be a duplicate of itself"]
    with pytest.raises(ValidationError) as exc:
        services.duplicate_link(child=a, other=b, actor=social_worker, reason="  ")
    assert exc.value.message_dict == {"reason": ["Say why you believe these are the same child"]}
    assert not DuplicateLink.objects.exists()


def test_a_link_entered_in_error_can_be_made_again(la, social_worker):
    a = ChildFactory(local_authority=la, allocated_social_worker=social_worker)
    b = ChildFactory(local_authority=la, allocated_social_worker=social_worker)
    first = services.duplicate_link(child=a, other=b, actor=social_worker, reason="Same child")
    services.record_mark_entered_in_error(
        record=first, actor=social_worker, reason="Different children after all"
    )
    second = services.duplicate_link(child=a, other=b, actor=social_worker, reason="Same child after all")
    assert second.pk != first.pk
    assert DuplicateLink.objects.count() == 2  # the first is kept, marked


def test_alias_helper_is_stored_trimmed(la, social_worker):
    child = ChildFactory(local_authority=la)
    alias = services.child_alias_add(child=child, actor=social_worker, name="  Jay Smith ")
    assert ChildAlias.objects.get(pk=alias.pk).name == "Jay Smith"
