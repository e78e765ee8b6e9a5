from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from advisor.framework import default_framework


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    framework = default_framework()
    return render(request, "advisor/home.html", {"framework": framework})


@require_GET
@login_required
def framework_overview(request: HttpRequest) -> HttpResponse:
    """The whole framework, readable: questions, rules, knockouts and the catalogue."""
    framework = default_framework()
    return render(request, "advisor/framework.html", {"framework": framework})
