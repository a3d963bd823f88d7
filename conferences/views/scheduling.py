"""Booking a conference (allocating a chair and a date), rescheduling it and cancelling it."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding.pages import day

from .. import services
from ..forms_scheduling import CancelForm, RescheduleForm, ScheduleForm
from ..models import Conference
from ..selectors import pages as page_selectors
from ..selectors.scheduling import chair_suggestions, due_deadline
from .base import ConferenceFormPage, late_reason_shown

S = Conference.Status


def _aware(on, at) -> datetime:
    return timezone.make_aware(datetime.combine(on, at))


def _chair_option(chair, *, selected, previous=False, booked=None) -> dict:
    value = str(chair.public_id)
    return {"value": value, "name": chair.full_name, "previous": previous, "booked": booked,
            "checked": value == str(selected or "")}


class ScheduleView(ConferenceFormPage):
    action = "schedule"
    form_class = ScheduleForm
    template_name = "conferences/sched/schedule.html"
    title = "Allocate a chair and book the conference"
    submit_label = "Book the conference"

    def load(self):
        self.deadline = due_deadline(self.conference)
        self.suggestions = chair_suggestions(conference=self.conference)

    def done(self):
        if self.conference.status != S.REQUESTED:
            return (f"This conference is {self.conference.get_status_display().lower()}: it cannot be booked again."
                    + (" Reschedule it instead." if self.conference.status == S.SCHEDULED else ""))
        return ""

    def chairs(self) -> list:
        return [s.chair for s in self.suggestions]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "chairs": self.chairs(),
                "minute_takers": page_selectors.minute_takers(self.child.local_authority_id)}

    def get_initial(self):
        return {"chair": str(self.suggestions[0].chair.public_id)} if self.suggestions else {}

    @staticmethod
    def chosen_date(form):
        """The date typed, when it is a real date (to warn that it is past the due date)."""
        if not form.is_bound:
            return None
        try:
            return form.fields["date"].clean(form.fields["date"].widget.value_from_datadict(
                form.data, form.files, form.add_prefix("date")))
        except ValidationError:
            return None

    def chair_options(self, form) -> list[dict]:
        selected = form["chair"].value()
        return [_chair_option(s.chair, selected=selected, previous=s.previous, booked=s.booked)
                for s in self.suggestions]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ctx["form"]
        chosen = self.chosen_date(form)
        late = bool(self.deadline and chosen and chosen > self.deadline.due_date)
        ctx.update(deadline=self.deadline, late=late, show_late_reason=late or late_reason_shown(form),
                   chair_options=self.chair_options(form))
        return ctx

    def book(self, d):
        return services.conference_schedule(
            actor=self.request.user, conference=self.conference, chair=d["chair"],
            starts_at=_aware(d["date"], d["starts_at"]), ends_at=_aware(d["date"], d["ends_at"]),
            venue=d["venue"], online_link=d["online_link"], minute_taker=d["minute_taker"],
            late_reason=d["late_reason"])

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: self.book(d),
                        f"Conference booked for {day(d['date'], weekday=True)} at {d['starts_at']:%H:%M}, chaired by "
                        f"{d['chair'].full_name}. Everyone invited with an email address gets a calendar "
                        "invitation.")


class RescheduleView(ScheduleView):
    form_class = RescheduleForm
    title = "Reschedule the conference"
    submit_label = "Reschedule"

    def done(self):
        if self.conference.status != S.SCHEDULED:
            return f"This conference is {self.conference.get_status_display().lower()}: it cannot be rescheduled."
        return ""

    def chairs(self):
        chairs = super().chairs()
        current = self.conference.chair
        if current and current.pk not in {c.pk for c in chairs}:
            chairs.append(current)
        return chairs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        del form.fields["minute_taker"]
        return form

    def get_initial(self):
        c = self.conference
        if c.starts_at is None:
            return {}
        start, end = timezone.localtime(c.starts_at), timezone.localtime(c.ends_at)
        return {"chair": str(c.chair.public_id), "date": start.date(), "starts_at": f"{start:%H:%M}",
                "ends_at": f"{end:%H:%M}", "venue": c.venue, "online_link": c.online_link,
                "late_reason": c.late_reason}

    def chair_options(self, form):
        options = super().chair_options(form)
        current = self.conference.chair
        if current and not any(o["value"] == str(current.public_id) for o in options):
            options.append(_chair_option(current, selected=form["chair"].value()))
        return options

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if not ctx["form"].is_bound and self.conference.late_reason:
            ctx["show_late_reason"] = True
        return ctx

    def book(self, d):
        return services.conference_reschedule(
            actor=self.request.user, conference=self.conference, chair=d["chair"],
            starts_at=_aware(d["date"], d["starts_at"]), ends_at=_aware(d["date"], d["ends_at"]),
            venue=d["venue"], online_link=d["online_link"], reason=d["reason"], late_reason=d["late_reason"])

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: self.book(d),
                        f"Conference rescheduled to {day(d['date'], weekday=True)} at {d['starts_at']:%H:%M}. "
                        "Everyone invited with an email address gets an updated calendar invitation.")


class CancelView(ConferenceFormPage):
    action = "schedule"
    form_class = CancelForm
    template_name = "conferences/sched/cancel.html"
    title = "Cancel the conference"
    submit_label = "Cancel conference"

    def done(self):
        if self.conference.status not in (S.REQUESTED, S.SCHEDULED):
            return f"This conference is {self.conference.get_status_display().lower()}: it cannot be cancelled."
        return ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(deadline=due_deadline(self.conference), **kwargs)

    def form_valid(self, form):
        return self.run(form, lambda: services.conference_cancel(
            actor=self.request.user, conference=self.conference, reason=form.cleaned_data["reason"]),
            "The conference has been cancelled. Anyone who was sent a calendar invitation gets a cancellation.")
