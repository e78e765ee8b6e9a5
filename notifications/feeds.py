"""Atom feeds of the decision log, whole or one team's, opened by a person's feed token: feed
readers cannot sign in, so the secret in the address says whose view of the log to show."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks

from advisor.models import Team
from decisions.models import Decision
from notifications.selectors import feed_decisions, feed_owner

# Characters XML 1.0 cannot carry at all; a title holding one would break the whole feed.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The summary gives the start of the context; the entry's link has the rest.
SUMMARY_LENGTH = 600


def xml_text(text: str) -> str:
    return NOT_XML.sub("", text)


@dataclass(frozen=True)
class Scope:
    owner: User
    team: Team | None


class DecisionFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        # The address is a secret: no shared cache may keep what it shows.
        patch_cache_control(response, private=True, no_cache=True)
        return response

    def get_object(self, request: HttpRequest, token: str, slug: str | None = None) -> Scope:
        owner = feed_owner(token)
        if owner is None:
            raise Http404("No such feed.")
        team = get_object_or_404(Team, slug=slug) if slug is not None else None
        return Scope(owner, team)

    def title(self, scope: Scope) -> str:
        if scope.team is not None:
            return xml_text(f"Decisions of {scope.team.name}")
        return "Decisions"

    def subtitle(self, scope: Scope) -> str:
        return xml_text(f"Architecture decisions as {scope.owner.get_username()} may see them")

    def link(self, scope: Scope) -> str:
        url = reverse("decision_list")
        return f"{url}?team={scope.team.slug}" if scope.team is not None else url

    def items(self, scope: Scope) -> Any:
        return feed_decisions(scope.owner, scope.team)

    # Atom titles are text, not HTML: escaped once for XML, shown by readers as typed.
    def item_title(self, item: Decision) -> str:
        return xml_text(f"{item.adr_id}: {item.title}")

    def item_description(self, item: Decision) -> str:
        context = item.context
        if len(context) > SUMMARY_LENGTH:
            context = context[:SUMMARY_LENGTH].rstrip() + " …"
        team = f" · {item.team.name}" if item.team is not None else ""
        status = f"<p>{escape(item.get_status_display())}{escape(team)}</p>"
        return xml_text(status + linebreaks(context, autoescape=True))

    def item_link(self, item: Decision) -> str:
        return item.get_absolute_url()

    def item_author_name(self, item: Decision) -> str:
        return xml_text(item.author.get_full_name() or item.author.get_username())

    def item_pubdate(self, item: Decision) -> dt.datetime:
        return item.created_at

    def item_updateddate(self, item: Decision) -> dt.datetime:
        return item.updated_at

    def item_categories(self, item: Decision) -> list[str]:
        return [item.status, *(xml_text(tag.name) for tag in item.tags.all())]
