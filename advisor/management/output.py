"""Where the management commands put what they produce: a file, or standard output."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError


def write_binary(content: bytes, output: str | None, *, to_terminal: str) -> None:
    """Write `content` to the file `output`, or to standard output when it is None or "-".

    A terminal is refused with `to_terminal` (binary data would garble it); a file that cannot be
    written is one line naming it.
    """
    if output in (None, "-"):
        if sys.stdout.isatty():
            raise CommandError(to_terminal)
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    try:
        Path(output).write_bytes(content)
    except OSError as exc:
        raise CommandError(f"{output}: cannot be written ({exc.strerror})") from None
