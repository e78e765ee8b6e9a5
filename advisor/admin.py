from __future__ import annotations

from django.contrib import admin

from advisor.models import Assessment, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]
    search_fields = ["name"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin[Assessment]):
    list_display = ["name", "owner", "team", "step", "completed_at", "updated_at"]
    list_filter = ["team", "framework_version"]
    search_fields = ["name"]
    readonly_fields = ["answers", "result", "framework_id", "framework_version", "visited"]
