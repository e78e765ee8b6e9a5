"""Reading a framework file into a validated `Framework`, with errors that name the bad field."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml
from pydantic import ValidationError

from advisor.framework.schema import Framework

FRAMEWORK_DIR = Path(__file__).resolve().parent
DEFAULT_FRAMEWORK = FRAMEWORK_DIR / "serverless-vs-containers.yaml"


class FrameworkError(Exception):
    """The framework file cannot be used; the message names the file and the bad field."""


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def parse_framework(data: object, source: str = "<data>") -> Framework:
    try:
        return Framework.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        message = str(error["msg"]).removeprefix("Value error, ")
        where = _path(tuple(error["loc"]))
        prefix = f"{source}: {where}: " if where else f"{source}: "
        more = exc.error_count() - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise FrameworkError(f"{prefix}{message}{suffix}") from None


def load_framework(path: Path | str = DEFAULT_FRAMEWORK) -> Framework:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FrameworkError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FrameworkError(f"{path}: is not valid YAML ({exc})") from None
    return parse_framework(data, str(path))


@functools.cache
def default_framework() -> Framework:
    return load_framework(DEFAULT_FRAMEWORK)
