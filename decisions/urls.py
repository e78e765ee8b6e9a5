from __future__ import annotations

from django.urls import path

from decisions import views

urlpatterns = [
    path("new/<int:assessment_pk>/", views.decision_new, name="decision_new"),
    path("<int:number>/", views.decision_detail, name="decision_detail"),
    path("<int:number>/adr.md", views.decision_markdown, name="decision_markdown"),
    path("<int:number>/adr.pdf", views.decision_pdf, name="decision_pdf"),
]
