"""What each notification says, in whole sentences, and how it is written for e-mail and for a
chat webhook. Titles, notes and comments are other people's text: the HTML escapes them, and
the chat text escapes the characters Slack and Teams read as markup."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.urls import reverse

from decisions.models import Decision
from notifications.models import Kind

SUBJECTS = {
    Kind.PROPOSED: "proposed for review",
    Kind.CHANGES_REQUESTED: "changes requested",
    Kind.ACCEPTED: "accepted",
    Kind.REJECTED: "rejected",
    Kind.COMMENT: "new comment",
    Kind.REVIEW_DUE: "due for review",
}


def one_line(text: str) -> str:
    """Text for a header or a chat line: whitespace (line breaks included) as single spaces."""
    return " ".join(text.split())


def person(user: User | None) -> str:
    if user is None:
        return "Someone"
    return user.get_full_name() or user.get_username()


def site_link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# What Markdown reads as links, emphasis, code, headings or tables. Teams renders a webhook's
# text as Markdown, so a title such as "[Pay here](https://evil)" would become a link.
_CHAT_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def chat_escape(text: str) -> str:
    """Slack reads <...> as links and mentions and & as the start of an entity; Teams renders
    the same entities as the characters, so both show the text as it was typed. Markdown's
    characters get a backslash, which Teams hides; Slack shows it, a small price for a link
    nobody can disguise. None of these characters is in the portal's own sentences."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _CHAT_MARKDOWN.sub(r"\\\1", text)


@dataclass(frozen=True)
class Message:
    kind: str
    decision: Decision
    headline: str
    note: str = ""
    note_label: str = ""
    again: bool = False

    @property
    def subject(self) -> str:
        what = "proposed again" if self.again else SUBJECTS[Kind(self.kind)]
        return one_line(f"{self.decision.adr_id} {self.decision.title}: {what}")[:300]

    @property
    def url(self) -> str:
        return site_link(self.decision.get_absolute_url())

    def email(self, reason: str) -> tuple[str, str]:
        """The plain text and the HTML of the e-mail, with why the reader gets it."""
        context = {
            "message": self,
            "reason": reason,
            "settings_url": site_link(reverse("notification_settings")),
        }
        return (
            render_to_string("notifications/email.txt", context),
            render_to_string("notifications/email.html", context),
        )

    def chat(self) -> str:
        return f"{chat_escape(one_line(self.headline))}\n{self.url}"


def _named(decision: Decision) -> str:
    return f"{decision.adr_id} “{one_line(decision.title)}”"


def transition_message(
    kind: str, decision: Decision, actor: User, note: str, *, again: bool = False
) -> Message:
    name, who = _named(decision), person(actor)
    if kind == Kind.PROPOSED:
        headline = (
            f"{who} proposed {name} again, after changes; it waits for your review."
            if again
            else f"{who} proposed {name} for review; it waits for your review."
        )
        return Message(kind, decision, headline, note, "Note", again=again)
    if kind == Kind.CHANGES_REQUESTED:
        headline = f"{who} requested changes to {name}; it is back in draft."
        return Message(kind, decision, headline, note, "What should change")
    if kind == Kind.ACCEPTED:
        return Message(kind, decision, f"{who} approved {name}, and it is accepted.", note, "Note")
    if kind == Kind.REJECTED:
        return Message(kind, decision, f"{who} rejected {name}.", note, "Why")
    raise ValueError(f"no transition message for {kind!r}")


def comment_message(decision: Decision, author: User, body: str) -> Message:
    headline = f"{person(author)} commented on {_named(decision)}."
    return Message(Kind.COMMENT, decision, headline, body, "Comment")


def review_due_message(decision: Decision, review_by: dt.date, today: dt.date) -> Message:
    when = f"{review_by.day} {review_by:%B %Y}"
    if review_by < today:
        headline = f"{_named(decision)} was due for review on {when}; it is overdue."
    else:
        headline = f"{_named(decision)} is due for review by {when}."
    return Message(Kind.REVIEW_DUE, decision, headline)
