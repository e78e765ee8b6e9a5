"""The decision records in Django's admin: every row can be looked up, none changed there.

Each write in the portal keeps a rule that a plain admin form would skip: ADR numbers without
gaps, a revision for every edit, an audit entry for every transition, the stored HTML of every
comment. So these admins only show; changes go through the portal and its services.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from decisions.models import (
    AuditEntry,
    Comment,
    Decision,
    DecisionLink,
    DecisionSequence,
    DecisionTally,
    Flag,
    Review,
    Revision,
    Tag,
)

_M = TypeVar("_M", bound=models.Model)


class ReadOnlyAdmin(admin.ModelAdmin[_M]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin[Decision]):
    list_display = ["adr_id", "title", "status", "outcome", "author", "team", "decided_on"]
    list_filter = ["status", "outcome", "team"]
    search_fields = ["=number", "title", "slug", "author__username"]
    list_select_related = ["author", "team"]
    date_hierarchy = "decided_on"


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin[Revision]):
    list_display = ["decision", "version", "author", "note", "created_at"]
    search_fields = ["=decision__number", "title", "author__username"]
    list_select_related = ["decision", "author"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin[AuditEntry]):
    list_display = ["created_at", "decision", "actor", "action", "from_status", "to_status"]
    list_filter = ["action", "to_status"]
    search_fields = ["=decision__number", "actor__username", "note"]
    list_select_related = ["decision", "actor"]
    date_hierarchy = "created_at"


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin[Review]):
    list_display = ["decision", "reviewer", "verdict", "version", "review_round", "created_at"]
    list_filter = ["verdict"]
    search_fields = ["=decision__number", "reviewer__username", "body"]
    list_select_related = ["decision", "reviewer"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin[Comment]):
    list_display = ["decision", "author", "created_at", "hidden_by", "hidden_at"]
    list_filter = [("hidden_at", admin.EmptyFieldListFilter)]
    search_fields = ["=decision__number", "author__username", "body"]
    list_select_related = ["decision", "author", "hidden_by"]


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin[Flag]):
    list_display = ["decision", "kind", "entry_id", "name"]
    list_filter = ["kind"]
    search_fields = ["entry_id", "name"]
    list_select_related = ["decision"]


@admin.register(DecisionSequence)
class DecisionSequenceAdmin(ReadOnlyAdmin[DecisionSequence]):
    list_display = ["pk", "last"]


@admin.register(DecisionTally)
class DecisionTallyAdmin(ReadOnlyAdmin[DecisionTally]):
    """Kept by the database's triggers; shown to check it against the log."""

    list_display = ["status", "outcome", "n"]
    list_filter = ["status"]
    search_fields = ["status", "outcome"]


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin[Tag]):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(DecisionLink)
class DecisionLinkAdmin(ReadOnlyAdmin[DecisionLink]):
    list_display = ["source", "kind", "target"]
    list_filter = ["kind"]
