"""Reading a framework file into a validated `Framework`, with errors that name the bad field."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml
from pydantic import ValidationError

from advisor.framework.schema import Framework, PriceBook

FRAMEWORK_DIR = Path(__file__).resolve().parent
DEFAULT_FRAMEWORK = FRAMEWORK_DIR / "serverless-vs-containers.yaml"
# The framework names its price sheets with `prices: FILE`, a path beside the framework file.
PRICES_KEY = "prices"


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


def _validated(model: type[Framework] | type[PriceBook], data: object, source: str) -> object:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        message = str(error["msg"]).removeprefix("Value error, ")
        where = _path(tuple(error["loc"]))
        prefix = f"{source}: {where}: " if where else f"{source}: "
        more = exc.error_count() - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise FrameworkError(f"{prefix}{message}{suffix}") from None


def parse_prices(data: object, source: str = "<data>") -> PriceBook:
    book = _validated(PriceBook, data, source)
    assert isinstance(book, PriceBook)
    return book


def parse_framework(data: object, source: str = "<data>", base: Path = FRAMEWORK_DIR) -> Framework:
    """Validate framework data; a `prices` file name is read from `base` and validated first."""
    if isinstance(data, dict) and isinstance(data.get(PRICES_KEY), str):
        prices = base / data[PRICES_KEY]
        data = {**data, PRICES_KEY: parse_prices(_read_yaml(prices), str(prices))}
    framework = _validated(Framework, data, source)
    assert isinstance(framework, Framework)
    return framework


def _read_yaml(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FrameworkError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FrameworkError(f"{path}: is not valid YAML ({exc})") from None


def load_framework(path: Path | str = DEFAULT_FRAMEWORK) -> Framework:
    """The framework file with the price sheets it names, each validated with its own name."""
    path = Path(path)
    return parse_framework(_read_yaml(path), str(path), path.parent)


@functools.cache
def default_framework() -> Framework:
    return load_framework(DEFAULT_FRAMEWORK)
