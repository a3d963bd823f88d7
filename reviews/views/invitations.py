"""Preparing a review (ADR 15): its time and place, inviting people, sending the calendar invitations (confirmed
first), withdrawing an invitation (confirmed, with why) and a parent's or carer's link to give their views (shown
once). Each page is about one review and does one thing, through ``reviews.services``."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse

from safeguarding.pages import day, uuid_or_404

from .. import selectors, services
from ..models import AdvocacyOffer, InviteeConsultation, Review, ReviewMeeting
from ..policies import invitation_policy
from ..rules import ADVOCACY_FROM_AGE
from .base import ReviewFormPage
from .forms import ConfirmForm
from .forms_invitations import InviteForm, MeetingForm, ReasonForm

S = Review.Status
NEW_LINK = "reviews.consultation.new_link"


class InvitationsPage(ReviewFormPage):
    """A page of the review's invitations: back to the list on the review page."""

    abstract = True
    action = "prepare"

    def back(self):
        return self.url("review") + "#invitations", "Back to the review"


class MeetingView(InvitationsPage):
    """When and where the review meets, on its day."""

    form_class = MeetingForm
    title = "Time and place of the review"
    submit_label = "Save the time and place"

    def load(self):
        self.meeting = selectors.meeting_of(self.review)

    def done(self):
        return "" if self.review.status == S.SCHEDULED else "The time and place are set once the review is booked."

    def rows(self):
        return [("Day", day(self.review.planned_for, weekday=True))] if self.review.planned_for else []

    def intro(self):
        if self.meeting is not None and not self.done():
            return ["Everyone already sent an invitation is sent the change, in their calendar too."]
        return []

    def get_initial(self):
        m = self.meeting
        if m is None:
            return {}
        return {"starts_at": m.starts_at, "ends_at": m.ends_at, "venue": m.venue, "online_link": m.online_link}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.review_meeting_set(
            actor=self.request.user, review=self.review, starts_at=d["starts_at"], ends_at=d.get("ends_at"),
            venue=d["venue"], online_link=d["online_link"]), "The time and place have been saved.")


class InviteView(InvitationsPage):
    """Invite someone: a person on the child's record, or someone else by name and address."""

    form_class = InviteForm
    title = "Invite someone to the review"
    submit_label = "Invite them"

    def load(self):
        self.people = selectors.invitable_people(self.review)
        self.agencies = list(selectors.invitable_agencies(self.review))

    def done(self):
        if self.review.status in (S.REQUESTED, S.SCHEDULED):
            return ""
        return "People are invited before the review is held."

    def intro(self):
        return ["Nobody is emailed yet: send the invitations when everyone is on the list. The child is asked "
                "who they want at their review through their link."]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "people": self.people, "agencies": self.agencies}

    def form_valid(self, form):
        return self.run(form, lambda: services.review_invite(actor=self.request.user, review=self.review,
                                                             **form.chosen()),
                        lambda inv: f"{inv.name} has been invited.", self.url("review") + "#invitations")


class SendView(InvitationsPage):
    """Send the calendar invitations to everyone invited and not sent one yet: confirmed first (an email to a
    family cannot be taken back)."""

    form_class = ConfirmForm
    title = "Send the invitations"
    submit_label = "Send the invitations"

    def load(self):
        self.meeting = selectors.meeting_of(self.review)
        self.emailed, self.no_address = selectors.to_send(self.review, self.meeting)

    def done(self):
        if self.review.status != S.SCHEDULED:
            return "Invitations are sent for a booked review."
        if self.meeting is None:
            return "Set the time and place of the review first."
        if not self.emailed:
            return "Everyone invited with an email address has been sent their invitation."
        return ""

    def rows(self):
        if self.done():
            return []
        rows = [(inv.name, f"{inv.get_invitee_display()}: {inv.email}") for inv in self.emailed]
        rows += [(inv.name, f"{inv.get_invitee_display()}: no email address. Tell them another way.")
                 for inv in self.no_address]
        return rows

    def intro(self):
        if self.done():
            return []
        m = self.meeting
        where = m.venue or "online"
        return [f"Each person below with an email address is sent an invitation to the review on "
                f"{day(self.review.planned_for, weekday=True)} at {m.starts_at:%H:%M}, {where}, with an entry for "
                "their calendar. It names nobody: it gives the child's reference only. If the review moves or is "
                "cancelled, they are told."]

    warning = "Emails cannot be taken back once sent."

    def form_valid(self, form):
        return self.run(form, lambda: services.review_invitations_send(actor=self.request.user, review=self.review),
                        lambda sent: f"{len(sent)} invitation{'s' if len(sent) != 1 else ''} sent.",
                        self.url("review") + "#invitations")


class InvitationPage(InvitationsPage):
    """A page about one invitation of the review (404 when it is another review's)."""

    abstract = True

    def load(self):
        self.invitation = selectors.invitation_of(self.review, uuid_or_404(self.kwargs["invitation_id"]))
        if self.invitation is None:
            raise Http404("No such invitation")

    def caption(self):
        return f"{super().caption()}: {self.invitation.name}"


class WithdrawView(InvitationPage):
    """The person is no longer invited: confirmed, with why."""

    form_class = ReasonForm
    title = "Withdraw the invitation"
    submit_label = "Withdraw the invitation"
    warning_button = True

    def done(self):
        inv = self.invitation
        if not inv.is_current:
            return f"This invitation was withdrawn on {day(inv.withdrawn_at or inv.entered_in_error_at)}."
        if self.review.status not in (S.REQUESTED, S.SCHEDULED):
            return "The review has been held or cancelled: the invitation stays as it was."
        return ""

    def rows(self):
        inv = self.invitation
        return [("Who", f"{inv.name}, {inv.get_invitee_display().lower()}"),
                ("Invitation", "Sent" if inv.was_sent else "Not sent yet")]

    @property
    def warning(self):
        if self.invitation.was_sent:
            return "They are emailed that they are no longer invited, and the entry is taken out of their calendar."
        return ""

    def form_valid(self, form):
        return self.run(form, lambda: services.review_invitation_withdraw(
            actor=self.request.user, invitation=self.invitation, reason=form.cleaned_data["reason"]),
            "The invitation has been withdrawn.", self.url("review") + "#invitations")


class ConsultationLinkView(InvitationPage):
    """Make the link for an invited parent or carer to give their views (shown once), as the child's is made."""

    template_name = "reviews/child_link.html"
    form_class = ConfirmForm
    title = "Ask for their views"
    submit_label = "Make the link"

    def load(self):
        super().load()
        self.new_link = self.request.session.pop(NEW_LINK, None) if self.request.method == "GET" else None
        if self.new_link and self.new_link.get("invitation") != str(self.invitation.public_id):
            self.new_link = None

    def done(self):
        inv = self.invitation
        if not inv.takes_a_link:
            return "A link is made for a parent or a carer. The child has their own link."
        if not inv.is_current:
            return "This invitation was withdrawn."
        if self.review.status not in (S.REQUESTED, S.SCHEDULED):
            return "Views are asked for before a review that is asked for or booked."
        return ""

    def intro(self):
        if self.done():
            return []
        return ["The link opens a short form about the child, in plain words, on a phone or a computer, without an "
                "account. They can save it and finish later, and send it to the IRO when they are ready. It "
                "opens nothing else.",
                "It works for this review only, until it is held. Making a new one turns off the last one. Send it "
                "to them yourself: it is shown only once."]

    def rows(self):
        rows = [("Who", f"{self.invitation.name}, {self.invitation.get_invitee_display().lower()}")]
        link = self.invitation.links.live().filter(revoked_at__isnull=True).first()
        if link is not None:
            state = "Opened" if link.last_opened_at else "Not opened yet"
            rows.append(("Their link", f"Made {day(link.created_at)}. {state}. Works until the review is held, or "
                                       f"{day(link.expires_at)} at the latest."))
        return rows

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.new_link:
            ctx["new_link"] = self.request.build_absolute_uri(
                reverse("reviews:voice", kwargs={"token": self.new_link["token"]}))
            ctx["new_link_title"] = f"The link for {self.invitation.name}"
        return ctx

    def form_valid(self, form):
        def issue():
            link, token = services.consultation_link_issue(actor=self.request.user, invitation=self.invitation)
            self.request.session[NEW_LINK] = {"token": token, "invitation": str(self.invitation.public_id)}
            return link

        return self.run(form, issue, "The link has been made. Copy it now: it is not shown again.",
                        self.url("consultation_link", invitation_id=self.invitation.public_id))


# --- the review page's preparation (reviews.views.review.ReviewView; ADR 15) ---------------------------------------
@dataclass(frozen=True)
class Advocacy:
    """The review's advocacy record as its page shows it (from the fetch's annotations)."""

    told_on: object
    told_how: str
    referred_on: object
    referred_to: str
    outcome: str
    outcome_on: object
    advocate_name: str

    @property
    def told_how_label(self) -> str:
        return AdvocacyOffer.How(self.told_how).label if self.told_how else ""

    @property
    def outcome_label(self) -> str:
        return AdvocacyOffer.Outcome(self.outcome).label if self.outcome else ""


def preparation_context(page) -> dict:
    """What the review page shows of the review's preparation: its time and place, the invitations (all of them to
    those who see the review), what the invitees said, the advocacy record and the IRO's introduction. One
    statement (the invitations); the rest came with the review's fetch (``selectors.with_preparation``)."""
    review = page.review
    invitations = selectors.invitations_of(invitation_policy.visible_for(page.access, review))
    fields = {name: getattr(review, f"advocacy_{name}", None) for name in selectors.ADVOCACY_FIELDS}
    advocacy = Advocacy(**fields) if fields["told_on"] else None
    try:
        meeting = review.meeting
    except ReviewMeeting.DoesNotExist:
        meeting = None
    views = []
    for inv in invitations:
        try:
            consultation = inv.consultation
        except InviteeConsultation.DoesNotExist:
            continue
        views.append((inv, consultation, [(label, getattr(consultation, name))
                                          for name, label in InviteeConsultation.ANSWERS]))
    return {"meeting": meeting, "invitations": invitations, "invitee_views": views, "advocacy": advocacy,
            "advocacy_expected": selectors.advocacy_expected(review), "advocacy_from_age": ADVOCACY_FROM_AGE,
            "open_for_invitations": review.status in (S.REQUESTED, S.SCHEDULED),
            "iro_met_child": getattr(review, "iro_met_child", False),
            "iro_letter_made": getattr(review, "iro_letter_made", False)}
