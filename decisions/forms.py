from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User

from advisor.forms import UserTextField, offer_teams
from advisor.models import Team
from decisions.adr_files import LIMITS, zip_too_large
from decisions.models import Decision, DecisionLink

NAMES_HELP = "Names separated by commas."
# Where a hand-written decision starts: MADR's sections after the drivers, to fill in.
BODY_TEMPLATE = """## Considered Options

- The first option
- The second option

## Decision Outcome

Chosen option: "The first option", because it meets the drivers best.

### Consequences

- Good, because ...
- Bad, because ...

## More Information
"""


def split_names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class DecisionTextForm(forms.Form):
    """The text of an ADR that people write: shared by the create and the edit forms."""

    title = UserTextField(max_length=200)
    context = UserTextField(
        label="Context and problem statement",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        help_text="Plain text; blank lines separate paragraphs.",
    )
    drivers = UserTextField(
        label="Decision drivers",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5_000,
        required=False,
        help_text="One per line.",
    )
    decision_makers = UserTextField(max_length=500, required=False, help_text=NAMES_HELP)
    consulted = UserTextField(max_length=500, required=False, help_text=NAMES_HELP)
    informed = UserTextField(max_length=500, required=False, help_text=NAMES_HELP)
    tags = UserTextField(
        max_length=300,
        required=False,
        help_text="Words to file it under, separated by commas (for example: payments, data).",
    )

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the decision a title.")
        return title

    def text_fields(self) -> dict[str, Any]:
        """The cleaned text as the services take it: lists split, names trimmed."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "context": data["context"],
            "drivers": split_lines(data["drivers"]),
            "decision_makers": split_names(data["decision_makers"]),
            "consulted": split_names(data["consulted"]),
            "informed": split_names(data["informed"]),
            "tags": split_names(data["tags"]),
            **({"body": data["body"]} if "body" in data else {}),
        }

    def add_body(self) -> None:
        """The sections after the drivers, for a decision without an assessment behind it."""
        self.fields["body"] = UserTextField(
            label="Options, outcome and consequences",
            widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}),
            max_length=40_000,
            required=False,
            initial=BODY_TEMPLATE,
            help_text="Markdown, in MADR's sections. HTML is shown as text.",
        )


class DecisionForm(DecisionTextForm):
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, empty_label="No team"
    )
    status = forms.ChoiceField(
        choices=[
            (Decision.Status.PROPOSED, "Propose it for review"),
            (Decision.Status.DRAFT, "Keep it as a draft (only you and your team see it)"),
        ],
        widget=forms.RadioSelect,
        initial=Decision.Status.PROPOSED,
    )

    def __init__(self, *args: Any, user: User, free_form: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_teams(self.fields["team"], user)
        if free_form:
            self.add_body()
        else:
            self.fields[
                "drivers"
            ].help_text = "One per line, drafted from the answers that weighed most."


class DecisionEditForm(DecisionTextForm):
    """`base_version` is the version the edit started from (optimistic locking)."""

    note = UserTextField(
        label="What changed",
        max_length=300,
        required=False,
        help_text="A short note for the history.",
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, free_form: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if free_form:
            self.add_body()


class CommentForm(forms.Form):
    body = UserTextField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text="Markdown is allowed; HTML is shown as text.",
    )

    def focus(self) -> CommentForm:
        """Put the cursor back in the box after htmx swaps the timeline, so keyboard and screen
        reader users carry on where they were instead of at the top of the page."""
        self.fields["body"].widget.attrs["autofocus"] = True
        return self


def refusal_sentence(form: forms.Form) -> str:
    """A form's errors as one sentence for a refusal message."""
    return " ".join(
        f"{form.fields[name].label or name.capitalize()}: {' '.join(map(str, errors))}"
        for name, errors in form.errors.items()
    )


class LinkForm(forms.Form):
    """Another decision this one relates to, amends or depends on, named by its number."""

    kind = forms.ChoiceField(choices=DecisionLink.Kind.choices, label="This decision")
    number = forms.IntegerField(min_value=1, label="ADR number")

    def refusal(self) -> str:
        return refusal_sentence(self)


class ActionForm(forms.Form):
    """What a lifecycle button posts: a note, the version the person had open and, for an
    action that asks first, that they confirmed it."""

    note = UserTextField(max_length=5_000, required=False)
    # Absent from older pages and scripts; when present, an action on a version the person has
    # not seen is refused.
    version = forms.IntegerField(min_value=1, required=False)
    # Sent only by the confirmation (the dialog, or the page shown without JavaScript): without
    # it a review action shows what it would do and changes nothing.
    confirm = forms.BooleanField(required=False)

    def refusal(self) -> str:
        return refusal_sentence(self)


class ReviewByForm(forms.Form):
    """A reviewer's new review date for an accepted decision, and why."""

    review_by = forms.DateField(
        label="Review by", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = UserTextField(label="Why", max_length=300)

    def refusal(self) -> str:
        return refusal_sentence(self)


class ImportForm(forms.Form):
    """A zip of ADR files to import, for staff."""

    archive = forms.FileField(
        label="Zip of ADR files",
        help_text=f"adr-tools, MADR 2 to 4, log4brains or this portal's export; {LIMITS}.",
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"), required=False, empty_label="No team"
    )
    dry_run = forms.BooleanField(
        label="Dry run: show what the import would do, and save nothing",
        required=False,
        initial=True,
    )

    def clean_archive(self) -> Any:
        archive = self.cleaned_data["archive"]
        if refusal := zip_too_large(archive.size):
            raise forms.ValidationError(f"The file {refusal}.")
        return archive
