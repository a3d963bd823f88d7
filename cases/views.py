"""Child pages. Every page reaches a child through ``child_policy`` via PolicyViewMixin."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from safeguarding.access.views import PolicyViewMixin
from safeguarding.accounts.models import Agency, AgencyKind, Membership, Role, Team, User
from safeguarding.audit.models import RecordView

from . import services
from .forms import (
    AdultRelationshipForm,
    AllocationForm,
    BreakGlassForm,
    ChildCreateForm,
    ChildEditForm,
    ChronologyForm,
    InvolvementForm,
    SearchForm,
)
from .policies import child_policy
from .selectors import SearchCriteria, child_page, child_search


def _apply_service_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        for e in exc.messages:
            form.add_error(None, e)


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
            _apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{child.full_name} has been added ({child.local_child_id}).")
        return redirect("cases:child_detail", public_id=child.public_id)


class ChildDetailView(PolicyViewMixin, TemplateView):
    policy = child_policy
    template_name = "cases/child_detail.html"

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
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["child"] = self.child
        ctx["back_url"] = reverse("cases:child_detail", kwargs={"public_id": self.child.public_id})
        return ctx

    def success(self, message, tab="summary"):
        messages.success(self.request, message)
        return redirect(reverse("cases:child_detail", kwargs={"public_id": self.child.public_id}) + f"#{tab}")

    def run(self, form, fn, message, tab="summary"):
        try:
            fn()
        except ValidationError as exc:
            _apply_service_errors(form, exc)
            return self.form_invalid(form)
        return self.success(message, tab)


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
            _apply_service_errors(form, exc)
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
        return ctx
