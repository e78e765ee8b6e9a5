from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from advisor.models import Team
from notifications.forms import KindsForm
from notifications.models import FeedToken, token_digest
from notifications.selectors import kinds_enabled
from notifications.services import feed_token_create, feed_token_revoke, notification_kinds_set

# Where a new feed token waits, between making it and the page that shows it once.
NEW_TOKEN_KEY = "new_feed_token"


class Request(HttpRequest):
    user: User


@require_http_methods(["GET", "POST"])
@login_required
def notification_settings(request: Request) -> HttpResponse:
    """Which notifications the person gets, and their private feeds: the addresses only right
    after they are made, since only the token's digest is kept."""
    if request.method == "POST":
        form = KindsForm(request.POST)
        if form.is_valid():
            notification_kinds_set(user=request.user, enabled=form.cleaned_data["kinds"])
            messages.success(request, "Your notification choices are saved.")
            return redirect("notification_settings")
    else:
        form = KindsForm(initial={"kinds": kinds_enabled(request.user)})
    token = FeedToken.objects.filter(user=request.user).first()
    new_token = request.session.pop(NEW_TOKEN_KEY, "")
    feeds: list[tuple[str, str]] = []
    if token is not None and new_token and token_digest(new_token) == token.digest:
        url = reverse("decisions_feed", args=[new_token])
        feeds.append(("Every decision you can see", request.build_absolute_uri(url)))
        for team in Team.objects.filter(members=request.user):
            url = reverse("team_decisions_feed", args=[new_token, team.slug])
            feeds.append((f"Decisions of {team.name}", request.build_absolute_uri(url)))
    context = {"form": form, "token": token, "feeds": feeds}
    status = 422 if form.errors else 200
    return render(request, "notifications/settings.html", context, status=status)


@require_POST
@login_required
def feed_token_create_view(request: Request) -> HttpResponse:
    had_one = FeedToken.objects.filter(user=request.user).exists()
    request.session[NEW_TOKEN_KEY] = feed_token_create(user=request.user)
    if had_one:
        messages.success(request, "Your feeds have new addresses; the old ones no longer work.")
    else:
        messages.success(request, "Your feeds are ready; add an address to your feed reader.")
    return redirect(f"{reverse('notification_settings')}#feeds")


@require_POST
@login_required
def feed_token_revoke_view(request: Request) -> HttpResponse:
    request.session.pop(NEW_TOKEN_KEY, None)
    if feed_token_revoke(user=request.user):
        messages.success(request, "Your feed addresses no longer work.")
    return redirect(f"{reverse('notification_settings')}#feeds")
