"""Child pages. Every page reaches a child through ``child_policy`` via PolicyViewMixin."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views.generic import FormView, TemplateView

from safeguarding.access.views import PolicyViewMixin
from safeguarding.accounts.models import Agency, AgencyKind, Membership, Role, Team, User
from safeguarding.audit.models import RecordView
from safeguarding.forms import apply_service_errors

from . import services
from .forms import (
    AccessGrantForm,
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
from .models import (
    ChildAccessGrant,
    ChildAddress,
    ChildAlias,
    ChronologyEntry,
    DuplicateLink,
    Involvement,
    Relationship,
)
from .policies import child_policy
from .selectors import SearchCriteria, child_page, child_search


class SearchView(PolicyViewMixin, TemplateView):
    policy = child_policy
    action = "find"
    template_name = "cases/search.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        searched = any(k in self.request.GET for k in ("name", "nhs_number", "upn", "date_of_birth_day"))
        form = SearchForm(self.request.GET if searched else None)
        ctx["form"] = form
        ctx["searched"] = searched
        if searched and form.is_valid():
            d = form.cleaned_data
            ctx["results"] = child_search(ctx=self.access, criteria=SearchCriteria(
                name=d["name"], date_of_birth=d["date_of_birth"], nhs_number=d["nhs_number"], upn=d["upn"]))
        return ctx


class ChildCreateView(PolicyViewMixin, FormView):
    policy = child_policy
    form_class = ChildCreateForm
    template_name = "cases/child_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not child_policy.can_create(request.access):
            raise PermissionDenied("Only children's social care staff can add a child")
        return super().dispatch(request, *args, **kwargs)

    def _membership(self):
        return (Membership.objects.select_related("agency", "team")
                .filter(user=self.request.user, is_active=True, agency__kind=AgencyKind.LOCAL_AUTHORITY).first())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title="Add a child", back_url=reverse("cases:search"), candidates=getattr(self, "candidates", None))
        return ctx

    def form_valid(self, form):
        m = self._membership()
        data = dict(form.cleaned_data)
        address = None
        if data.get("address_line_1"):
            address = {"line_1": data["address_line_1"], "town": data["address_town"],
                       "postcode": data["address_postcode"], "start_date": timezone.localdate()}
        is_sw = Role.SOCIAL_WORKER in m.roles
        try:
            child = services.child_create(
                actor=self.request.user, local_authority=m.agency, data=data,
                visible_children=child_policy.visible(self.access, "view"),
                confirm_not_duplicate=data.get("confirm_not_duplicate", False),
                allocated_social_worker=self.request.user if is_sw else None, allocated_team=m.team, address=address,
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

    def get(self, request, *args, **kwargs):
        try:
            self.child = self.get_object()
        except Http404:
            # A restricted child this person has a basis for: offer to break the glass. Anything else,
            # including an id that is not a UUID, is the same 404 (get_for raises it).
            child_policy.get_for(self.access, kwargs["public_id"], "break_glass")
            return redirect("cases:break_glass", public_id=kwargs["public_id"])
        break_glass = self.child.restricted and not self.child.named_people.filter(pk=request.user.pk).exists()
        services.child_view_log(child=self.child, user=request.user, via=RecordView.Via.PAGE, what="child page",
                                break_glass=break_glass)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        can_log = child_policy.can(self.access, "view_access_log", self.child)
        ctx.update(child_page(child=self.child, include_history=True, include_access_log=False))
        ctx["can_edit"] = child_policy.can(self.access, "edit", self.child)
        ctx["can_view_access_log"] = can_log
        ctx["tab"] = self.request.GET.get("tab", "summary")
        return ctx


class ChildScopedFormView(PolicyViewMixin, FormView):
    """A form about one child, reached through the policy with this view's ``action``."""

    abstract = True

    def dispatch(self, request, *args, **kwargs):
        self.child = self.get_object()
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        """Fetch whatever else the page is about, through the child (404 when it is not the child's)."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["child"] = self.child
        ctx["back_url"] = reverse("cases:child_detail", kwargs={"public_id": self.child.public_id})
        return ctx

    def success(self, message, tab="summary", url=None):
        messages.success(self.request, message)
        return redirect(url or reverse("cases:child_detail", kwargs={"public_id": self.child.public_id}) + f"#{tab}")

    def run(self, form, fn, message, tab="summary", url=None):
        try:
            fn()
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        return self.success(message, tab, url)


class ChildEditView(ChildScopedFormView):
    policy = child_policy
    action = "edit"
    form_class = ChildEditForm
    template_name = "cases/child_form.html"

    def get(self, request, *args, **kwargs):
        services.child_view_log(child=self.child, user=request.user, via=RecordView.Via.PAGE, what="edit form")
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

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Add an agency involvement", **kwargs)

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

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Add a person in the child's life", **kwargs)

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

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["agencies"] = Agency.objects.filter(pk__in=self.access.agency_ids)
        return kwargs

    def get_initial(self):
        ids = sorted(self.access.agency_ids)
        return {"source_agency": ids[0]} if len(ids) == 1 else {}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Add to the chronology", **kwargs)

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

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        la = self.child.local_authority_id
        form.fields["team"].queryset = Team.objects.filter(agency_id=la, is_active=True)
        form.fields["social_worker"].queryset = User.objects.filter(
            is_active=True, memberships__agency_id=la, memberships__is_active=True,
            memberships__roles__contains=[Role.SOCIAL_WORKER]).distinct()
        return form

    def get_initial(self):
        return {"team": self.child.allocated_team_id, "social_worker": self.child.allocated_social_worker_id}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Change allocation", **kwargs)

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.child_allocate(
            child=self.child, actor=self.request.user, social_worker=d["social_worker"], team=d["team"],
            reason=d["reason"]), "The allocation has been changed.")


class BreakGlassView(PolicyViewMixin, FormView):
    policy = child_policy
    action = "break_glass"
    form_class = BreakGlassForm
    template_name = "cases/break_glass.html"

    def dispatch(self, request, *args, **kwargs):
        self.child = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["child"] = self.child
        return ctx

    def form_valid(self, form):
        try:
            services.child_break_glass(child=self.child, actor=self.request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        return redirect("cases:child_detail", public_id=self.child.public_id)


class AccessLogView(PolicyViewMixin, TemplateView):
    policy = child_policy
    action = "view_access_log"
    template_name = "cases/access_log.html"

    def get_context_data(self, **kwargs):
        from safeguarding.access.models import BreakGlass
        from safeguarding.audit.selectors import views_of

        ctx = super().get_context_data(**kwargs)
        child = self.get_object()
        ctx["child"] = child
        ctx["can_view_child"] = child_policy.can(self.access, "view", child)
        ctx["views"] = list(views_of(child))
        ctx["break_glass"] = list(BreakGlass.objects.filter(
            Q(record_type__app_label="cases", record_type__model="child"), record_id=child.pk).select_related("user"))
        ctx["grants"] = list(child.access_grants.select_related("user", "granted_by").order_by("-granted_at"))
        ctx["can_grant"] = child_policy.can(self.access, "grant_access", child)
        ctx["now"] = timezone.now()
        return ctx


class DuplicateCheckView(PolicyViewMixin, TemplateView):
    """Duplicate detection on demand, against the children the person can see."""

    policy = child_policy
    template_name = "cases/duplicates.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        child = self.get_object()
        data = {f: getattr(child, f) for f in services.CHILD_EDITABLE_FIELDS}
        ctx["child"] = child
        services.child_view_log(child=child, user=self.request.user, via=RecordView.Via.PAGE, what="duplicate check")
        ctx["candidates"] = services.duplicate_candidates(
            visible_children=child_policy.visible(self.access, "view"), data=data, exclude_pk=child.pk)
        ctx["can_edit"] = child_policy.can(self.access, "edit", child)
        if ctx["can_edit"] and ctx["candidates"]:
            linked = set()
            for a, b in DuplicateLink.objects.filter(
                Q(child=child) | Q(other=child), entered_in_error_at__isnull=True
            ).values_list("child_id", "other_id"):
                linked.update((a, b))
            ctx["link_forms"] = [
                (c, None if c.child.pk in linked else DuplicateLinkForm(other=c.child, auto_id=f"id_candidate{i}_%s"))
                for i, c in enumerate(ctx["candidates"], start=1)
            ]
        return ctx


# --- correcting and ending records ---------------------------------------------------------------------

NO_SUCH_RECORD = "No such record"


def _day(d) -> str:
    return format_date(d, "j F Y") if d else ""


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
               lambda e: [("Date", _day(e.occurred_on)), ("Recording agency", e.source_agency.name),
                          ("Significance", e.get_significance_display()), ("What happened", e.summary),
                          ("Recorded by", e.recorded_by.display_name)]),
    RecordKind("involvements", Involvement, "agency involvement", "agencies",
               ("agency", "professional", "entered_in_error_by"),
               lambda i: [("Agency", i.agency.name), ("Professional", i.professional_display or "Not named"),
                          ("Role", i.role), ("Since", _day(i.start_date)),
                          *([("Ended", f"{_day(i.end_date)}: {i.end_reason}" if i.end_reason else _day(i.end_date))]
                            if i.end_date else [])]),
    RecordKind("relationships", Relationship, "relationship", "people", ("adult", "entered_in_error_by"),
               lambda r: [("Name", r.adult.full_name), ("Relationship to the child", r.get_kind_display()),
                          ("Parental responsibility", _yes_no(r.parental_responsibility)),
                          ("Lives with the child", _yes_no(r.lives_with_child)),
                          *([("Started", _day(r.start_date))] if r.start_date else []),
                          *([("Ended", _day(r.end_date))] if r.end_date else [])]),
    RecordKind("addresses", ChildAddress, "address", "summary", ("entered_in_error_by",),
               lambda a: [("Address", str(a)), ("From", _day(a.start_date)),
                          ("To", _day(a.end_date) if a.end_date else "Current address")]),
    RecordKind("aliases", ChildAlias, "alias or previous name", "summary", ("entered_in_error_by",),
               lambda a: [("Name", a.name), ("Type", a.get_kind_display())]),
)}


def _record_of(child, kind: RecordKind, record_id):
    """One of ``child``'s records by public id: any other child's record, or none, is the same 404."""
    try:
        record_id = uuid.UUID(str(record_id))
    except (ValueError, TypeError, AttributeError):
        raise Http404(NO_SUCH_RECORD) from None
    try:
        return kind.model.objects.select_related(*kind.related).get(child=child, public_id=record_id)
    except kind.model.DoesNotExist:
        raise Http404(NO_SUCH_RECORD) from None


class RecordActionView(ChildScopedFormView):
    """A one-purpose form about one record of the child (cases/record_action.html): the record as a
    summary list, then the form; or, when there is nothing left to do, a note saying why."""

    abstract = True
    template_name = "cases/record_action.html"
    submit_label = "Save"
    warning_button = False
    warning = ""

    def title(self) -> str:
        raise NotImplementedError

    def rows(self) -> list[tuple[str, str]]:
        return []

    def done(self) -> str:
        """Why there is nothing to do (already done), or '' when the form applies."""
        return ""

    def back(self) -> tuple[str, str]:
        return (reverse("cases:child_detail", kwargs={"public_id": self.child.public_id}),
                f"Back to {self.child.full_name}")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["back_url"], ctx["back_label"] = self.back()
        ctx.update(title=self.title(), rows=self.rows(), done=self.done(), warning=self.warning,
                   submit_label=self.submit_label, warning_button=self.warning_button)
        return ctx

    def post(self, request, *args, **kwargs):
        done = self.done()
        if done:
            # a repeated submit (double click, back button, a colleague got there first): change nothing, say so
            messages.info(request, done)
            return redirect(self.back()[0])
        return super().post(request, *args, **kwargs)


class RecordEnteredInErrorView(RecordActionView):
    """Mark one of the child's records entered in error. Editors may mark any; the person who
    recorded a chronology entry may also take back their own while they can add to the chronology."""

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
        self.record = _record_of(self.child, self.kind, self.kwargs["record_id"])
        if self.kind.slug == "chronology" and self.record.recorded_by_id != self.request.user.pk and (
            not child_policy.can(self.access, "edit", self.child)
        ):
            raise Http404(NO_SUCH_RECORD)

    def get(self, request, *args, **kwargs):
        services.child_view_log(child=self.child, user=request.user, via=RecordView.Via.PAGE,
                                what=f"{self.kind.noun} (entered in error form)")
        return super().get(request, *args, **kwargs)

    def title(self):
        return f"Mark this {self.kind.noun} as entered in error"

    def rows(self):
        return self.kind.rows(self.record)

    def back(self):
        url, label = super().back()
        return f"{url}#{self.kind.tab}", label

    def done(self):
        r = self.record
        if not r.entered_in_error:
            return ""
        who = r.entered_in_error_by.display_name if r.entered_in_error_by else "someone"
        on = _day(timezone.localtime(r.entered_in_error_at))
        return f"This {self.kind.noun} was marked as entered in error on {on} by {who}: {r.entered_in_error_reason}"

    def form_valid(self, form):
        noun = self.kind.noun
        return self.run(form, lambda: services.record_mark_entered_in_error(
            record=self.record, actor=self.request.user, reason=form.cleaned_data["reason"]),
            f"The {noun} has been marked as entered in error.", tab=self.kind.tab)


class EndRecordView(RecordActionView):
    """End an agency's involvement or a relationship: an end date and a reason."""

    abstract = True
    form_class = EndRecordForm
    kind: RecordKind
    reason_label = ""
    reason_required = ""

    def load(self):
        self.record = _record_of(self.child, self.kind, self.kwargs["record_id"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(reason_label=self.reason_label, reason_required=self.reason_required)
        return kwargs

    def get(self, request, *args, **kwargs):
        services.child_view_log(child=self.child, user=request.user, via=RecordView.Via.PAGE,
                                what=f"{self.kind.noun} (end form)")
        return super().get(request, *args, **kwargs)

    def rows(self):
        return self.kind.rows(self.record)

    def back(self):
        url, label = super().back()
        return f"{url}#{self.kind.tab}", label

    def done(self):
        if self.record.entered_in_error:
            return f"This {self.kind.noun} was marked as entered in error, so there is nothing to end."
        if self.record.end_date:
            return f"This {self.kind.noun} ended on {_day(self.record.end_date)}."
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
    born = (f"born {_day(child.date_of_birth)}" if child.date_of_birth
            else f"expected {_day(child.expected_date_of_birth)}")
    return f"{child.full_name} ({child.local_child_id}), {born}"


class DuplicateLinkView(RecordActionView):
    """Link the child with another child the person can see, as possibly the same child."""

    policy = child_policy
    action = "edit"
    form_class = DuplicateLinkForm
    submit_label = "Link as possible duplicate"

    def load(self):
        self.other = child_policy.get_for(self.access, self.kwargs["other_id"], "view")

    def get(self, request, *args, **kwargs):
        for c in (self.child, self.other):
            services.child_view_log(child=c, user=request.user, via=RecordView.Via.PAGE, what="duplicate link form")
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "other": self.other}

    def title(self):
        return "Link as a possible duplicate"

    def rows(self):
        return [("This record", _child_line(self.child)), ("Possible duplicate", _child_line(self.other))]

    def back(self):
        return reverse("cases:duplicates", kwargs={"public_id": self.child.public_id}), "Back to possible duplicates"

    def done(self):
        a, b = sorted([self.child.pk, self.other.pk])
        if DuplicateLink.objects.filter(child_id=a, other_id=b, entered_in_error_at__isnull=True).exists():
            return "These records are already linked as possible duplicates."
        return ""

    def form_valid(self, form):
        return self.run(form, lambda: services.duplicate_link(
            child=self.child, other=self.other, actor=self.request.user, reason=form.cleaned_data["reason"]),
            f"{self.child.full_name} and {self.other.full_name} ({self.other.local_child_id}) are linked as possible "
            "duplicates.")


# --- time-limited access grants --------------------------------------------------------------------------


class AccessGrantView(RecordActionView):
    """A manager gives a named, active person access to the child until a date (at most 90 days)."""

    policy = child_policy
    action = "grant_access"
    form_class = AccessGrantForm
    submit_label = "Give access"

    def title(self):
        return "Give someone access to this record"

    def back(self):
        return reverse("cases:access_log", kwargs={"public_id": self.child.public_id}), "Back to the access log"

    def form_valid(self, form):
        d = form.cleaned_data
        grantee = form.grantee
        # access lasts to the end of the day chosen, in the service's time zone
        until = timezone.make_aware(datetime.combine(d["until"], time(23, 59, 59)))
        return self.run(form, lambda: services.child_access_grant(
            child=self.child, user=grantee, actor=self.request.user, until=until, reason=d["reason"]),
            f"{grantee.display_name} can see this record until the end of {_day(d['until'])}.",
            url=self.back()[0])


class AccessRevokeView(RecordActionView):
    policy = child_policy
    action = "grant_access"
    form_class = AccessRevokeForm
    submit_label = "Revoke access"
    warning_button = True

    def load(self):
        try:
            user_id = uuid.UUID(str(self.kwargs["user_id"]))
        except (ValueError, TypeError, AttributeError):
            raise Http404(NO_SUCH_RECORD) from None
        self.grant = (ChildAccessGrant.objects.select_related("user", "granted_by")
                      .filter(content_object=self.child, user__public_id=user_id, permission__codename="view_child")
                      .first())
        if self.grant is None:
            raise Http404(NO_SUCH_RECORD)

    def title(self):
        return f"Revoke {self.grant.user.display_name}'s access to this record"

    def rows(self):
        g = self.grant
        return [("Who", g.user.display_name), ("Until", format_date(timezone.localtime(g.expires_at), "j F Y H:i")),
                ("Given by", g.granted_by.display_name if g.granted_by else ""), ("Reason", g.reason)]

    def back(self):
        return reverse("cases:access_log", kwargs={"public_id": self.child.public_id}), "Back to the access log"

    def done(self):
        g = self.grant
        if g.revoked_at:
            return f"This access was revoked on {_day(timezone.localtime(g.revoked_at))}."
        if g.expires_at and g.expires_at <= timezone.now():
            return f"This access ended on {_day(timezone.localtime(g.expires_at))}."
        return ""

    def form_valid(self, form):
        return self.run(form, lambda: services.child_access_revoke(
            grant=self.grant, actor=self.request.user, reason=form.cleaned_data["reason"]),
            f"{self.grant.user.display_name} can no longer see this record.", url=self.back()[0])
