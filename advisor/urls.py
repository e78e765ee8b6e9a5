from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, re_path

from advisor import accounts, errors, oidc, views
from decisions import views as decision_views

urlpatterns = [
    path("", decision_views.dashboard, name="home"),
    path("framework/", views.framework_overview, name="framework"),
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/new/", views.assessment_new, name="assessment_new"),
    path("assessments/<int:pk>/", views.assessment_result, name="assessment_result"),
    path("assessments/<int:pk>/resume/", views.assessment_resume, name="assessment_resume"),
    path("assessments/<int:pk>/delete/", views.assessment_delete_view, name="assessment_delete"),
    path("assessments/<int:pk>/review/", views.assessment_review, name="assessment_review"),
    path("assessments/<int:pk>/steps/<str:step>/", views.assessment_step, name="assessment_step"),
    path(
        "assessments/<int:pk>/steps/<str:step>/check/",
        views.assessment_check,
        name="assessment_check",
    ),
    path("decisions/", include("decisions.urls")),
    path("", include("notifications.urls")),
    path("accounts/login/", accounts.login, name="login"),
    path("accounts/logout/", accounts.logout, name="logout"),
    # The names mozilla-django-oidc reverses: register .../accounts/oidc/callback/ at the provider.
    path("accounts/oidc/start/", oidc.SignInStart.as_view(), name="oidc_authentication_init"),
    path(
        "accounts/oidc/callback/",
        oidc.SignInCallback.as_view(),
        name="oidc_authentication_callback",
    ),
    # The admin signs in through the portal's page, so LOCAL_LOGIN and single sign-on apply to it
    # too (its own form would take a password whatever the setting says).
    path("admin/login/", accounts.login),
    path("admin/", admin.site.urls),
    # Last: everything else is the portal's 404 (advisor/errors.py says why).
    re_path(r"^(?P<path>.*)$", errors.unmatched),
]
