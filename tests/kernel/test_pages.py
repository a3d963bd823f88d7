"""The kernel's one-purpose page (safeguarding.pages.ActionPage) and its date and id helpers.

The pages are driven directly (RequestFactory): what is checked is the base's contract, not a
template; every conference, case and clock page on this base has its own page tests.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import RequestFactory

from safeguarding.pages import ActionPage, day, uuid_or_404, when

LONDON = ZoneInfo("Europe/London")


def test_day_and_when():
    assert day(date(2027, 1, 12)) == "12 January 2027"
    assert day(date(2027, 1, 12), weekday=True) == "Tuesday 12 January 2027"
    assert day(None) == "" and when(None) == ""
    # a moment is shown as its local date and time (23:30 UTC in summer is the next day in London)
    moment = datetime(2027, 7, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert day(moment) == "2 July 2027"
    assert when(moment) == "2 July 2027, 00:30"
    assert when(datetime(2027, 1, 5, 9, 5, tzinfo=LONDON)) == "5 January 2027, 09:05"


def test_uuid_or_404():
    value = "0b2a3c4d-1111-4222-8333-444455556666"
    assert str(uuid_or_404(value)) == value
    for bad in ("0.5", "", None, "not-a-uuid", 12):
        with pytest.raises(Http404):
            uuid_or_404(bad)


class NoteForm(forms.Form):
    note = forms.CharField()

    def __init__(self, *args, ask_late=False, **kwargs):
        super().__init__(*args, **kwargs)
        if ask_late:
            self.fields["late_reason"] = forms.CharField(required=False)


class NotePage(ActionPage):
    """A page that records a note through a stand-in for a service (a plain function)."""

    form_class = NoteForm
    title = "Add a note"
    optional_asks = ("late_reason",)
    already = ""
    calls: list = None

    def back(self):
        return "/back/", "Back"

    def done(self):
        return self.already

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ask_late": self.shows("late_reason")}

    def service(self, note, late_reason=None):
        self.calls.append((note, late_reason))
        if note == "bad":
            raise ValidationError({"note": "Not that note", "other": "Something else"})
        if late_reason is None:
            raise ValidationError({"late_reason": "Say why this is late"})
        return len(note)

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: self.service(d["note"], d.get("late_reason") if "late_reason" in d else None),
                        lambda n: f"{n} characters noted.", lambda n: f"/done/{n}/")


def _post(data, **attrs):
    request = RequestFactory().post("/page/", data)
    request.session = {}
    request._messages = FallbackStorage(request)
    calls = []
    response = NotePage.as_view(calls=calls, **attrs)(request)
    return response, [str(m) for m in get_messages(request)], calls


def test_done_changes_nothing_and_says_why():
    response, said, calls = _post({"note": "hello"}, already="This was noted already.")
    assert response.status_code == 302 and response["Location"] == "/back/"
    assert said == ["This was noted already."]
    assert calls == []


def test_service_error_goes_on_the_form_at_its_field_or_the_top():
    response, said, calls = _post({"note": "bad", "late_reason": "x"})
    assert response.status_code == 200 and said == []
    form = response.context_data["form"]
    assert form.errors["note"] == ["Not that note"]
    assert form.non_field_errors() == ["Something else"]
    assert form.data["note"] == "bad"  # what was typed is kept


def test_an_optional_question_the_service_asks_is_shown():
    response, said, calls = _post({"note": "hello"})
    form = response.context_data["form"]
    assert "late_reason" in form.fields
    assert form.errors["late_reason"] == ["Say why this is late"]
    assert calls == [("hello", None)] and said == []
    # answered, the same page goes through
    response, said, calls = _post({"note": "hello", "late_reason": "The family were away"})
    assert response.status_code == 302 and response["Location"] == "/done/5/"
    assert said == ["5 characters noted."]


def test_context_has_the_contract():
    request = RequestFactory().get("/page/")
    response = NotePage.as_view(calls=[])(request)
    ctx = response.context_data
    assert response.template_name == ["pages/action.html"]
    assert (ctx["title"], ctx["back_url"], ctx["back_label"], ctx["cancel_label"], ctx["done"]) == (
        "Add a note", "/back/", "Back", "Cancel", "")
    assert ctx["rows"] == [] and ctx["intro"] == [] and ctx["links"] == [] and ctx["caption"] == ""
