from __future__ import annotations

from django.urls import path

from notifications import views
from notifications.feeds import DecisionFeed

urlpatterns = [
    path("settings/notifications/", views.notification_settings, name="notification_settings"),
    path("settings/feed-token/", views.feed_token_create_view, name="feed_token_create"),
    path("settings/feed-token/revoke/", views.feed_token_revoke_view, name="feed_token_revoke"),
    path("feeds/<str:token>/decisions.atom", DecisionFeed(), name="decisions_feed"),
    path("feeds/<str:token>/teams/<slug:slug>.atom", DecisionFeed(), name="team_decisions_feed"),
]
