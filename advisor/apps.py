from __future__ import annotations

from django.apps import AppConfig


class AdvisorConfig(AppConfig):
    name = "advisor"
    verbose_name = "Decision advisor"

    def ready(self) -> None:
        from advisor import checks  # noqa: F401  (registers the framework check)
