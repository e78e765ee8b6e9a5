from __future__ import annotations

from django.contrib import admin

from advisor.models import Assessment, SingleSignOnIdentity, Team


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
    search_fields = ["name", "owner__username"]
    list_select_related = ["owner", "team"]
    # The result belongs to exactly these answers, and a reassessment to the ADR it replaces;
    # only the questionnaire changes them.
    readonly_fields = [
        "answers",
        "result",
        "framework_id",
        "framework_version",
        "visited",
        "step",
        "completed_at",
        "reassesses_number",
    ]


@admin.register(SingleSignOnIdentity)
class SingleSignOnIdentityAdmin(admin.ModelAdmin[SingleSignOnIdentity]):
    """Adding one links an account made by hand to the person the provider signs in, whose
    first sign-in was refused because the name was taken (the log names their subject)."""

    list_display = ["user", "subject", "issuer", "created_at"]
    search_fields = ["user__username", "subject"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]
