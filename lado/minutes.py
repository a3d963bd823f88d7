"""A LADO meeting's minutes as PDFs, rendered by the kernel's locked-down WeasyPrint renderer
(``safeguarding.documents``, ADR 6), in two versions made from the same minutes:

- the **full minutes**, every section and every action, for the LADO team and the police and children's
  social care invited into the case;
- the **employer's version**, for the employer's case manager: the third-party sections
  (``MeetingMinutes.THIRD_PARTY``) and the actions marked third-party are left out of the template's context
  altogether (absent from the PDF, not blacked out), as the conferences' family copy is made (ADR 7).

The subject line in every page's margin is the case's reference and the subject's name (the PDF is about the
adult, not a child); everything typed by people reaches the PDF through Django's autoescape.
"""

from __future__ import annotations

from django.utils import timezone

from safeguarding.documents.pdf import render_pdf

from .models import MeetingAction, MeetingInvitee, MeetingMinutes

FULL, EMPLOYER = "full", "employer"


def subject_line(minutes: MeetingMinutes) -> str:
    referral = minutes.meeting.case.referral
    return f"{referral.reference}: {referral.subject_name}"


def minutes_context(minutes: MeetingMinutes, version: str) -> dict:
    employer = version == EMPLOYER
    meeting = minutes.meeting
    actions = list(MeetingAction.objects.live().filter(meeting=meeting).order_by("number"))
    return {
        "minutes": minutes, "meeting": meeting, "case": meeting.case, "referral": meeting.case.referral,
        "is_employer": employer, "sections": minutes.sections(employer=employer),
        "actions": [a for a in actions if not (employer and a.third_party)],
        "invitees": list(MeetingInvitee.objects.live().filter(meeting=meeting, withdrawn_at__isnull=True)),
        "starts_at": timezone.localtime(meeting.starts_at),
    }


def render_minutes(minutes: MeetingMinutes, version: str) -> bytes:
    title = f"{minutes.meeting.get_kind_display()}: minutes" + (" (employer's version)" if version == EMPLOYER
                                                                 else "")
    return render_pdf("lado/pdf/minutes.html", minutes_context(minutes, version), title=title,
                      subject_line=subject_line(minutes))


def filename(minutes: MeetingMinutes, version: str) -> str:
    day = timezone.localtime(minutes.meeting.starts_at).date().isoformat()
    suffix = "-employer" if version == EMPLOYER else ""
    return f"{minutes.meeting.case.referral.reference}-minutes-{day}{suffix}.pdf"
