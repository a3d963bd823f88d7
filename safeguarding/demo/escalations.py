"""Demo escalation register (issue 12, section 4; ADR 25): a professional difference at each stage of the
partnership's protocol, one closed, so that the business unit's register, the police's, the school's and
health's escalations show every state. Built through ``partnership.services`` only (every deadline, step and
history row is the real one); dates are working days before today. The demo police officer is given a seat as
the police's delegate (they see, and arbitrate, the difference at arbitration).

- stage 1: the police with the local authority, about strategy discussions held without them (raised yesterday);
- stage 2: the school with the health trust, about school nursing cover (answered at stage 1, then moved on);
- stage 3: the health trust with the local authority, about step-down without a plan; a multi-agency resolution
  meeting requested by the business unit;
- arbitration: the police with the local authority, about the threshold for section 47 enquiries;
- closed: the school with the police, resolved and agreed.

Idempotent: nothing is made while any professional difference is raised with the demo authority or the demo
logins' agencies (the demo conferences' dissent arrives by its own route). ``partnership`` is imported inside
the functions: the kernel imports no domain app at import time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from django.utils import timezone

from safeguarding.accounts.models import Agency, Team, User
from safeguarding.clock import workdays

Say = Callable[[str], None]


def _agency(user: User) -> Agency:
    return user.memberships.filter(is_active=True).select_related("agency").first().agency


def load(*, la: Agency, teams: dict[str, Team], logins: dict[str, User], say: Say = print) -> Counter:
    from partnership import services
    from partnership.models import Escalation, PartnershipSeat

    created: Counter = Counter()
    needed = ("police", "school", "health", "business_unit")
    if any(key not in logins for key in needed):
        say("Skipped demo escalations: the demo logins are missing.")
        return created
    police, school, health, unit = (logins[k] for k in needed)
    agencies = {k: _agency(logins[k]) for k in ("police", "school", "health")}
    if Escalation.objects.filter(route=Escalation.Route.PROFESSIONAL_DIFFERENCE,
                                 raised_with_agency__in=[la, *agencies.values()]).exists():
        say("Skipped demo escalations: the register already has some.")
        return created
    today = timezone.localdate()

    def wd(n: int):
        return workdays.add_working_days(today, n)

    if agencies["police"].statutory_partner:
        services.seat_give(actor=unit, user=police, agency=agencies["police"],
                           kind=PartnershipSeat.Kind.PARTNER_DELEGATE)

    def raise_(who, agency, with_, theme, category, concern, wanted, on):
        created["escalations"] += 1
        return services.escalation_raise(actor=who, raising_agency=agency, raised_with_agency=with_, theme=theme,
                                         category=category, concern=concern, wanted=wanted, raised_on=on)

    raise_(police, agencies["police"], la, "Strategy discussions without the police", "roles",
           "Two strategy discussions this month went ahead without the police being invited.",
           "The police invited to every strategy discussion, by phone if need be.", wd(-1))

    nursing = raise_(school, agencies["school"], agencies["health"], "School nursing cover", "service_provision",
                     "No school nurse has reviewed the care plans of three pupils with medical needs this term.",
                     "A named school nurse and a date for the reviews.", wd(-6))
    services.escalation_respond(actor=health, escalation=nursing, agency=agencies["health"], responded_on=wd(-5),
                                response="Cover is short until a new nurse starts next month.")
    services.escalation_move_on(actor=school, escalation=nursing, moved_on=wd(-3), raised_with_name="School nursing "
                                "team leader", reason="A month is too long for pupils with medical needs.")

    step_down = raise_(health, agencies["health"], la, "Step-down to early help without a plan", "step_up_down",
                       "Families stepped down from child in need to early help without a plan or a lead professional.",
                       "A step-down meeting with a named lead professional each time.", wd(-12))
    services.escalation_move_on(actor=health, escalation=step_down, moved_on=wd(-9), reason="No answer in time.")
    services.escalation_respond(actor=unit, escalation=step_down, agency=la, responded_on=wd(-6),
                                response="Managers agree in principle; practice varies by team.")
    services.escalation_move_on(actor=health, escalation=step_down, moved_on=wd(-4), reason="No change on the ground.")
    services.escalation_meeting_request(actor=unit, escalation=step_down, agency=la, requested_on=wd(-2),
                                        reason="Three agencies are involved: one meeting will settle it faster.")

    threshold = raise_(police, agencies["police"], la, "Threshold for section 47 enquiries", "threshold",
                       "Referrals with a disclosure of physical harm are closed at the front door without "
                       "section 47 enquiries.", "Section 47 enquiries whenever a child discloses physical harm.",
                       wd(-20))
    for n, reason in ((-17, "The front door upheld the decision."), (-11, "Managers upheld it."),
                      (-5, "The senior managers could not agree: to the partners.")):
        services.escalation_move_on(actor=police, escalation=threshold, moved_on=wd(n), reason=reason)

    closed = raise_(school, agencies["school"], agencies["police"], "Domestic abuse notifications",
                    "information_sharing", "Notifications of domestic abuse incidents reach the school days late.",
                    "Notifications before the start of the next school day.", wd(-15))
    services.escalation_respond(actor=police, escalation=closed, agency=agencies["police"], responded_on=wd(-14),
                                response="We now send them each morning by 8am.")
    services.escalation_close(actor=school, escalation=closed, outcome="resolved_agreed", closed_on=wd(-13),
                              note="Notifications arrive before school starts.")
    say(f"Created {created['escalations']} demo escalations (each stage, one closed).")
    return created
