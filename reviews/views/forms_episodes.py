"""Forms for the period-of-care pages (becoming looked after, placements, legal status, plans, the end), the IRO's
allocation and booking the reviews. Input only: the rules live in ``reviews.services``, whose ValidationErrors
come back onto these forms. SSDA903 codes are offered with their plain-language labels (``reviews.codes``);
people are posted by their public id, never a database id."""

from __future__ import annotations

from django import forms

from safeguarding.forms import GovukDateField

from ..codes import (
    PERIOD_END_REASONS,
    SHORT_BREAKS,
    CategoryOfNeed,
    LegalStatus,
    PlacementProvider,
    PlacementType,
    ReasonPlaceChange,
)
from ..models import EarlyReviewTrigger, PermanencePlan, Plan
from .forms import AskedForChar, LateReasonMixin, _textarea, example_date_hint


def _date(label: str, lower: str, **kwargs) -> GovukDateField:
    field = GovukDateField(label=label, label_lower=lower, **kwargs)
    return field


def _select(label: str, choices, blank: str, required: str, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[("", blank), *choices], error_messages={
        "required": required, "invalid_choice": required}, **kwargs)


def _radios(label: str, choices, required: str, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, error_messages={
        "required": required, "invalid_choice": required}, **kwargs)


# The legal statuses a period of care is recorded with here: short breaks (V3, V4) have their own review regime
# (reg 48), not kept yet, and the service refuses them.
LEGAL_STATUSES = [(c.value, c.label) for c in LegalStatus if c not in SHORT_BREAKS]
LEGAL_STATUS_HINT = "Short breaks (V3, V4) are not recorded here yet: their reviews follow reg 48"


class AskedForChoice(forms.ChoiceField):
    """A choice the service asks for only in some cases (the permanence plan of a care plan): shown without
    "(optional)", left empty without a form error; the service says when it is missing."""

    def __init__(self, *args, **kwargs):
        kwargs["required"] = True
        super().__init__(*args, **kwargs)

    def validate(self, value):
        if value:
            super().validate(value)


class ChildReferenceMixin:
    """The looked-after parent, by their child ID (the view finds the record among those the person may open)."""

    def _parent(self) -> None:
        self.fields["parent_reference"] = forms.CharField(
            label="If one of the child's parents is looked after too: the parent's child ID", max_length=30,
            required=False, help_text="A parent and child who are both looked after have different IROs",
            widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}))


class PlacementFieldsForm(forms.Form):
    """Where the child lives: the SSDA903 placement type and provider, with the carers or home, the postcode and
    the Ofsted URN."""

    placement_type = _select("Placement type", PlacementType.choices, "Choose the placement type",
                             "Choose the placement type", help_text="SSDA903 PLACE")
    provider = _radios("Who provides the placement", PlacementProvider.choices, "Choose who provides the placement",
                       help_text="SSDA903 PLACE_PROVIDER")
    provider_name = forms.CharField(label="The carers, the home or the provider", max_length=200, required=False,
                                    help_text="As the service knows them, for example Sam and Alex Carter")
    postcode = forms.CharField(label="Postcode of the placement", max_length=10, required=False,
                               widget=forms.TextInput(attrs={"class": "govuk-input--width-10",
                                                             "autocomplete": "off", "spellcheck": "false"}))
    urn = forms.CharField(label="Ofsted unique reference number (URN)", max_length=10, required=False,
                          help_text="For a registered children's home or provider, like SC123456",
                          widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}))


class EpisodeOpenForm(ChildReferenceMixin, PlacementFieldsForm):
    """The child became looked after: the period of care with its legal status and first placement."""

    start_date = _date("Date the child became looked after", "the date the child became looked after")
    legal_status = _select("Legal status", LEGAL_STATUSES, "Choose the legal status", "Choose the legal status",
                           help_text=LEGAL_STATUS_HINT)
    category_of_need = _radios("Category of need", CategoryOfNeed.choices, "Choose the category of need",
                               help_text="SSDA903 CIN: the main reason the child is looked after")
    home_postcode = forms.CharField(label="Postcode of the home the child was taken from", max_length=10,
                                    required=False,
                                    widget=forms.TextInput(attrs={"class": "govuk-input--width-10",
                                                                  "autocomplete": "off", "spellcheck": "false"}))

    ORDER = ("start_date", "legal_status", "category_of_need", "home_postcode", "placement_type", "provider",
             "provider_name", "postcode", "urn", "parent_reference")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_date"].help_text = example_date_hint()
        self._parent()
        self.order_fields(self.ORDER)


class EpisodeEditForm(ChildReferenceMixin, forms.Form):
    """Correcting the period's details (history keeps the old values and why)."""

    category_of_need = _radios("Category of need", CategoryOfNeed.choices, "Choose the category of need")
    home_postcode = forms.CharField(label="Postcode of the home the child was taken from", max_length=10,
                                    required=False,
                                    widget=forms.TextInput(attrs={"class": "govuk-input--width-10",
                                                                  "autocomplete": "off", "spellcheck": "false"}))
    reason = AskedForChar(label="Why are the details changing?", widget=_textarea(3),
                          help_text="For example, the category of need was recorded wrongly")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._parent()
        self.fields["parent_reference"].help_text += ". Leave it empty if neither parent is looked after"
        self.order_fields(["category_of_need", "home_postcode", "parent_reference", "reason"])


class PlacementChangeForm(PlacementFieldsForm):
    """The child moved (or the placement changed with the same carers): the new placement, why the old one
    ended, and whether to ask for an early review (reg 33(3): a change of placement is first considered at a
    review, reg 32(2))."""

    start_date = _date("Date of the move", "the date of the move")
    change_reason = _select("Why did the current placement end?", ReasonPlaceChange.choices, "Choose a reason",
                            "Choose the reason for the change of placement", help_text="SSDA903 REASON_PLACE_CHANGE")
    same_carer = forms.BooleanField(
        label="The child stays with the same carers (only the placement changes)", required=False,
        help_text="For example, the carers were approved as the child's adopters (SSDA903 RNE T rather than P)")
    early_review = forms.BooleanField(label="Ask for an early review of the child's case", required=False,
                                      help_text="The IRO is told. The review considers the move (reg 32(2))")
    early_review_reason = AskedForChar(label="What should the early review consider?", widget=_textarea(3),
                                       help_text="Only if you ask for an early review")

    ORDER = ("start_date", "change_reason", "placement_type", "provider", "provider_name", "postcode", "urn",
             "same_carer", "early_review", "early_review_reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_date"].help_text = example_date_hint()
        self.fields["placement_type"].label = "New placement type"
        self.order_fields(self.ORDER)

    def clean(self):
        data = super().clean()
        if data.get("early_review") and not (data.get("early_review_reason") or "").strip():
            self.add_error("early_review_reason", "Say what the early review should consider")
        if not data.get("early_review"):
            data["early_review_reason"] = ""
        return data


class LegalStatusForm(forms.Form):
    start_date = _date("Date of the new legal status", "the date of the new legal status")
    legal_status = _select("New legal status", LEGAL_STATUSES, "Choose the legal status", "Choose the legal status",
                           help_text=LEGAL_STATUS_HINT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_date"].help_text = example_date_hint()


class PlanForm(forms.Form):
    kind = _radios("Which plan?", (), "Choose the plan")
    dated = _date("Date of this version", "the date of this version")
    permanence_plan = AskedForChoice(label="Permanence plan", choices=PermanencePlan.choices, widget=forms.RadioSelect,
                                     help_text="For the care plan only")
    summary = forms.CharField(label="Summary of what has changed", required=False, widget=_textarea(4))

    def __init__(self, *args, pathway: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, label) for k, label in Plan.Kind.choices
                                       if pathway or k != Plan.Kind.PATHWAY_PLAN]
        self.fields["dated"].help_text = example_date_hint()


class EpisodeEndForm(forms.Form):
    end_date = _date("Date the child stopped being looked after", "the date the child stopped being looked after")
    reason = _select("Why did the child stop being looked after?", [(c.value, c.label) for c in PERIOD_END_REASONS],
                     "Choose a reason", "Choose why the child stopped being looked after",
                     help_text="SSDA903 REC")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].help_text = example_date_hint()


# --- the IRO ----------------------------------------------------------------------------------------------------
class AllocateForm(LateReasonMixin, forms.Form):
    """The IRO, chosen from the officers the page offers (``officers``: IroSuggestion rows, in their order)."""

    iro = _radios("Who will be the child's IRO?", (), "Choose the IRO")
    start_date = _date("Date of the appointment", "the date of the appointment")
    reason = AskedForChar(label="Why is the child's IRO changing?", widget=_textarea(3),
                          help_text="For example, caseloads were rebalanced, or the child asked for a new IRO")

    def __init__(self, *args, officers=(), changing: bool = False, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.officers = {str(s.officer.public_id): s for s in officers}
        self.fields["iro"].choices = [(key, s.officer.display_name) for key, s in self.officers.items()]
        self.fields["start_date"].help_text = example_date_hint()
        if not changing:
            del self.fields["reason"]
        self._late(show_late, "Why is the IRO appointed late?")

    def chosen(self):
        suggestion = self.officers.get(self.cleaned_data.get("iro"))
        return suggestion.officer if suggestion else None


# --- the review cycle -------------------------------------------------------------------------------------------
class BookForm(LateReasonMixin, forms.Form):
    planned_for = _date("Date of the review", "the date of the review")

    def __init__(self, *args, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_for"].help_text = example_date_hint()
        self._late(show_late, "Why can the review not be held by the date it is due?")


class MoveForm(LateReasonMixin, forms.Form):
    planned_for = _date("New date of the review", "the new date of the review")
    reason = forms.CharField(label="Why is the review moving?", widget=_textarea(3),
                             error_messages={"required": "Say why the review is moving"})

    def __init__(self, *args, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_for"].help_text = example_date_hint()
        self._late(show_late, "Why can the review not be held by the date it is due?")


class CancelForm(forms.Form):
    reason = forms.CharField(label="Why is the review cancelled?", widget=_textarea(3),
                             error_messages={"required": "Say why the review is cancelled"})


class EarlyReviewForm(forms.Form):
    trigger = _radios("Why is the review needed early?", EarlyReviewTrigger.choices,
                      "Choose why the review is needed early")
    reason = forms.CharField(label="What happened?", widget=_textarea(4),
                             help_text="The IRO reads this: say what the review should consider",
                             error_messages={"required": "Say what happened"})
