"""The LADO policies' arms (ADR 11): each id set is served by its own index and filters with that index's
predicate (``lado.policies``; the helpers are tests/access/test_visibility_union.py's). With a handful of rows
PostgreSQL would read the tables whole: each plan is taken with sequential scans priced out and every other
index of the table dropped in a savepoint, so a plan through the index shows that it can serve the arm."""

from __future__ import annotations

import pytest

from lado.models import CaseInvitation, Consultation, LadoCase, PersonIndexEntry, Referral
from lado.policies import case_policy, consultation_policy, index_policy, referral_policy
from safeguarding.access.context import AccessContext
from tests.access.test_visibility_union import explain_qs, index_of, leaf_sql, only_indexes, unqualified
from tests.factories import LocalAuthorityFactory, PoliceFactory
from tests.factories.lado import RegisteredReferrerFactory, lado_manager_of

pytestmark = pytest.mark.django_db

# (policy, arm) -> (model, index)
ARM_INDEX = {
    (referral_policy, "service"): (Referral, "lado_referral_service"),
    (referral_policy, "own"): (Referral, "lado_referral_own"),
    (case_policy, "service"): (LadoCase, "lado_case_service"),
    (case_policy, "manager"): (LadoCase, "lado_case_service"),
    (case_policy, "invited"): (CaseInvitation, "lado_invitation_live"),
    (index_policy, "service"): (PersonIndexEntry, "lado_index_dob"),
    (index_policy, "manager"): (PersonIndexEntry, "lado_index_dob"),
    (consultation_policy, "service"): (Consultation, "lado_consultation_service"),
}


@pytest.mark.parametrize(("policy", "arm"), list(ARM_INDEX), ids=[f"{type(p).__name__}:{a}" for p, a in ARM_INDEX])
def test_each_arm_uses_its_index_and_filters_with_its_predicate(policy, arm):
    la = LocalAuthorityFactory()
    # a LADO manager who also referred and is a member of a police force (every arm applies to them)
    person = lado_manager_of(la)
    PoliceFactory().memberships.create(user=person, roles=["partner_practitioner"])
    RegisteredReferrerFactory(local_authority=la)
    qs = policy.arms(AccessContext.for_user(person))[arm].order_by()
    model, index_name = ARM_INDEX[(policy, arm)]
    with only_indexes([model._meta.db_table], {index_name}):
        plan = explain_qs(qs)
    assert index_name in plan, f"{arm} does not use {index_name}:\n{plan}"
    assert f"Seq Scan on {model._meta.db_table}" not in plan, plan
    index = index_of(model, index_name)
    if index.condition is not None:
        sql = unqualified(str(qs.query))
        for condition in leaf_sql(model, index.condition):
            assert unqualified(condition) in sql, f"arm {arm!r} lacks {condition!r} of {index_name}: {sql}"
