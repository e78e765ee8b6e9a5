"""A system check that loads the framework, so a broken data file stops the app at start-up."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from advisor.framework import FrameworkError, load_framework
from advisor.framework.loader import DEFAULT_FRAMEWORK


@register()
def framework_is_valid(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        load_framework(DEFAULT_FRAMEWORK)
    except FrameworkError as exc:
        return [
            Error(
                str(exc),
                hint="Fix the framework file; the message names the file and the bad field.",
                id="advisor.E001",
            )
        ]
    return []
