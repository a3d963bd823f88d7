"""Forms for the review pages. Input only: the rules live in ``reviews.services``, whose ValidationErrors come
back onto these forms (``safeguarding.forms.apply_service_errors``). People and agencies chosen on a form are
offered from lists the view has already worked out, and posted by their public id, never a database id."""

from __future__ import annotations

import hashlib

from django import forms
from django.utils import timezone

from safeguarding.forms import GovukDateField

from ..codes import ParticipationCode
from ..models import ChildConsultation, ReviewDecision, ReviewRecord
from ..rules import VOICE_ANSWER_MAX

SOMEONE_ELSE = "someone-else"


def _textarea(rows: int = 4, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


def example_date_hint() -> str:
    today = timezone.localdate()
    return f"For example, {today.day} {today.month} {today.year}"


def normalise_newlines(text: str) -> str:
    """Browsers post textareas with CRLF; fetch sends what the textarea holds (LF). One form for both."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class AskedForChar(forms.CharField):
    """A text the service asks for only in some cases (a late reason, why a decision is no longer needed):
    shown without "(optional)", left empty without a form error; the service says when it is missing."""

    def __init__(self, *args, **kwargs):
        kwargs["required"] = True
        super().__init__(*args, **kwargs)

    def validate(self, value):
        return


class AskedForDate(GovukDateField):
    """A date the service asks for only in some cases (the day a decision was done)."""

    def __init__(self, *args, **kwargs):
        kwargs["required"] = True
        super().__init__(*args, **kwargs)

    def clean(self, value):
        if not any(str(v or "").strip() for v in (value or [])):
            return None
        return super().clean(value)


class LateReasonMixin:
    """A ``late_reason`` field, shown when the deadline is past or the service asks for it."""

    def _late(self, show_late: bool, label: str = "Why is this late?") -> None:
        if show_late:
            self.fields["late_reason"] = AskedForChar(
                label=label, widget=_textarea(3), help_text="It is past its due date. Say why, for the record and "
                                                            "for managers.")


class ConfirmForm(forms.Form):
    """A confirmation step: nothing to fill in."""


# --- running the review ------------------------------------------------------------------------------------
class SessionForm(forms.Form):
    held_on = GovukDateField(label="Date of the session", label_lower="the date of the session")
    notes = forms.CharField(label="Notes about the session", required=False, widget=_textarea(3),
                            help_text="Who was there, and where (for example, the IRO saw the child at school)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].help_text = example_date_hint()


class HoldForm(LateReasonMixin, forms.Form):
    participation = forms.ChoiceField(label="How did the child take part?", widget=forms.RadioSelect,
                                      error_messages={"required": "Choose how the child took part"})
    held_on = GovukDateField(label="Date of the last session", label_lower="the date of the last session",
                             required=False)

    def __init__(self, *args, codes: list[str], has_sessions: bool, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participation"].choices = [(c, ParticipationCode(c).label) for c in codes]
        self.fields["participation"].help_text = "The SSDA903 participation code"
        if has_sessions:
            del self.fields["held_on"]
        else:
            self.fields["held_on"].required = True
            self.fields["held_on"].label = "Date of the review"
            self.fields["held_on"].label_lower = "the date of the review"
            self.fields["held_on"].help_text = example_date_hint()
        self._late(show_late, "Why was the review held late?")


# --- the record, written live ------------------------------------------------------------------------------
def revision_field_name(section: str) -> str:
    return f"{section}_revision"


def loaded_field_name(section: str) -> str:
    return f"{section}_loaded"


def text_digest(text: str) -> str:
    """Fingerprint of a section's text as the page showed it: a section posted unchanged is not saved."""
    return hashlib.sha256(normalise_newlines(text).encode()).hexdigest()


# The record page's groups: heading, sections, hint
RECORD_GROUPS = (
    ("The child's wishes and feelings", ("child_wishes",),
     "In the child's own words where you can: what they said, wrote or showed, and how"),
    ("Views of parents, carers and others", ("views_of_others",),
     "Parents, carers, the school, health, the advocate and anyone else who gave a view"),
    ("The IRO's assessment of the care plan", ReviewRecord.ASSESSMENT,
     "Is the plan meeting the child's needs? What is working, and what is not?"),
    ("What you want to say to the child", ("letter_to_child",),
     "It goes into the letter to the child, written to them in plain words"),
)


class RecordForm(forms.Form):
    """The whole record in one post, for browsers without JavaScript: each section's text, the revision it
    was loaded at and a fingerprint of the text as loaded (only the sections changed are saved)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in ReviewRecord.SECTIONS:
            self.fields[name] = forms.CharField(label=label, required=False, strip=False, widget=_textarea(6))
            self.fields[revision_field_name(name)] = forms.IntegerField(min_value=0, required=False,
                                                                        widget=forms.HiddenInput)
            self.fields[loaded_field_name(name)] = forms.CharField(required=False, widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, record: ReviewRecord | None) -> dict:
        out = {}
        for name in ReviewRecord.section_names():
            text = getattr(record, name) if record else ""
            out[name] = text
            out[revision_field_name(name)] = int((record.revisions if record else {}).get(name, 0))
            out[loaded_field_name(name)] = text_digest(text)
        return out

    def sections(self) -> list[tuple[str, str, int, bool]]:
        """(name, text, base revision, changed on the page) for every section."""
        out = []
        for name in ReviewRecord.section_names():
            text = normalise_newlines(self.cleaned_data.get(name) or "")
            base = self.cleaned_data.get(revision_field_name(name)) or 0
            changed = text_digest(text) != (self.cleaned_data.get(loaded_field_name(name)) or "")
            out.append((name, text, base, changed))
        return out

    def groups(self, conflicts: dict | None = None) -> list[dict]:
        conflicts = conflicts or {}
        labels = dict(ReviewRecord.SECTIONS)
        groups = []
        for heading, names, hint in RECORD_GROUPS:
            sections = []
            for name in names:
                try:
                    rev = int(self[revision_field_name(name)].value() or 0)
                except (TypeError, ValueError):
                    rev = 0
                sections.append({"name": name, "label": labels[name], "field": self[name], "revision": rev,
                                 "loaded": self[loaded_field_name(name)].value() or "",
                                 "conflict": conflicts.get(name)})
            groups.append({"heading": heading, "sections": sections, "hint": hint, "single": len(names) == 1})
        return groups

    def note_conflicts(self, conflicts) -> None:
        labels = dict(ReviewRecord.SECTIONS)
        for name in conflicts:
            self.add_error(name, f"Someone else saved ‘{labels[name]}’ while you were writing. Their text is shown "
                                 "below the box and yours is still in it: combine them and save again.")


class RecordSaveForm(forms.Form):
    """One section from the autosave script."""

    section = forms.ChoiceField(choices=ReviewRecord.SECTIONS)
    text = forms.CharField(required=False, strip=False)
    base_revision = forms.IntegerField(min_value=0)


# --- decisions ---------------------------------------------------------------------------------------------
class DecisionForm(forms.Form):
    description = forms.CharField(label="What is to be done", widget=_textarea(3),
                                  error_messages={"required": "Enter what is to be done"})
    owner = forms.ChoiceField(label="Who will do it", widget=forms.RadioSelect,
                              error_messages={"required": "Choose who will do it"})
    owner_name = AskedForChar(label="Who will do it, if someone else", max_length=200,
                              help_text="A person or an agency, for example the foster carers")
    due_date = GovukDateField(label="Due by", label_lower="the date it is due by")
    child_words = forms.CharField(label="The same in plain words, for the child's letter", required=False,
                                  widget=_textarea(2),
                                  help_text="Written to the child, for example: Your social worker will ask the "
                                            "school about a tutor. Leave it empty to use the words above.")

    def __init__(self, *args, people=(), agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {f"person:{u.public_id}": u for u in people}
        self.agencies = {f"agency:{a.public_id}": a for a in agencies}
        self.fields["owner"].choices = (
            [(key, u.display_name) for key, u in self.people.items()]
            + [(key, a.name) for key, a in self.agencies.items()]
            + [(SOMEONE_ELSE, "Someone else")])
        self.fields["due_date"].help_text = example_date_hint()

    def chosen(self) -> dict:
        """The service's owner arguments for the choice made."""
        key = self.cleaned_data.get("owner")
        return {"owner": self.people.get(key), "owner_agency": self.agencies.get(key),
                "owner_name": self.cleaned_data.get("owner_name", "") if key == SOMEONE_ELSE else ""}


class DecisionUpdateForm(forms.Form):
    status = forms.ChoiceField(label="What has happened?", widget=forms.RadioSelect,
                               error_messages={"required": "Choose what has happened"})
    done_on = AskedForDate(label="Date it was done", label_lower="the date it was done",
                           help_text="Only if it is done")
    note = forms.CharField(label="Note", required=False, widget=_textarea(3),
                           help_text="What has been done or what is in the way; or why it is no longer needed")

    def __init__(self, *args, may_drop: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(ReviewDecision.Status.OPEN, "Still open: note the progress"),
                   (ReviewDecision.Status.DONE, "Done")]
        if may_drop:
            choices.append((ReviewDecision.Status.DROPPED, "No longer needed"))
        self.fields["status"].choices = choices


class CirculateForm(LateReasonMixin, forms.Form):
    circulated_on = GovukDateField(label="Date the decisions were sent", label_lower="the date the decisions were sent")

    def __init__(self, *args, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["circulated_on"].help_text = example_date_hint()
        self._late(show_late, "Why were the decisions sent late?")


class SignForm(LateReasonMixin, forms.Form):
    contact_for_child = forms.CharField(
        label="How can the child reach you?", max_length=300, required=False,
        help_text="It goes into the letter to the child, for example a phone number. Leave it empty to give your "
                  "email address.")

    def __init__(self, *args, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._late(show_late, "Why is the record late?")


class RatifyForm(LateReasonMixin, forms.Form):
    ratification = forms.ChoiceField(label="Do you ratify the record?", widget=forms.RadioSelect,
                                     choices=[(ReviewRecord.Ratification.RATIFIED, "Yes, I ratify it"),
                                              (ReviewRecord.Ratification.RESPONDED,
                                               "No: I do not agree with everything in it")],
                                     error_messages={"required": "Choose whether you ratify the record"})
    response = AskedForChar(label="What do you not agree with, and why?", widget=_textarea(4),
                            help_text="Only if you do not agree with everything. The IRO is told.")

    def __init__(self, *args, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._late(show_late, "Why is your answer late?")


# --- preparing for the review ----------------------------------------------------------------------------------
class ContactForm(LateReasonMixin, forms.Form):
    contacted_on = GovukDateField(label="Date you spoke to the IRO", label_lower="the date you spoke to the IRO")

    def __init__(self, *args, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacted_on"].help_text = example_date_hint()
        self._late(show_late)


class PaperForm(LateReasonMixin, forms.Form):
    received_on = GovukDateField(label="Date the IRO had it", label_lower="the date the IRO had it")

    def __init__(self, *args, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].help_text = example_date_hint()
        self._late(show_late)


# --- the child's own voice -----------------------------------------------------------------------------------
class ChildLinkForm(forms.Form):
    for_advocate = forms.TypedChoiceField(
        label="Who will open the link?", widget=forms.RadioSelect, coerce=lambda v: v == "advocate",
        choices=[("child", "The child, on their own phone or a carer's"),
                 ("advocate", "The child's advocate, with the child")],
        error_messages={"required": "Choose who will open the link"})


def _voice_text(label: str, hint: str = "") -> forms.CharField:
    return forms.CharField(label=label, help_text=hint, required=False, strip=False,
                           max_length=VOICE_ANSWER_MAX, widget=_textarea(3, spellcheck="true"),
                           error_messages={"max_length": f"Write less than {VOICE_ANSWER_MAX} letters here"})


class VoiceForm(forms.Form):
    """The child's form, in plain words. Every answer may be left empty."""

    home = _voice_text("How are things where you live?", "What is good, and what is not so good?")
    school = _voice_text("How is school or college?")
    family = _voice_text("How do you feel about seeing your family and friends?")
    to_decide = _voice_text("What do you want your review to decide?")
    who_comes = _voice_text("Who do you want at your review?")
    where = _voice_text("Where would you like your review to be?", "For example, at home, at school or online")
    advocate = forms.ChoiceField(
        label="Would you like an advocate?", required=False, widget=forms.RadioSelect,
        choices=ChildConsultation.Advocate.choices,
        help_text="An advocate is someone on your side who helps you say what you think.")
    take_part = forms.ChoiceField(label="How do you want to take part in your review?", required=False,
                                  widget=forms.RadioSelect, choices=ChildConsultation.TakePart.choices)
    feel_safe = forms.ChoiceField(label="Do you feel safe where you live?", required=False, widget=forms.RadioSelect,
                                  choices=ChildConsultation.Safe.choices)
    anything_else = _voice_text("Is there anything else you want to tell your IRO?")

    def answers(self) -> dict:
        return {name: (normalise_newlines(v) if isinstance(v, str) else v) for name, v in self.cleaned_data.items()}
