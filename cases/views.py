"""Child pages. Every page reaches a child through ``child_policy`` via PolicyViewMixin; reads that cross
relations are selectors, writes are services, and the one-purpose forms stand on the kernel's
``safeguarding.pages.ActionPage``."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from safeguarding.access.views import PolicyViewMixin
from safeguarding.forms import apply_service_errors
from safeguarding.pages import NO_SUCH_RECORD, ActionPage, day, when

from . import selectors, services
from .forms import (
    AccessGrantForm,
    AccessRequestForm,
    AccessRevokeForm,
    AdultRelationshipForm,
    AllocationForm,
    BreakGlassForm,
    ChildCreateForm,
    ChildEditForm,
    ChronologyForm,
    DuplicateLinkForm,
    EndRecordForm,
    EnteredInErrorForm,
    InvolvementForm,
    SearchForm,
)
from .models import ChildAddress, ChildAlias, ChronologyEntry, Involvement, Relationship
from .policies import FIND_OPEN, READS_THROUGH_BREAK_GLASS, child_policy


def child_url(child, tab: str = "") -> str:
    url = reverse("cases:child_detail", kwargs={"public_id": child.public_id})
    return f"{url}#{tab}" if tab else url


class SearchView(PolicyViewMixin, TemplateView):
    """Find a child: everyone who may record children for an authority finds all of its children (the
    ones they cannot open as a minimal row); each such sighting is logged."""

    policy = child_policy
    action = "find"
    template_name = "cases/search.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        searched = any(k in self.request.GET for k in ("name", "nhs_number", "upn", "local_child_id",
                                                        "date_of_birth_day"))
        form = SearchForm(self.request.GET if searched else None)
        ctx["form"] = form
        ctx["searched"] = searched
        if searched and form.is_valid():
            d = form.cleaned_data
            results = selectors.child_search(ctx=self.access, criteria=selectors.SearchCriteria(
                name=d["name"], date_of_birth=d["date_of_birth"], nhs_number=d["nhs_number"], upn=d["upn"],
                local_child_id=d["local_child_id"]))
            services.child_sightings_record(actor=self.request.user, children=[r.child for r in results],
                                            via=services.SIGHTED_IN_SEARCH)
            ctx["results"] = results
            ctx["others_found"] = any(r.may_request_access for r in results)
        return ctx


class ChildCreateView(PolicyViewMixin, FormView):
    policy = child_policy
    form_class = ChildCreateForm
    template_name = "cases/child_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.authorities = child_policy.authorities_for_create(request.access)
        if not self.authorities:
            raise PermissionDenied("Only children's social care staff can add a child")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "authorities": self.authorities}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title="Add a child", back_url=reverse("cases:search"), candidates=getattr(self, "candidates", None))
        return ctx

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        la = data.pop("local_authority")
        if not child_policy.can_create_for(self.access, la):
            raise PermissionDenied("You can only record children for your own local authority")
        address = None
        if data.get("address_line_1"):
            address = {"line_1": data["address_line_1"], "town": data["address_town"],
                       "postcode": data["address_postcode"], "start_date": timezone.localdate()}
        try:
            child = services.child_create(
                actor=self.request.user, local_authority=la, data=data,
                confirm_not_duplicate=data.get("confirm_not_duplicate", False), address=address,
                **selectors.child_placement(ctx=self.access, local_authority=la),
            )
        except services.PossibleDuplicates as dup:
            self.candidates = dup.candidates
            form.add_error("confirm_not_duplicate", "This child may already be recorded. Check the possible matches "
                                                    "below; if this is a different child, confirm it and save again.")
            return self.form_invalid(form)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{child.full_name} has been added ({child.local_child_id}).")
        return redirect("cases:child_detail", public_id=child.public_id)


class ChildDetailView(PolicyViewMixin, TemplateView):
    policy = child_policy
    template_name = "cases/child_detail.html"

    def shape_queryset(self, qs):
        # the summary shows these: load them with the child, not one query each from the template
        return qs.select_related("allocated_social_worker", "allocated_team", "local_authority")

    # worked out on the row the page fetches (child_policy.answer_given), not asked again
    ANSWERS = ("view", "edit", "view_access_log", READS_THROUGH_BREAK_GLASS)

    def get(self, request, *args, **kwargs):
        # One query decides the page: the child if this person has a basis for it, with what else they
        # may do with it. A restricted child they have a basis for but may not open (not named, no
        # break-glass): offer to break the glass. Anything else, a missing id, a forbidden one or one
        # that is not a UUID, is the same 404 from the same query (get_for raises it).
        self.child = child_policy.get_for(self.access, kwargs["public_id"], "find",
                                          shape=self.shape_queryset, answers=self.ANSWERS)
        if not child_policy.can(self.access, "view", self.child):
            return redirect("cases:break_glass", public_id=kwargs["public_id"])
        services.child_view_log(child=self.child, user=request.user, via=services.VIA_PAGE, what="child page",
                                break_glass=child_policy.reads_through_break_glass(self.access, self.child))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(selectors.child_page(child=self.child, include_history=True, include_access_log=False))
        ctx["can_edit"] = child_policy.can(self.access, "edit", self.child)
        ctx["can_view_access_log"] = child_policy.can(self.access, "view_access_log", self.child)
        ctx["tab"] = self.request.GET.get("tab", "summary")
        return ctx


class ChildScopedFormView(PolicyViewMixin, ActionPage):
    """A form about one child, reached through the policy with this view's ``action``; on the kernel's
    one-purpose page (its own template), back to the child's page."""

    abstract = True

    def dispatch(self, request, *args, **kwargs):
        self.child = self.get_object()
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        """Fetch whatever else the page is about, through the child (404 when it is not the child's)."""

    def back(self) -> tuple[str, str]:
        return child_url(self.child), f"Back to {self.child.full_name}"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["child"] = self.child
        return ctx

    def run(self, form, fn, message, tab="summary", url=None):
        return super().run(form, fn, message, url=url or child_url(self.child, tab))


class ChildEditView(ChildScopedFormView):
    policy = child_policy
    action = "edit"
    form_class = ChildEditForm
    template_name = "cases/child_form.html"

    def get(self, request, *args, **kwargs):
        services.child_view_log(child=self.child, user=request.user, via=services.VIA_PAGE, what="edit form")
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {f: getattr(self.child, f) for f in services.CHILD_EDITABLE_FIELDS}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"Change {self.child.full_name}'s details", **kwargs)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        return self.run(form, lambda: services.child_update(child=self.child, actor=self.request.user, reason=reason,
                                                            changes=data), "The record has been updated.")


class InvolvementCreateView(ChildScopedFormView):
    policy = child_policy
    action = "edit"
    form_class = InvolvementForm
    template_name = "cases/simple_form.html"
    title = "Add an agency involvement"

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.involvement_add(
            child=self.child, actor=self.request.user, agency=d["agency"], role=d["role"], start_date=d["start_date"],
            professional_name=d["professional_name"], professional_email=d["professional_email"],
        ), f"{d['agency']} has been added to the involved agencies.", tab="agencies")


class RelationshipCreateView(ChildScopedFormView):
    policy = child_policy
    action = "edit"
    form_class = AdultRelationshipForm
    template_name = "cases/simple_form.html"
    title = "Add a person in the child's life"

    def form_valid(self, form):
        d = form.cleaned_data

        def do():
            adult = services.adult_create(actor=self.request.user, data={
                "first_names": d["first_names"], "surname": d["surname"], "date_of_birth": d["date_of_birth"],
                "phone": d["phone"], "email": d["email"]})
            services.relationship_add(child=self.child, adult=adult, actor=self.request.user, kind=d["kind"],
                                      parental_responsibility=d["parental_responsibility"],
                                      lives_with_child=d["lives_with_child"])
        return self.run(form, do, f"{d['first_names']} {d['surname']} has been added.", tab="people")


class ChronologyCreateView(ChildScopedFormView):
    policy = child_policy
    action = "add_chronology"
    form_class = ChronologyForm
    template_name = "cases/simple_form.html"
    title = "Add to the chronology"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agencies": selectors.chronology_agencies(ctx=self.access)}

    def get_initial(self):
        ids = sorted(self.access.agency_ids)
        return {"source_agency": ids[0]} if len(ids) == 1 else {}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.chronology_add(
            child=self.child, actor=self.request.user, source_agency=d["source_agency"], occurred_on=d["occurred_on"],
            summary=d["summary"], significance=d["significance"]), "The chronology entry has been added.",
            tab="chronology")


class AllocationView(ChildScopedFormView):
    policy = child_policy
    action = "edit"
    form_class = AllocationForm
    template_name = "cases/simple_form.html"
    title = "Change allocation"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["team"].queryset, form.fields["social_worker"].queryset = selectors.allocation_choices(
            child=self.child)
        return form

    def get_initial(self):
        return {"team": self.child.allocated_team_id, "social_worker": self.child.allocated_social_worker_id}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.child_allocate(
            child=self.child, actor=self.request.user, social_worker=d["social_worker"], team=d["team"],
            reason=d["reason"]), "The allocation has been changed.")


class BreakGlassView(PolicyViewMixin, ActionPage):
    policy = child_policy
    action = "break_glass"
    form_class = BreakGlassForm
    template_name = "cases/break_glass.html"
    title = "Restricted record"

    def dispatch(self, request, *args, **kwargs):
        self.child = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        return reverse("cases:search"), "Back to search"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["child"] = self.child
        return ctx

    def form_valid(self, form):
        return self.run(form, lambda: services.child_break_glass(
            child=self.child, actor=self.request.user, reason=form.cleaned_data["reason"]), "",
            url=child_url(self.child))


class AccessLogView(PolicyViewMixin, TemplateView):
    policy = child_policy
    action = "view_access_log"
    template_name = "cases/access_log.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        child = self.get_object()
        ctx["child"] = child
        ctx["can_view_child"] = child_policy.can(self.access, "view", child)
        ctx.update(selectors.child_access_log(child=child))
        ctx["can_grant"] = child_policy.can(self.access, "grant_access", child)
        ctx["now"] = timezone.now()
        return ctx


class DuplicateCheckView(PolicyViewMixin, TemplateView):
    """Duplicate detection on demand, against the children the person may find (those they cannot open
    as a minimal row, each sighting logged)."""

    policy = child_policy
    template_name = "cases/duplicates.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        child = self.get_object()
        data = {f: getattr(child, f) for f in services.CHILD_EDITABLE_FIELDS}
        ctx["child"] = child
        services.child_view_log(child=child, user=self.request.user, via=services.VIA_PAGE, what="duplicate check")
        candidates = selectors.child_duplicate_matches(ctx=self.access, data=data, exclude_pk=child.pk)
        services.child_sightings_record(actor=self.request.user, children=[c.child for c in candidates],
                                        via=services.SIGHTED_IN_DUPLICATE_CHECK)
        ctx["candidates"] = candidates
        ctx["can_edit"] = child_policy.can(self.access, "edit", child)
        openable = [c for c in candidates if c.child.finding == FIND_OPEN]
        if ctx["can_edit"] and openable:
            linked = selectors.duplicate_linked_ids(child=child)
            ctx["link_forms"] = [
                (c, None if c.child.pk in linked else DuplicateLinkForm(other=c.child, auto_id=f"id_candidate{i}_%s"))
                for i, c in enumerate(openable, start=1)
            ]
        return ctx


# --- correcting and ending records ---------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


@dataclass(frozen=True)
class RecordKind:
    """A kind of record on a child's page that can be marked entered in error (the URL's ``kind``)."""

    slug: str
    model: type
    noun: str
    tab: str
    related: tuple[str, ...]
    rows: Callable[[object], list[tuple[str, str]]]


RECORD_KINDS = {k.slug: k for k in (
    RecordKind("chronology", ChronologyEntry, "chronology entry", "chronology",
               ("source_agency", "recorded_by", "entered_in_error_by"),
               lambda e: [("Date", day(e.occurred_on)), ("Recording agency", e.source_agency.name),
                          ("Significance", e.get_significance_display()), ("What happened", e.summary),
                          ("Recorded by", e.recorded_by.display_name)]),
    RecordKind("involvements", Involvement, "agency involvement", "agencies",
               ("agency", "professional", "entered_in_error_by"),
               lambda i: [("Agency", i.agency.name), ("Professional", i.professional_display or "Not named"),
                          ("Role", i.role), ("Since", day(i.start_date)),
                          *([("Ended", f"{day(i.end_date)}: {i.end_reason}" if i.end_reason else day(i.end_date))]
                            if i.end_date else [])]),
    RecordKind("relationships", Relationship, "relationship", "people", ("adult", "entered_in_error_by"),
               lambda r: [("Name", r.adult.full_name), ("Relationship to the child", r.get_kind_display()),
                          ("Parental responsibility", _yes_no(r.parental_responsibility)),
                          ("Lives with the child", _yes_no(r.lives_with_child)),
                          *([("Started", day(r.start_date))] if r.start_date else []),
                          *([("Ended", day(r.end_date))] if r.end_date else [])]),
    RecordKind("addresses", ChildAddress, "address", "summary", ("entered_in_error_by",),
               lambda a: [("Address", str(a)), ("From", day(a.start_date)),
                          ("To", day(a.end_date) if a.end_date else "Current address")]),
    RecordKind("aliases", ChildAlias, "alias or previous name", "summary", ("entered_in_error_by",),
               lambda a: [("Name", a.name), ("Type", a.get_kind_display())]),
)}


class RecordActionView(ChildScopedFormView):
    """A one-purpose form about one record of the child (cases/record_action.html, on the kernel's
    pages/action.html): the record as a summary list, then the form; or, when there is nothing left to
    do, a note saying why (and a repeated POST changes nothing)."""

    abstract = True
    template_name = "cases/record_action.html"
    kind: RecordKind

    def title(self) -> str:
        raise NotImplementedError

    def record_back(self) -> tuple[str, str]:
        """Back to the child's page, at the tab that shows the record."""
        return child_url(self.child, self.kind.tab), f"Back to {self.child.full_name}"

    def load_record(self):
        self.record = selectors.child_record(child=self.child, model=self.kind.model,
                                             public_id=self.kwargs["record_id"], related=self.kind.related)


class RecordEnteredInErrorView(RecordActionView):
    """Mark one of the child's records entered in error. Editors may mark any; the person who
    recorded a chronology entry may also take back their own while they can add to the chronology
    (``child_policy.can_mark_entered_in_error``)."""

    policy = child_policy
    action = "edit"
    form_class = EnteredInErrorForm
    submit_label = "Mark as entered in error"
    warning_button = True
    warning = "This cannot be undone. The entry stays in the record's history, marked as entered in error."

    def dispatch(self, request, *args, **kwargs):
        self.kind = RECORD_KINDS.get(kwargs.get("kind"))
        if self.kind is None:
            raise Http404(NO_SUCH_RECORD)
        if self.kind.slug == "chronology":
            self.action = "add_chronology"
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        self.load_record()
        if not child_policy.can_mark_entered_in_error(self.access, self.child, self.record):
            raise Http404(NO_SUCH_RECORD)

    def get(self, request, *args, **kwargs):
        services.child_view_log(child=self.child, user=request.user, via=services.VIA_PAGE,
                                what=f"{self.kind.noun} (entered in error form)")
        return super().get(request, *args, **kwargs)

    def title(self):
        return f"Mark this {self.kind.noun} as entered in error"

    def rows(self):
        return self.kind.rows(self.record)

    def back(self):
        return self.record_back()

    def done(self):
        r = self.record
        if not r.entered_in_error:
            return ""
        who = r.entered_in_error_by.display_name if r.entered_in_error_by else "someone"
        return (f"This {self.kind.noun} was marked as entered in error on {day(r.entered_in_error_at)} by {who}: "
                f"{r.entered_in_error_reason}")

    def form_valid(self, form):
        noun = self.kind.noun
        return self.run(form, lambda: services.record_mark_entered_in_error(
            record=self.record, actor=self.request.user, reason=form.cleaned_data["reason"]),
            f"The {noun} has been marked as entered in error.", tab=self.kind.tab)


class EndRecordView(RecordActionView):
    """End an agency's involvement or a relationship: an end date and a reason."""

    abstract = True
    form_class = EndRecordForm
    reason_label = ""
    reason_required = ""

    def load(self):
        self.load_record()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(reason_label=self.reason_label, reason_required=self.reason_required)
        return kwargs

    def get(self, request, *args, **kwargs):
        services.child_view_log(child=self.child, user=request.user, via=services.VIA_PAGE,
                                what=f"{self.kind.noun} (end form)")
        return super().get(request, *args, **kwargs)

    def rows(self):
        return self.kind.rows(self.record)

    def back(self):
        return self.record_back()

    def done(self):
        if self.record.entered_in_error:
            return f"This {self.kind.noun} was marked as entered in error, so there is nothing to end."
        if self.record.end_date:
            return f"This {self.kind.noun} ended on {day(self.record.end_date)}."
        return ""

    def end(self, *, end_date, reason):
        raise NotImplementedError

    def ended_message(self) -> str:
        raise NotImplementedError

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: self.end(end_date=d["end_date"], reason=d["reason"]), self.ended_message(),
                        tab=self.kind.tab)


class InvolvementEndView(EndRecordView):
    policy = child_policy
    action = "edit"
    kind = RECORD_KINDS["involvements"]
    submit_label = "End involvement"
    reason_label = "Why has the agency's involvement ended?"
    reason_required = "Say why the agency's involvement has ended"

    def title(self):
        return f"End {self.record.agency.name}'s involvement"

    def end(self, *, end_date, reason):
        services.involvement_end(involvement=self.record, actor=self.request.user, end_date=end_date, reason=reason)

    def ended_message(self):
        return f"{self.record.agency.name}'s involvement has been ended."


class RelationshipEndView(EndRecordView):
    policy = child_policy
    action = "edit"
    kind = RECORD_KINDS["relationships"]
    submit_label = "End relationship"
    reason_label = "Why has the relationship ended?"
    reason_required = "Say why the relationship has ended"

    def title(self):
        return f"End the relationship with {self.record.adult.full_name}"

    def end(self, *, end_date, reason):
        services.relationship_end(relationship=self.record, actor=self.request.user, end_date=end_date,
                                  reason=reason)

    def ended_message(self):
        return f"The relationship with {self.record.adult.full_name} has been ended."


def _child_line(child) -> str:
    born = (f"born {day(child.date_of_birth)}" if child.date_of_birth
            else f"expected {day(child.expected_date_of_birth)}")
    return f"{child.full_name} ({child.local_child_id}), {born}"


class DuplicateLinkView(RecordActionView):
    """Link the child with another child the person can see, as possibly the same child."""

    policy = child_policy
    action = "edit"
    form_class = DuplicateLinkForm
    submit_label = "Link as possible duplicate"
    title = "Link as a possible duplicate"

    def load(self):
        self.other = child_policy.get_for(self.access, self.kwargs["other_id"], "view")

    def get(self, request, *args, **kwargs):
        for c in (self.child, self.other):
            services.child_view_log(child=c, user=request.user, via=services.VIA_PAGE, what="duplicate link form")
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "other": self.other}

    def rows(self):
        return [("This record", _child_line(self.child)), ("Possible duplicate", _child_line(self.other))]

    def back(self):
        return reverse("cases:duplicates", kwargs={"public_id": self.child.public_id}), "Back to possible duplicates"

    def done(self):
        if selectors.duplicate_link_exists(child=self.child, other=self.other):
            return "These records are already linked as possible duplicates."
        return ""

    def form_valid(self, form):
        return self.run(form, lambda: services.duplicate_link(
            child=self.child, other=self.other, actor=self.request.user, reason=form.cleaned_data["reason"]),
            f"{self.child.full_name} and {self.other.full_name} ({self.other.local_child_id}) are linked as possible "
            "duplicates.")


# --- time-limited access grants and requests for access --------------------------------------------------


class AccessGrantView(RecordActionView):
    """A manager gives a named, active person access to the child until a date (at most
    ``ACCESS_GRANT_MAX_DAYS``). A request for access links here with the person's email filled in."""

    policy = child_policy
    action = "grant_access"
    form_class = AccessGrantForm
    submit_label = "Give access"
    title = "Give someone access to this record"

    def back(self):
        return reverse("cases:access_log", kwargs={"public_id": self.child.public_id}), "Back to the access log"

    def get_initial(self):
        email = self.request.GET.get("email", "")
        return {"email": email[:254]} if email else {}

    def form_valid(self, form):
        d = form.cleaned_data
        grantee = form.grantee
        # access lasts to the end of the day chosen, in the service's time zone
        until = timezone.make_aware(datetime.combine(d["until"], time(23, 59, 59)))
        return self.run(form, lambda: services.child_access_grant(
            child=self.child, user=grantee, actor=self.request.user, until=until, reason=d["reason"]),
            f"{grantee.display_name} can see this record until the end of {day(d['until'])}.",
            url=self.back()[0])


class AccessRevokeView(RecordActionView):
    policy = child_policy
    action = "grant_access"
    form_class = AccessRevokeForm
    submit_label = "Revoke access"
    warning_button = True

    def load(self):
        self.grant = selectors.child_grant_of(child=self.child, user_public_id=self.kwargs["user_id"])

    def title(self):
        return f"Revoke {self.grant.user.display_name}'s access to this record"

    def rows(self):
        g = self.grant
        return [("Who", g.user.display_name), ("Until", when(g.expires_at)),
                ("Given by", g.granted_by.display_name if g.granted_by else ""), ("Reason", g.reason)]

    def back(self):
        return reverse("cases:access_log", kwargs={"public_id": self.child.public_id}), "Back to the access log"

    def done(self):
        g = self.grant
        if g.revoked_at:
            return f"This access was revoked on {day(g.revoked_at)}."
        if g.expires_at and g.expires_at <= timezone.now():
            return f"This access ended on {day(g.expires_at)}."
        return ""

    def form_valid(self, form):
        return self.run(form, lambda: services.child_access_revoke(
            grant=self.grant, actor=self.request.user, reason=form.cleaned_data["reason"]),
            f"{self.grant.user.display_name} can no longer see this record.", url=self.back()[0])


class AccessRequestView(PolicyViewMixin, ActionPage):
    """Ask the holder of a record for access: for someone who found the child (in search or a duplicate
    check) but has no basis to open it (``child_policy`` action ``request_access``; anyone else, a 404).
    A restricted record shows nothing about the child."""

    policy = child_policy
    action = "request_access"
    form_class = AccessRequestForm
    title = "Ask for access to this record"
    submit_label = "Send the request"

    def shape_queryset(self, qs):
        return qs.select_related("allocated_team", "local_authority")

    def dispatch(self, request, *args, **kwargs):
        self.child = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def caption(self):
        return "Restricted record" if self.child.restricted else self.child.full_name

    def intro(self):
        if self.child.restricted:
            return ["A restricted record matches: contact the service manager. Only the people named on a "
                    "restricted record can see it. Your request goes to the local authority's service managers."]
        return ["You can see that this record exists, but nothing on record gives you a reason to open it. Say why "
                "you need to: the social worker and the team managers who hold it will be told, and a manager can "
                "give you access."]

    def rows(self):
        if self.child.restricted:
            return []
        c = self.child
        born = (day(c.date_of_birth) if c.date_of_birth else f"Unborn, due {day(c.expected_date_of_birth)}")
        return [("Name", c.full_name), ("Date of birth", born), ("Local child ID", c.local_child_id),
                ("Held by", selectors.holder_of(c))]

    def done(self):
        asked = selectors.open_access_request(child=self.child, user=self.request.user)
        if asked is None:
            return ""
        return (f"You asked for access on {when(asked.requested_at)}. The holder has been told; you can open the "
                "record once a manager gives you access.")

    def back(self):
        return reverse("cases:search"), "Back to Find a child"

    def form_valid(self, form):
        return self.run(form, lambda: services.child_access_request(
            child=self.child, actor=self.request.user, reason=form.cleaned_data["reason"]),
            "Your request for access has been sent.")
