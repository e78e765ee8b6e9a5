from __future__ import annotations

from advisor.framework.loader import FrameworkError, default_framework, load_framework
from advisor.framework.schema import Framework

__all__ = ["Framework", "FrameworkError", "default_framework", "load_framework"]
