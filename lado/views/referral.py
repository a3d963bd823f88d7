"""The referral pages: the LADO's referral page (the children and their records, the person index's matches
with their previous allegations, what was shared), saying who the allegation is about, matching a child to
their record, sharing an update with the referrer; and the referral form, one for the portal and for the
LADO recording a call (``ReferralFormView``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from cases.selectors import child_duplicate_matches
from cases.services import VIA_PAGE, child_sightings_record
from safeguarding.forms import apply_service_errors
from safeguarding.pages import NO_SUCH_RECORD, day, uuid_or_404

from .. import services
from ..codes import ReferralSource
from ..models import PersonIndexEntry
from ..policies import consultation_policy, referral_policy
from ..selectors import parts
from ..selectors.pages import agency_by_public_id, lado_services, referral_page
from .base import LadoTeamPage, ReferralFormPage, ReferralPage
from .evidence import evidence_for
from .forms import NEW_ENTRY, ChildFormSet, ChildMatchForm, ReferralForm, ShareForm, SubjectForm


class ReferralView(ReferralPage, TemplateView):
    """The referral as received, for the LADO team: what the referrer said, the children (matched to their
    records or not), the person index's entries it resembles with their previous allegations, the shared
    updates; and the way to the case."""

    action = "view"
    template_name = "lado/referral.html"

    def back(self):
        return "/lado/", "Back to the LADO workbench"

    def get(self, request, *args, **kwargs):
        services.lado_read_log(user=request.user, record=self.referral, what="referral page")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(page=referral_page(self.referral), case_url=reverse("lado:case", args=[self.case.public_id]),
                   evidence=evidence_for(self.request, self.referral))
        return ctx


def _entry_label(entry: PersonIndexEntry, reasons=()) -> str:
    born = f", born {day(entry.date_of_birth)}" if entry.date_of_birth else ""
    why = f" ({'; '.join(reasons)})" if reasons else ""
    return f"{entry.full_name}{born}, {entry.role or 'role not known'} at {entry.employer or 'employer not known'}{why}"


class SubjectView(ReferralFormPage):
    """Who the allegation is about: one of the index entries the referral resembles, or a new entry."""

    form_class = SubjectForm
    title = "Who is the allegation about?"
    submit_label = "Continue"

    def load(self):
        self.matches = referral_page(self.referral).matches

    def intro(self):
        return [f"The referral names {self.referral.subject_name}"
                f"{', born ' + day(self.referral.subject_date_of_birth) if self.referral.subject_date_of_birth else ''}"
                f", {self.referral.subject_role} at {self.referral.subject_employer}. The referral page shows each "
                "entry's previous allegations."]

    def done(self):
        if self.case.status != self.case.Status.NEW:
            return "The subject is settled once the case has been evaluated."
        return ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "entries": [(m.entry, _entry_label(m.entry, m.reasons))
                                                         for m in self.matches]}

    def form_valid(self, form):
        choice = form.cleaned_data["entry"]
        entry = None
        if choice != NEW_ENTRY:
            entry = next((m.entry for m in self.matches if str(m.entry.public_id) == choice), None)
        return self.run(form, lambda: services.case_subject_identify(actor=self.request.user, case=self.case,
                                                                     entry=entry),
                        "The subject is identified in the person index.",
                        url=reverse("lado:evaluate", args=[self.case.public_id]))


class ChildMatchView(ReferralFormPage):
    """Match a child of the referral to their record: the records found through the child policy's search (a
    record that may not be opened is shown as its minimal row, and the sighting is logged); never a new one."""

    form_class = ChildMatchForm
    title = "Find the child's record"
    submit_label = "This is the child"

    def load(self):
        pid = uuid_or_404(self.kwargs["child_id"])
        self.row = parts.referral_child_of(self.referral, pid)
        if self.row is None:
            raise Http404(NO_SUCH_RECORD)
        found = child_duplicate_matches(ctx=self.access, data={
            "legal_first_names": self.row.first_names, "legal_surname": self.row.surname,
            "date_of_birth": self.row.date_of_birth})
        self.found = [c for c in found if c.child.finding in ("open", "minimal")]
        if self.request.method == "GET":
            child_sightings_record(actor=self.request.user, via=VIA_PAGE,
                                   children=[c.child for c in self.found if c.child.finding == "minimal"])

    def rows(self):
        return [("Child, as referred", self.row.name or self.row.details),
                ("Date of birth", day(self.row.date_of_birth) or self.row.age_or_year or "Not known")]

    def done(self):
        if self.row.child_id:
            return "This child is matched to their record."
        if not self.found:
            return ("No record found that you may see: the child stays as described (no new record is made). "
                    "Ask the holder of the child's record if you need it.")
        return ""

    def get_form_kwargs(self):
        labels = []
        for c in self.found:
            child = c.child
            born = day(child.date_of_birth) if child.date_of_birth else "date of birth not recorded"
            labels.append((child, f"{child.full_name}, born {born}, {child.local_child_id} ({'; '.join(c.reasons)})"))
        return {**super().get_form_kwargs(), "records": labels}

    def form_valid(self, form):
        return self.run(form, lambda: services.referral_child_match(
            actor=self.request.user, referral_child=self.row, child_public_id=form.cleaned_data["child"]),
            "The child is matched to their record.")


class ShareView(ReferralFormPage):
    form_class = ShareForm
    title = "Share an update with the referrer"
    submit_label = "Share"

    def done(self):
        return "" if self.referral.referred_by_id else ("This referral was not made from an account: tell the "
                                                        "referrer another way.")

    def form_valid(self, form):
        return self.run(form, lambda: services.referral_share(actor=self.request.user, referral=self.referral,
                                                              text=form.cleaned_data["text"]),
                        "The update is shared with the referrer.")


# --- the referral form ------------------------------------------------------------------------------------------
class ReferralFormView(FormView):
    """The referral and its children (a formset: "Add another child" posts the form back with one more). The
    portal's and the LADO's differ in who the referrer is (``portal``)."""

    form_class = ReferralForm
    template_name = "lado/referral_form.html"
    portal = True
    source = ReferralSource.PORTAL
    asked_late = False

    def authorities(self):
        return lado_services()

    def get_form_kwargs(self):
        show_late = self.asked_late or (self.request.method == "POST" and "late_reason" in self.request.POST)
        return {**super().get_form_kwargs(), "authorities": self.authorities(), "portal": self.portal,
                "show_late": show_late}

    def children(self, data=None):
        return ChildFormSet(data, prefix="children")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("children", self.children())
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if "add_child" in request.POST:
            data = request.POST.copy()
            total = int(data.get("children-TOTAL_FORMS") or 1)
            data["children-TOTAL_FORMS"] = str(min(total + 1, 10))
            return self.render_to_response(self.get_context_data(form=self.form_class(
                **{**self.get_form_kwargs(), "data": None, "files": None, "initial": _initial(request.POST, form)}),
                children=self.children(data)))
        children = self.children(request.POST)
        form_ok, children_ok = form.is_valid(), children.is_valid()
        if not (form_ok and children_ok):
            return self.render_to_response(self.get_context_data(form=form, children=children))
        d = form.cleaned_data
        la = agency_by_public_id(d["local_authority"])
        data = {k: v for k, v in d.items() if k not in ("local_authority", "late_reason")}
        if self.portal and not data.get("referrer_role"):
            data.pop("referrer_role", None)
        try:
            referral = self.submit(la=la, data=data, children=[c for c in children.cleaned_data if c],
                                   late_reason=d.get("late_reason") or "")
        except ValidationError as exc:
            if "late_reason" in getattr(exc, "error_dict", {}) and "late_reason" not in form.fields:
                self.asked_late = True
                form = self.get_form()
                form.is_valid()
            errors = getattr(exc, "error_dict", {})
            for name, errs in errors.items():
                if name.startswith("children"):
                    for e in errs:
                        form.add_error(None, e)
            apply_service_errors(form, ValidationError({k: v for k, v in errors.items()
                                                         if not k.startswith("children")})
                                 if errors else exc)
            return self.render_to_response(self.get_context_data(form=form, children=children))
        messages.success(request, f"Referral {referral.reference} has been received.")
        return redirect(self.success_url_for(referral))

    def submit(self, *, la, data, children, late_reason):
        raise NotImplementedError

    def success_url_for(self, referral) -> str:
        raise NotImplementedError


def _initial(post, form) -> dict:
    """What was typed, for a form shown again without errors (after "Add another child")."""
    out = {}
    for name, field in form.fields.items():
        widget = field.widget
        value = widget.value_from_datadict(post, {}, form.add_prefix(name))
        out[name] = value
    return out


class RecordReferralView(LadoTeamPage, ReferralFormView):
    """The LADO records a referral received by telephone, email or letter (or one that began as a
    consultation: ``?consultation=<id>``)."""

    portal = False
    source = ReferralSource.LADO

    def dispatch(self, request, *args, **kwargs):
        self.consultation = None
        cid = request.GET.get("consultation") or request.POST.get("consultation")
        if cid and getattr(request, "access", None) is not None:
            self.consultation = consultation_policy.get_for(request.access, cid)
        return super().dispatch(request, *args, **kwargs)

    def authorities(self):
        return [a for a in lado_services() if referral_policy.can_record_for(self.access, a.pk)]

    def get_initial(self):
        c = self.consultation
        if c is None:
            return {}
        return {"referrer_name": c.caller_name, "referrer_role": c.caller_role, "organisation": c.organisation,
                "sector": c.sector, "subject_role": c.subject_role, "allegation": c.question,
                "employer_knew_on": c.received_on, "local_authority": str(c.local_authority.public_id)}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title="Record a referral", back_url="/lado/", back_label="Back to the LADO workbench",
                   consultation=self.consultation)
        return ctx

    def submit(self, *, la, data, children, late_reason):
        if la is None:
            raise ValidationError({"local_authority": "Select the local authority"})
        source = ReferralSource.CONSULTATION if self.consultation else ReferralSource.LADO
        return services.referral_submit(actor=self.request.user, local_authority=la, data=data, children=children,
                                        late_reason=late_reason, source=source, consultation=self.consultation)

    def success_url_for(self, referral):
        return reverse("lado:referral", args=[referral.public_id])

