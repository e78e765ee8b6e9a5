from __future__ import annotations

from django.urls import path

from decisions import export, log, views

urlpatterns = [
    path("", log.decision_list, name="decision_list"),
    path("export.zip", export.decisions_export, name="decisions_export"),
    path("new/", views.decision_write, name="decision_write"),
    path("import/", views.decisions_import_view, name="decisions_import"),
    path("new/<int:assessment_pk>/", views.decision_new, name="decision_new"),
    path("<int:number>/", views.decision_detail, name="decision_detail"),
    path("<int:number>/adr.md", views.decision_markdown, name="decision_markdown"),
    path("<int:number>/adr.pdf", views.decision_pdf, name="decision_pdf"),
    path("<int:number>/edit/", views.decision_edit_view, name="decision_edit"),
    path("<int:number>/actions/<str:action>/", views.decision_action, name="decision_action"),
    path("<int:number>/comments/", views.decision_comment_view, name="decision_comment"),
    path(
        "<int:number>/comments/<int:comment_pk>/hide/",
        views.comment_hide_view,
        name="comment_hide",
    ),
    path("<int:number>/links/", views.decision_link_view, name="decision_link"),
    path(
        "<int:number>/links/<int:link_pk>/remove/",
        views.decision_unlink_view,
        name="decision_unlink",
    ),
    path("<int:number>/review-by/", views.decision_review_by_view, name="decision_review_by"),
    path("<int:number>/history/", views.decision_history, name="decision_history"),
    path("<int:number>/reassess/", views.decision_reassess, name="decision_reassess"),
]
