"""Forms for the pages between reviews (ADR 14): the IRO's contacts and mid-point checks, the social worker's
visits, the quality assurance of the care plan and its answer, and the dispute's steps. Input only: the rules
are the services' (``reviews.services.monitoring``, ``quality``, ``disputes``), whose ValidationErrors come
back onto these forms. People are offered from lists the view has worked out and posted by their public id."""

from __future__ import annotations

from django import forms

from safeguarding.forms import GovukDateField

from ..models import Dispute, MonitoringContact
from ..models.monitoring import STAGE_NAMES, STAGE_WHO, Grade
from ..services.quality import comment_field, grade_field
from .forms import SOMEONE_ELSE, AskedForChar, LateReasonMixin, _textarea, example_date_hint


class ContactForm(LateReasonMixin, forms.Form):
    kind = forms.ChoiceField(label="What was it?", widget=forms.RadioSelect, choices=MonitoringContact.Kind.choices,
                             error_messages={"required": "Choose what kind of contact it was"})
    contacted_on = GovukDateField(label="Date", label_lower="the date of the contact")
    who = forms.CharField(label="Who did you see or speak to?", max_length=200,
                          help_text="For example: the child, and their foster carer",
                          error_messages={"required": "Enter who you saw or spoke to"})
    summary = forms.CharField(label="What did you find?", widget=_textarea(5),
                              help_text="For a mid-point check: is the plan on track, are the review's decisions done?",
                              error_messages={"required": "Say what you found"})

    def __init__(self, *args, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacted_on"].help_text = example_date_hint()
        self._late(show_late, "Why is the mid-point check late?")


class VisitForm(LateReasonMixin, forms.Form):
    visited_on = GovukDateField(label="Date of the visit", label_lower="the date of the visit")
    seen_alone = forms.BooleanField(label="I saw the child on their own", required=False)
    notes = forms.CharField(label="Notes", required=False, widget=_textarea(3),
                            help_text="Where you saw the child, anything the IRO should know")

    def __init__(self, *args, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].help_text = example_date_hint()
        self._late(show_late, "Why was the visit late?")


class QAForm(LateReasonMixin, forms.Form):
    """A grade and a comment for each criterion (``criteria``: (name, label, question)), then the feedback."""

    feedback = forms.CharField(label="Your feedback to the social worker and their team manager",
                               widget=_textarea(5),
                               help_text="What must change for the child, and by when. They are told, and answer "
                                         "you here.",
                               error_messages={"required": "Write your feedback to the social worker and their "
                                                           "team manager"})

    def __init__(self, *args, criteria, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        feedback = self.fields.pop("feedback")
        for name, label, question in criteria:
            self.fields[grade_field(name)] = forms.ChoiceField(
                label=f"{label}: your judgement", widget=forms.RadioSelect, choices=Grade.choices, help_text=question,
                error_messages={"required": f"Choose your judgement of {label[0].lower()}{label[1:]}"})
            self.fields[comment_field(name)] = forms.CharField(
                label=f"{label}: what you found", widget=_textarea(3),
                error_messages={"required": f"Say what you found about {label[0].lower()}{label[1:]}"})
        self.fields["feedback"] = feedback
        self._late(show_late, "Why is the mid-point check late?")

    def groups(self) -> list[tuple[str, object, object]]:
        """(label, grade field, comment field) for each criterion, in order."""
        return [(label, self[grade_field(name)], self[comment_field(name)]) for name, label, _q in self.criteria]

    def judgements(self) -> dict[str, tuple[str, str]]:
        d = self.cleaned_data
        return {name: (d.get(grade_field(name), ""), d.get(comment_field(name), "")) for name, _l, _q in self.criteria}


class AnswerForm(LateReasonMixin, forms.Form):
    response = forms.CharField(label="Your answer to the IRO", widget=_textarea(5),
                               error_messages={"required": "Write your answer to the IRO"})

    def __init__(self, *args, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._late(show_late, "Why is your answer late?")


class _RaisedWithMixin:
    """Who the stage is raised with: one of ``people`` (the child's social worker, a manager of their team), or
    someone named in words."""

    def _people(self, people) -> None:
        self.people = {f"person:{u.public_id}": u for u in people}
        self.fields["raised_with"].choices = ([(key, u.display_name) for key, u in self.people.items()]
                                              + [(SOMEONE_ELSE, "Someone else")])

    def chosen(self) -> dict:
        key = self.cleaned_data.get("raised_with")
        return {"raised_with": self.people.get(key),
                "raised_with_name": self.cleaned_data.get("raised_with_name", "") if key == SOMEONE_ELSE else ""}


def _raised_with() -> forms.ChoiceField:
    return forms.ChoiceField(label="Who are you raising it with?", widget=forms.RadioSelect,
                             error_messages={"required": "Choose who you are raising it with"})


def _raised_with_name() -> AskedForChar:
    return AskedForChar(label="Their name and role, if someone else", max_length=200,
                        help_text="For example: Sam Jones, service manager")


class DisputeForm(_RaisedWithMixin, forms.Form):
    category = forms.ChoiceField(label="What is the concern about?", widget=forms.RadioSelect,
                                 choices=Dispute.Category.choices,
                                 error_messages={"required": "Choose what the concern is about"})
    concern = forms.CharField(label="What are you worried about?", widget=_textarea(5),
                              help_text="What it means for the child", error_messages={"required": "Say what you "
                                                                                                   "are worried about"})
    wanted = forms.CharField(label="What do you want to happen, and by when?", widget=_textarea(3),
                             error_messages={"required": "Say what you want to happen"})
    raised_with = _raised_with()
    raised_with_name = _raised_with_name()
    stage = forms.TypedChoiceField(label="How are you raising it?", widget=forms.RadioSelect, coerce=int,
                                   error_messages={"required": "Choose the stage to raise it at"})
    skip_reason = AskedForChar(label="Why are you not starting with an informal alert?", widget=_textarea(2),
                               help_text="Only if you start at a formal stage")
    raised_on = GovukDateField(label="Date you raised it", label_lower="the date you raised it")

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._people(people)
        self.fields["stage"].choices = [(n, f"{name} ({STAGE_WHO[n].lower()})") for n, name in STAGE_NAMES.items()]
        self.fields["raised_on"].help_text = example_date_hint()


class EscalateForm(_RaisedWithMixin, forms.Form):
    to_stage = forms.TypedChoiceField(label="Which stage?", widget=forms.RadioSelect, coerce=int,
                                      error_messages={"required": "Choose the stage"})
    raised_with = _raised_with()
    raised_with_name = _raised_with_name()
    skip_reason = AskedForChar(label="Why are you skipping the stages between?", widget=_textarea(2),
                               help_text="Only if you skip a stage")
    started_on = GovukDateField(label="Date you raised it", label_lower="the date you raised it")

    def __init__(self, *args, people=(), after: int, **kwargs):
        super().__init__(*args, **kwargs)
        self._people(people)
        self.fields["to_stage"].choices = [(n, f"{name} ({STAGE_WHO[n].lower()})") for n, name in STAGE_NAMES.items()
                                           if n > after]
        self.fields["started_on"].help_text = example_date_hint()


class DisputeAnswerForm(LateReasonMixin, forms.Form):
    response = forms.CharField(label="The answer", widget=_textarea(5), error_messages={"required": "Write the answer"})
    responder_name = forms.CharField(label="Who gave the answer?", max_length=200,
                                     help_text="Their name and role, for example: Tess Manager, team manager",
                                     error_messages={"required": "Enter who gave the answer"})
    responded_on = GovukDateField(label="Date of the answer", label_lower="the date of the answer")

    def __init__(self, *args, on_behalf: bool, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not on_behalf:  # the social worker or team manager answers in their own name, today
            del self.fields["responder_name"], self.fields["responded_on"]
            self.fields["response"].label = "Your answer to the IRO"
        else:
            self.fields["responded_on"].help_text = example_date_hint()
        self._late(show_late, "Why is the answer late?")


class CafcassForm(forms.Form):
    referred_on = GovukDateField(label="Date of the referral", label_lower="the date of the referral")
    reason = forms.CharField(label="Why are you referring the child's case to Cafcass?", widget=_textarea(4),
                             error_messages={"required": "Say why you are referring the case to Cafcass"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referred_on"].help_text = example_date_hint()


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label="How did it end?", widget=forms.RadioSelect,
                                error_messages={"required": "Choose the outcome"})
    note = forms.CharField(label="What was agreed, or why it ended", widget=_textarea(4),
                           error_messages={"required": "Say how it ended"})
    closed_on = GovukDateField(label="Date it ended", label_lower="the date it ended")

    def __init__(self, *args, referred: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(v, label) for v, label in Dispute.Outcome.choices
                                          if referred or v != Dispute.Outcome.CAFCASS]
        self.fields["closed_on"].help_text = example_date_hint()


class PeriodForm(forms.Form):
    """The period the quality assurance themes count (a GET form)."""

    start = GovukDateField(label="From", label_lower="the first day")
    end = GovukDateField(label="To", label_lower="the last day")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The last day must be on or after the first day")
        return data


class RegisterFilterForm(forms.Form):
    show = forms.ChoiceField(label="Show", required=False, widget=forms.RadioSelect,
                             choices=[("open", "Open disputes"), ("closed", "Closed disputes"), ("all", "All")])


__all__ = ["AnswerForm", "CafcassForm", "CloseForm", "ContactForm", "DisputeAnswerForm", "DisputeForm",
           "EscalateForm", "PeriodForm", "QAForm", "RegisterFilterForm", "VisitForm"]
