"""The meetings of a case: booking one (calendar invitations to the people chosen), its page, moving it,
cancelling it, and recording it as held (who came, what it decided)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from safeguarding.pages import NO_SUCH_RECORD, uuid_or_404, when

from .. import services
from ..models import LadoCase, Meeting, MeetingInvitee
from ..selectors import parts
from ..selectors.pages import meeting_people
from .base import CaseFormPage, CasePage
from .forms import MeetingBookForm, MeetingHoldForm, MeetingMoveForm, ReasonForm
from .processes import meeting_records

ROLES = {label.lower(): value for value, label in MeetingInvitee.Role.choices} | dict(
    (v, v) for v in MeetingInvitee.Role.values)


def _at(d) -> tuple[datetime, datetime | None]:
    starts = timezone.make_aware(datetime.combine(d["day"], d["starts"]))
    ends = timezone.make_aware(datetime.combine(d["day"], d["ends"])) if d.get("ends") else None
    return starts, ends


def _others(text: str) -> list[dict]:
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) == 2:
            parts = ["other", *parts]
        role, name, email = (parts + ["", "", ""])[:3]
        out.append({"role": ROLES.get(role.lower(), "other"), "name": name, "email": email})
    return out


class MeetingBookView(CaseFormPage):
    form_class = MeetingBookForm
    title = "Book a meeting"
    submit_label = "Book the meeting and send the invitations"

    def load(self):
        self.people = meeting_people(self.case, officer=self.request.user)

    def done(self):
        if self.case.status != LadoCase.Status.OPEN:
            return "Meetings are for an open case: evaluate the referral first." if self.case.status == "new" \
                else "This case is closed."
        return ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kinds": Meeting.Kind.choices,
                "people": [(key, f"{p['name']} ({MeetingInvitee.Role(p['role']).label})")
                           for key, p in self.people.items()]}

    def form_valid(self, form):
        d = form.cleaned_data
        starts, ends = _at(d)
        invitees = [self.people[k] for k in d["people"] if k in self.people] + _others(d["others"])
        return self.run(form, lambda: services.meeting_book(
            actor=self.request.user, case=self.case, kind=d["kind"], starts_at=starts, ends_at=ends,
            venue=d["venue"], online_link=d["online_link"], invitees=invitees),
            "The meeting is booked and the invitations are on their way.",
            url=lambda m: reverse("lado:meeting", args=[self.case.public_id, m.public_id]))


class _OneMeeting:
    def load(self):
        pid = uuid_or_404(self.kwargs["meeting_id"])
        self.meeting = parts.meeting_of(self.case, pid)
        if self.meeting is None:
            raise Http404(NO_SUCH_RECORD)
        self.invitees = parts.invitees_of(self.meeting)

    def back(self):
        return reverse("lado:meeting", args=[self.case.public_id, self.meeting.public_id]), "Back to the meeting"


class MeetingView(_OneMeeting, CasePage, TemplateView):
    """A meeting: when and where, who is invited (and who came), what it decided; what the LADO can do next.
    The people invited into the case see it too."""

    action = "view"
    template_name = "lado/meeting.html"

    def back(self):
        return self.url("case"), "Back to the case"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(meeting=self.meeting, invitees=self.invitees, works=self.can("work"),
                   when=when(self.meeting.starts_at), started=self.meeting.starts_at <= timezone.now())
        ctx.update(meeting_records(self.access, self.meeting))  # minutes and actions (lado.views.processes)
        return ctx


class MeetingMoveView(_OneMeeting, CaseFormPage):
    form_class = MeetingMoveForm
    title = "Move the meeting"
    submit_label = "Move it and send the new invitations"

    def done(self):
        return "" if self.meeting.status == Meeting.Status.BOOKED else "Only a booked meeting can be moved."

    def get_initial(self):
        local = timezone.localtime(self.meeting.starts_at)
        return {"day": local.date(), "starts": local.time(), "venue": self.meeting.venue,
                "ends": timezone.localtime(self.meeting.ends_at).time() if self.meeting.ends_at else None,
                "online_link": self.meeting.online_link}

    def form_valid(self, form):
        d = form.cleaned_data
        starts, ends = _at(d)
        return self.run(form, lambda: services.meeting_move(
            actor=self.request.user, meeting=self.meeting, starts_at=starts, ends_at=ends, venue=d["venue"],
            online_link=d["online_link"], reason=d["reason"]), "The meeting has moved; the invitations are updated.")


class MeetingCancelView(_OneMeeting, CaseFormPage):
    form_class = ReasonForm
    title = "Cancel the meeting"
    submit_label = "Cancel the meeting"
    cancel_label = "Keep the meeting"
    warning_button = True
    warning = "Every invitee's calendar entry will be cancelled."

    def done(self):
        return "" if self.meeting.status == Meeting.Status.BOOKED else "This meeting is not booked any more."

    def form_valid(self, form):
        return self.run(form, lambda: services.meeting_cancel(actor=self.request.user, meeting=self.meeting,
                                                              reason=form.cleaned_data["reason"]),
                        "The meeting is cancelled.")


class MeetingHoldView(_OneMeeting, CaseFormPage):
    form_class = MeetingHoldForm
    title = "Record the meeting"
    submit_label = "Save"

    def done(self):
        if self.meeting.status != Meeting.Status.BOOKED:
            return "This meeting has been recorded." if self.meeting.status == Meeting.Status.HELD \
                else "This meeting was cancelled."
        if self.meeting.starts_at > timezone.now():
            return f"The meeting starts at {when(self.meeting.starts_at)}: record it once it has been held."
        return ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "invitees": [
            (str(i.pk), f"{i.name} ({i.get_role_display()})") for i in self.invitees if i.withdrawn_at is None]}

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            attended = [int(x) for x in d["attended"]]
        except ValueError:
            raise ValidationError("Choose from the list") from None
        return self.run(form, lambda: services.meeting_hold(actor=self.request.user, meeting=self.meeting,
                                                            attended=attended, notes=d["notes"]),
                        "The meeting is recorded.")

