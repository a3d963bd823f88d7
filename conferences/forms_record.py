"""Forms for holding and recording a conference, its decision, minutes, documents and plan.

Input only: the rules live in conferences/services.py, whose ValidationErrors come back onto these
forms through ``safeguarding.forms.apply_service_errors``. Records chosen on a form (invitations,
core group members, social workers) are offered from querysets the view has already scoped, and are
posted by their public id, never by a database id.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django import forms
from django.utils import timezone

from safeguarding.forms import GovukDateField

from .models import (
    Category,
    ConferenceRecord,
    Distribution,
    Document,
    EndReason,
    Invitation,
    NextStep,
    Outcome,
    PlanAction,
)

MIN_ACTION_ROWS = 3
MAX_ACTION_ROWS = 30


def _textarea(rows: int = 4, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


def _example_date_hint(prefix: str = "") -> str:
    today = timezone.localdate()
    return f"{prefix}For example, {today.day} {today.month} {today.year}"


def normalise_newlines(text: str) -> str:
    """Browsers post textareas with CRLF; fetch sends what the textarea holds (LF). One form for both."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def category_choices() -> list[tuple[str, str]]:
    return [(c.value, f"{c.label} ({c.value})") for c in Category]


class AskedFor:
    """A field the service requires only in some cases (a plan needs a category, a late event needs a
    reason): shown without "(optional)", left empty without a form error, and the service's
    ValidationError says when it is missing."""

    def __init__(self, *args, **kwargs):
        kwargs["required"] = True
        super().__init__(*args, **kwargs)

    def validate(self, value):
        if value in self.empty_values:
            return
        super().validate(value)


class AskedForChar(AskedFor, forms.CharField):
    pass


class AskedForChoice(AskedFor, forms.ChoiceField):
    pass


class AskedForModelChoice(AskedFor, forms.ModelChoiceField):
    pass


class AskedForDate(GovukDateField):
    """A date in a row that may be left blank (an unused row of the outline plan)."""

    def __init__(self, *args, **kwargs):
        kwargs["required"] = True
        super().__init__(*args, **kwargs)

    def clean(self, value):
        if not any(str(v or "").strip() for v in (value or [])):
            return None
        return super().clean(value)


class LateReasonMixin:
    """A ``late_reason`` field that is shown only when the service asks for it (or will)."""

    late_label = "Why was this late?"

    def _late(self, show_late: bool) -> None:
        if show_late:
            self.fields["late_reason"] = AskedForChar(
                label=self.late_label, widget=_textarea(3),
                help_text="It is past its due date. Say why, for the record and for managers.")


# --- the live record --------------------------------------------------------------------------------
def revision_field_name(section: str) -> str:
    return f"{section}_revision"


def loaded_field_name(section: str) -> str:
    return f"{section}_loaded"


def text_digest(text: str) -> str:
    """Fingerprint of a section's text as the page showed it: a section posted unchanged is not saved
    (so a colleague's save since is not reported as a conflict, nor overwritten)."""
    return hashlib.sha256(normalise_newlines(text).encode()).hexdigest()


# The record page's groups (Signs of Safety), in the order the conference talks about them: heading, the
# sections in the group, and a hint.
RECORD_GROUPS = (
    ("The child's voice", ("child_voice",), ""),
    ("Parents' and carers' views", ("parents_views",), ""),
    ("What we are worried about", ("harm", "danger_statements", "complicating_factors"), ""),
    ("What is working well", ("working_well",), ""),
    ("What needs to happen", ("safety_goals",), ""),
    ("Professional dissent", ("professional_dissent",), "Any professional's disagreement with the decision, "
                                                        "and why"),
    ("Confidential and third-party information", ("confidential_information",),
     "This section is left out of the family copy of the minutes. Record here what parents must not see, such "
     "as information from a third party."),
)
# Inside a group of several sections, the group's heading already says "What we are worried about".
SHORT_LABELS = {"harm": "Harm", "danger_statements": "Danger statements",
                "complicating_factors": "Complicating factors"}


@dataclass
class SectionView:
    """One section of the record as the page shows it: its box, the revision it was loaded at, and a
    colleague's text when they saved it since."""

    name: str
    label: str
    field: object
    revision: int
    loaded: str = ""
    conflict: object = None


class RecordForm(forms.Form):
    """The whole record in one post, for browsers without JavaScript: each section's text, the revision
    it was loaded at and a fingerprint of the text as loaded (sections are saved one by one through
    ``services.record_save_section``, and only those changed on the page)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in ConferenceRecord.SECTIONS:
            self.fields[name] = forms.CharField(label=label, required=False, strip=False, widget=_textarea(6))
            self.fields[revision_field_name(name)] = forms.IntegerField(min_value=0, required=False,
                                                                        widget=forms.HiddenInput)
            self.fields[loaded_field_name(name)] = forms.CharField(required=False, widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, texts: dict[str, str], revisions: dict) -> dict:
        out = {}
        for name in ConferenceRecord.section_names():
            text = texts.get(name, "")
            out[name] = text
            out[revision_field_name(name)] = int(revisions.get(name, 0))
            out[loaded_field_name(name)] = text_digest(text)
        return out

    def groups(self, conflicts: dict | None = None) -> list[dict]:
        """The sections in the page's groups (RECORD_GROUPS), each with its box and revision, and the
        colleague's text for a section in ``conflicts`` (section name to ``services.StaleSection``)."""
        conflicts = conflicts or {}
        labels = dict(ConferenceRecord.SECTIONS)
        groups = []
        for heading, names, hint in RECORD_GROUPS:
            sections = []
            for name in names:
                try:
                    rev = int(self[revision_field_name(name)].value() or 0)
                except (TypeError, ValueError):
                    rev = 0
                sections.append(SectionView(name=name, label=SHORT_LABELS.get(name, labels[name]), field=self[name],
                                            revision=rev, loaded=self[loaded_field_name(name)].value() or "",
                                            conflict=conflicts.get(name)))
            groups.append({"heading": heading, "sections": sections, "hint": hint, "single": len(names) == 1})
        return groups

    def note_conflicts(self, conflicts) -> None:
        """Say, at each section, that a colleague saved it while this person was writing."""
        labels = dict(ConferenceRecord.SECTIONS)
        for name in conflicts:
            self.add_error(name, f"Someone else saved ‘{labels[name]}’ while you were writing. Their text is shown "
                                 "below the box and yours is still in it: combine them and save again.")

    def sections(self) -> list[tuple[str, str, int, bool]]:
        """(section, text, base revision, changed on the page) for each section, after ``is_valid()``."""
        out = []
        for name in ConferenceRecord.section_names():
            text = normalise_newlines(self.cleaned_data.get(name) or "")
            rev = self.cleaned_data.get(revision_field_name(name)) or 0
            changed = text_digest(text) != (self.cleaned_data.get(loaded_field_name(name)) or "")
            out.append((name, text, rev, changed))
        return out


class RecordSaveForm(forms.Form):
    """One section from the autosave script (JSON or form-encoded)."""

    section = forms.ChoiceField(choices=ConferenceRecord.SECTIONS,
                                error_messages={"invalid_choice": "No such section", "required": "No such section"})
    text = forms.CharField(required=False, strip=False)
    base_revision = forms.IntegerField(min_value=0, error_messages={
        "required": "The revision the text was edited from is missing", "invalid": "The revision must be a number"})


class ScalingForm(forms.Form):
    invitation = AskedForModelChoice(
        label="Who gave the score", queryset=Invitation.objects.none(), to_field_name="public_id",
        empty_label="Someone not on the list")
    participant = AskedForChar(label="Their name, if they are not on the list", max_length=200)
    score = forms.IntegerField(
        label="Score", min_value=0, max_value=10, widget=forms.NumberInput(attrs={"class": "govuk-input--width-2"}),
        help_text="0 means the child will certainly be harmed; 10 means the child is safe enough for the case "
                  "to close",
        error_messages={"required": "Enter a score from 0 to 10", "invalid": "The score must be a whole number "
                        "from 0 to 10", "min_value": "The score must be 0 or more",
                        "max_value": "The score must be 10 or less"})
    reason = forms.CharField(label="Why this score", required=False, widget=_textarea(3))

    def __init__(self, *args, invitations=None, **kwargs):
        kwargs["prefix"] = kwargs.get("prefix") or "scaling"  # the record page carries this form too
        super().__init__(*args, **kwargs)
        if invitations is not None:
            self.fields["invitation"].queryset = invitations
        self.fields["invitation"].label_from_instance = lambda i: f"{i.name}, {i.role or i.get_kind_display()}"

    def clean(self):
        data = super().clean()
        if not data.get("invitation") and not (data.get("participant") or "").strip():
            self.add_error("participant", "Choose who gave the score, or enter their name")
        return data

    @property
    def participant_name(self) -> str:
        inv = self.cleaned_data.get("invitation")
        return inv.name if inv else self.cleaned_data.get("participant", "")


# --- holding the conference --------------------------------------------------------------------------
class HoldForm(LateReasonMixin, forms.Form):
    late_label = "Why was the conference held after its due date?"
    held_on = GovukDateField(label="Date the conference was held", label_lower="the date the conference was held")

    def __init__(self, *args, show_override: bool = False, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].help_text = _example_date_hint()
        if show_override:
            self.fields["quorum_override_reason"] = AskedForChar(
                label="Why did the conference go ahead without a quorum?", widget=_textarea(4),
                help_text="The chair may go ahead in exceptional circumstances. Consider an early review.")
        self._late(show_late)


# --- the decision ------------------------------------------------------------------------------------
class DecisionForm(forms.Form):
    """The chair's decision. An initial, pre-birth or transfer-in conference decides plan or no plan;
    a review decides continue or end. The outline plan is a table of actions: blank rows are ignored."""

    outcome = forms.ChoiceField(label="What did the conference decide?", widget=forms.RadioSelect,
                                error_messages={"required": "Choose what the conference decided"})
    category = AskedForChoice(label="Category of abuse or neglect", widget=forms.RadioSelect,
                              choices=category_choices())
    lead_social_worker = AskedForModelChoice(label="Lead social worker", queryset=None, to_field_name="public_id",
                                             empty_label="Choose a social worker")
    core_group = forms.MultipleChoiceField(label="Core group members", widget=forms.CheckboxSelectMultiple,
                                           required=False)
    next_step = AskedForChoice(label="Next step", widget=forms.RadioSelect, choices=NextStep.choices)
    end_reason = AskedForChoice(label="Why is the plan ending?", widget=forms.RadioSelect, choices=EndReason.choices)
    rationale = forms.CharField(label="The conference's reasons", required=False, widget=_textarea(4),
                                help_text="Shown in the minutes under the decision")
    action_rows = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=MIN_ACTION_ROWS,
                                     max_value=MAX_ACTION_ROWS)

    def __init__(self, *args, conference, social_workers, invitations=(), current_category: str = "",
                 rows: int = MIN_ACTION_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_review = not conference.is_initial_kind
        self.rows = max(MIN_ACTION_ROWS, min(rows, MAX_ACTION_ROWS))
        self.fields["action_rows"].initial = self.rows
        self.fields["lead_social_worker"].queryset = social_workers
        self.fields["lead_social_worker"].label_from_instance = lambda u: u.display_name
        if self.is_review:
            self.fields["outcome"].choices = [(o.value, o.label) for o in (Outcome.CONTINUE, Outcome.END)]
            current = Category(current_category).label if current_category else "not recorded"
            self.fields["category"].label = "Category (change it only if the conference decided to)"
            self.fields["category"].help_text = f"The plan's current category is {current}"
            self.fields["lead_social_worker"].label = "Lead social worker (change only if the conference decided to)"
            del self.fields["core_group"]
        else:
            self.fields["outcome"].choices = [(o.value, o.label) for o in (Outcome.PLAN, Outcome.NO_PLAN)]
            self.fields["category"].help_text = "Normally one category, showing the main concern"
            del self.fields["end_reason"]
            self.invitations = {str(i.public_id): i for i in invitations}
            self.fields["core_group"].choices = [
                (str(i.public_id), f"{i.name}, {i.role or i.get_kind_display()}") for i in invitations]
            self.fields["core_group"].help_text = ("The lead social worker is always a member. Add parents, the "
                                                   "child where appropriate, and the professionals in direct "
                                                   "contact with the family.")
        for i in range(self.rows):
            self.fields[f"action_{i}_description"] = AskedForChar(label="What will be done", widget=_textarea(2))
            self.fields[f"action_{i}_owner"] = AskedForChar(label="Who will do it", max_length=200,
                                                            help_text="A person or an agency")
            self.fields[f"action_{i}_due"] = AskedForDate(label="Due by",
                                                          label_lower=f"the date action {i + 1} is due by")

    def action_rows_fields(self):
        """[(number, description, owner, due)] bound fields, for the template's table of actions."""
        return [(i + 1, self[f"action_{i}_description"], self[f"action_{i}_owner"], self[f"action_{i}_due"])
                for i in range(self.rows)]

    def other_fields(self):
        return [f for f in self.visible_fields() if not f.name.startswith("action_")]

    def clean(self):
        data = super().clean()
        actions = []
        for i in range(self.rows):
            desc = (data.get(f"action_{i}_description") or "").strip()
            owner = (data.get(f"action_{i}_owner") or "").strip()
            due = data.get(f"action_{i}_due")
            if f"action_{i}_due" in self.errors:
                continue
            if not (desc or owner or due):
                continue  # a blank row
            if not desc:
                self.add_error(f"action_{i}_description", f"Action {i + 1}: enter what will be done")
            if not owner:
                self.add_error(f"action_{i}_owner", f"Action {i + 1}: enter who will do it")
            if not due:
                self.add_error(f"action_{i}_due", f"Action {i + 1}: enter the date it is due by")
            if desc and owner and due:
                actions.append((desc, owner, due))
        data["actions"] = actions
        return data

    def chosen_invitations(self) -> list[Invitation]:
        if self.is_review:
            return []
        return [self.invitations[pid] for pid in self.cleaned_data.get("core_group", []) if pid in self.invitations]


# --- minutes ---------------------------------------------------------------------------------------
class MinutesForm(forms.Form):
    """Each section of a draft: its text and whether it is left out of the family copy."""

    def __init__(self, *args, sections: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.source_sections = sections
        for i, s in enumerate(sections):
            heading = s.get("heading") or f"Section {i + 1}"
            self.fields[f"body_{i}"] = AskedForChar(label=heading, strip=False, widget=_textarea(6),
                                                    initial=s.get("body", ""))
            self.fields[f"confidential_{i}"] = forms.BooleanField(
                label=f"Confidential: leave ‘{heading}’ out of the family copy", required=False,
                initial=bool(s.get("confidential")))

    def rows(self):
        return [(s, self[f"body_{i}"], self[f"confidential_{i}"]) for i, s in enumerate(self.source_sections)]

    def sections(self) -> list[dict]:
        return [{"key": s.get("key", ""), "heading": s.get("heading", ""),
                 "body": normalise_newlines(self.cleaned_data.get(f"body_{i}") or "").strip(),
                 "confidential": bool(self.cleaned_data.get(f"confidential_{i}"))}
                for i, s in enumerate(self.source_sections)]


class MinutesReviseForm(forms.Form):
    reason = forms.CharField(label="Why do the signed minutes need changing?", widget=_textarea(3),
                             help_text="Kept with the new version. The signed version and its PDFs stay as they "
                                       "were.",
                             error_messages={"required": "Say why the signed minutes need changing"})


class ConfirmForm(forms.Form):
    """A confirmation step: nothing to fill in."""


# --- documents -------------------------------------------------------------------------------------
DISTRIBUTABLE_KINDS = [(Document.Kind.MINUTES.value, Document.Kind.MINUTES.label),
                       (Document.Kind.DECISION_LETTER.value, Document.Kind.DECISION_LETTER.label)]


class DistributeForm(LateReasonMixin, forms.Form):
    late_label = "Why was this sent after its due date?"
    kind = forms.ChoiceField(label="Which document are you sending?", widget=forms.RadioSelect,
                             choices=DISTRIBUTABLE_KINDS, error_messages={"required": "Choose the document"})
    recipients = forms.MultipleChoiceField(
        label="Who is it sent to?", widget=forms.CheckboxSelectMultiple,
        help_text="Parents, the child and other family members always get the family copy, from which confidential "
                  "and third-party sections are left out. Professionals get the professional copy.",
        error_messages={"required": "Choose who the document is sent to"})
    method = forms.ChoiceField(label="How was it sent?", widget=forms.RadioSelect, choices=Distribution.Method.choices,
                               error_messages={"required": "Choose how it was sent"})
    sent_on = GovukDateField(label="Date sent", label_lower="the date it was sent")

    def __init__(self, *args, invitations=(), show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitations = {str(i.public_id): i for i in invitations}
        self.fields["recipients"].choices = [
            (str(i.public_id), f"{i.name}, {i.role or i.get_kind_display()}: "
                               f"{'family copy' if i.is_family else 'professional copy'}")
            for i in invitations]
        self.fields["sent_on"].help_text = _example_date_hint()
        self._late(show_late)

    def chosen_invitations(self) -> list[Invitation]:
        return [self.invitations[pid] for pid in self.cleaned_data.get("recipients", []) if pid in self.invitations]


# --- the plan --------------------------------------------------------------------------------------
class CoreGroupMeetingForm(LateReasonMixin, forms.Form):
    late_label = "Why was the first core group meeting held after its due date?"
    held_on = GovukDateField(label="Date of the meeting", label_lower="the date of the meeting")
    attendees = forms.MultipleChoiceField(label="Who attended?", widget=forms.CheckboxSelectMultiple, required=False)
    progress = forms.CharField(label="Progress on the plan's actions", widget=_textarea(6),
                               error_messages={"required": "Record the progress on the plan's actions"})
    next_meeting_on = GovukDateField(label="Date of the next meeting", required=False,
                                     label_lower="the date of the next meeting")

    def __init__(self, *args, members=(), show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(m.public_id): m for m in members}
        self.fields["attendees"].choices = [(pid, str(m)) for pid, m in self.members.items()]
        self.fields["held_on"].help_text = _example_date_hint()
        self._late(show_late)

    def attendee_ids(self) -> list[int]:
        return [self.members[pid].pk for pid in self.cleaned_data.get("attendees", []) if pid in self.members]


class CoreGroupMemberForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the member's name"})
    role = forms.CharField(label="Role", max_length=200, required=False,
                           help_text="For example mother, health visitor, designated safeguarding lead")


class PlanActionForm(forms.Form):
    description = forms.CharField(label="What will be done", widget=_textarea(3),
                                  error_messages={"required": "Enter what will be done"})
    owner_name = forms.CharField(label="Who will do it", max_length=200, help_text="A person or an agency",
                                 error_messages={"required": "Enter who will do it"})
    due_date = GovukDateField(label="Due by", label_lower="the date it is due by")


class PlanActionUpdateForm(forms.Form):
    progress = forms.ChoiceField(label="Progress", widget=forms.RadioSelect, choices=PlanAction.Progress.choices,
                                 error_messages={"required": "Choose the progress"})
    note = forms.CharField(label="Note", required=False, widget=_textarea(3),
                           help_text="What has been done, or what is in the way")


class MidwayAuditForm(forms.Form):
    audited_on = GovukDateField(label="Date of the audit", label_lower="the date of the audit")
    progress = forms.CharField(label="Progress you found", widget=_textarea(5),
                               error_messages={"required": "Record the progress you found"})
    concerns = forms.CharField(label="Concerns", required=False, widget=_textarea(4))
    escalation_raised = forms.TypedChoiceField(
        label="Did you raise an escalation?", widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("no", "No"), ("yes", "Yes")], error_messages={"required": "Say whether you raised an escalation"})
    escalation_detail = AskedForChar(label="What did you escalate, and to whom?", widget=_textarea(3),
                                     help_text="Only if you raised an escalation")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audited_on"].help_text = _example_date_hint()
