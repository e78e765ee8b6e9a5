"""Forms for the questionnaire, generated from the framework's questions.

Django fields only turn posted text into Python values and pick the widget; whether a value is
allowed is decided by the same pydantic validation the CLI uses (`validate_answers`), so every
rule lives in one place.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User

from advisor.answers import (
    SECONDS_PER_MONTH,
    AnswerProblem,
    Answers,
    AnswersError,
    allowed,
    validate_answers,
)
from advisor.digits import group_digits, read_number
from advisor.framework import Framework
from advisor.framework.schema import Question, Section
from advisor.models import Team
from advisor.text import strip_bidi

ANSWER_THIS = "Answer this question."
BOOLEAN_CHOICES = [("true", "Yes"), ("false", "No")]


class UserTextField(forms.CharField):
    """A CharField for anything a person types: bidirectional controls are dropped first, so
    the text cannot read reversed wherever it is shown later. Every form uses it for free text."""

    def to_python(self, value: Any | None) -> str | None:
        if isinstance(value, str):
            value = strip_bidi(value)
        return super().to_python(value)


def offer_teams(field: forms.Field, user: User) -> None:
    """A team choice lists the person's teams, and starts on the team when there is just one
    (a form's own initial value, such as an assessment's team, still comes first)."""
    assert isinstance(field, forms.ModelChoiceField)
    teams = Team.objects.filter(members=user)
    field.queryset = teams
    only = list(teams[:2])
    if len(only) == 1:
        field.initial = only[0].pk


class AssessmentStartForm(forms.Form):
    name = UserTextField(
        label="Workload name",
        max_length=120,
        help_text="What the team calls the service or job, e.g. “Order API”.",
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="No team yet (only you will see it)",
        help_text="Members of the team can see and edit the assessment.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_teams(self.fields["team"], user)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the workload a name.")
        return name


def _label(question: Question) -> str:
    # Rates ("per month") already read in the label; measures (ms, GB, %) are added to it.
    if question.unit and not question.unit.startswith("per "):
        return f"{question.label} ({question.unit})"
    return question.label


def _choice_label(label: str, help_text: str) -> str:
    return f"{label} — {help_text}" if help_text else label


class GroupedNumberInput(forms.TextInput):
    """A text box for a number, shown with its thousands grouped ("1,200,000").

    Not `type="number"`: browsers refuse "1,200,000" there and post nothing, so the person's
    text would be lost. What was typed is shown again as typed; a stored number is grouped.
    """

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return group_digits(value)
        return super().format_value(value)


class GroupedNumberField(forms.Field):
    """An integer or a number, typed with or without thousands separators (see `read_number`).

    Only the reading is done here; the allowed range is checked with every other rule by
    `validate_answers`.
    """

    widget = GroupedNumberInput

    def __init__(self, *, whole: bool, unreadable: str, **kwargs: Any) -> None:
        self.whole = whole
        super().__init__(**kwargs)
        self.error_messages["invalid"] = unreadable

    def to_python(self, value: Any) -> int | float | None:
        if value in self.empty_values:
            return None
        try:
            return read_number(str(value), whole=self.whole)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def bound_data(self, data: Any, initial: Any) -> Any:
        # Shown again after a refused step: a number it can read comes back grouped, anything
        # else exactly as typed, so the person can see and correct it.
        try:
            return self.to_python(data)
        except forms.ValidationError:
            return data


def _number_attrs(question: Question) -> dict[str, str]:
    # A numeric keyboard on phones: digits only for integers, with a decimal point for numbers.
    return {
        "inputmode": "numeric" if question.type == "integer" else "decimal",
        "autocomplete": "off",
        "spellcheck": "false",
    }


def _unreadable(question: Question) -> str:
    example = "1,200,000" if question.type == "integer" else "2.5 or 1,200.5"
    return f"Enter {allowed(question)}, in digits (for example {example})."


def form_field(question: Question) -> forms.Field:
    """The Django field and widget for one question; no allowed-value rules here."""
    common: dict[str, Any] = {
        "label": _label(question),
        "help_text": question.help,
        "required": question.required,
        "error_messages": {"required": ANSWER_THIS},
    }
    if question.type == "choice":
        choices = [(c.value, _choice_label(c.label, c.help)) for c in question.choices]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.type == "multi_choice":
        choices = [(c.value, _choice_label(c.label, c.help)) for c in question.choices]
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if question.type == "boolean":
        return forms.TypedChoiceField(
            choices=BOOLEAN_CHOICES,
            coerce=lambda value: value == "true",
            widget=forms.RadioSelect,
            **common,
        )
    return GroupedNumberField(
        whole=question.type == "integer",
        unreadable=_unreadable(question),
        widget=GroupedNumberInput(attrs=_number_attrs(question)),
        **common,
    )


def _initial(question: Question, value: Any) -> Any:
    if value is None:
        return None
    if question.type == "boolean":
        return "true" if value else "false"
    return value


class StepForm(forms.Form):
    """The questions of one section. `answers` are the stored answers of the whole set."""

    def __init__(
        self,
        *args: Any,
        framework: Framework,
        section: Section,
        answers: Answers,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "initial",
            {q.id: _initial(q, answers.get(q.id)) for q in section.questions},
        )
        super().__init__(*args, **kwargs)
        self.framework = framework
        self.section = section
        self.stored = answers
        for question in section.questions:
            self.fields[question.id] = form_field(question)
            if not self.is_bound:
                self._note_rate(question, answers.get(question.id))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        merged = {**self.stored, **self.step_answers(cleaned)}
        try:
            validate_answers(self.framework, _present(merged), partial=True)
        except AnswersError as exc:
            for problem in exc.problems:
                if problem.question not in self.fields:
                    self.add_error(None, str(problem))
                elif problem.question not in self.errors:
                    self.add_error(problem.question, self._message(problem))
        for question in self.section.questions:
            if question.id not in self.errors:
                self._note_rate(question, cleaned.get(question.id))
        return cleaned

    def _note_rate(self, question: Question, value: Any) -> None:
        """A monthly volume is hard to picture; its help ends with the average rate it means."""
        if question.unit != "per month" or not isinstance(value, int) or value <= 0:
            return
        help_text = f"{question.help} {_average_rate(value)}"
        self.fields[question.id].help_text = help_text
        # The bound field copied the help text when the form was cleaned; it is what is shown.
        self[question.id].help_text = help_text

    def _message(self, problem: AnswerProblem) -> str:
        question = self.framework.question(problem.question)
        if problem.kind == "invalid":
            return f"Enter {allowed(question)}."
        if problem.advice:
            return problem.advice
        return f"{problem.message[0].upper()}{problem.message[1:]}."

    def step_answers(self, cleaned: dict[str, Any] | None = None) -> Answers:
        """This step's cleaned answers, an empty optional answer as None."""
        cleaned = self.cleaned_data if cleaned is None else cleaned
        answers: Answers = {}
        for question in self.section.questions:
            if question.id not in cleaned:
                continue
            value = cleaned[question.id]
            if value in ("", [], None):
                value = None
            answers[question.id] = value
        return answers

    def valid_answers(self) -> Answers:
        """The answers of this step that passed, for saving what is good on the way back."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return {k: v for k, v in self.step_answers().items() if k not in self.errors}


def _average_rate(monthly: int) -> str:
    per_second = monthly / SECONDS_PER_MONTH
    if per_second < 0.01:
        rate = "well under one a second"
    else:
        places = 2 if per_second < 1 else 1 if per_second < 100 else 0
        rate = f"about {group_digits(per_second, places)} a second"
    return f"{group_digits(monthly)} a month is {rate} on average (a month of 730 hours)."


def _present(answers: Answers) -> Answers:
    return {key: value for key, value in answers.items() if value is not None}
