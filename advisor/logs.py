"""Log records as one JSON object a line, the form log collectors read without parsing rules."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from gunicorn.glogging import Logger

# Attributes every LogRecord has; anything else on a record was passed as `extra`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
# A feed's address holds the secret that opens it (notifications/urls.py): whoever reads the
# log must not be able to read the feed.
_FEED_TOKEN = re.compile(r"(/feeds/)[^/\s]+")


def redacted(path: str) -> str:
    """The path (or a message quoting one) with the token of a feed address left out."""
    return _FEED_TOKEN.sub(r"\1…", path)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            # Django's "Not Found: <path>" quotes the path in the message itself.
            "message": redacted(record.getMessage()),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"] = getattr(request, "method", "")
            entry["path"] = redacted(request.path)
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry and key not in ("request", "status_code"):
                entry[key] = value if isinstance(value, str | int | float | bool) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class GunicornJsonLogger(Logger):
    """gunicorn's access log as JSON lines: its text format cannot escape what a request path
    may contain, so a `%0A` in a URL split one entry into two lines."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "method": environ.get("REQUEST_METHOD", ""),
            "path": redacted(environ.get("PATH_INFO", "")),
            "status": getattr(resp, "status_code", None),
            "bytes": getattr(resp, "sent", None),
            "ms": round(request_time.total_seconds() * 1000, 1),
            "remote": environ.get("REMOTE_ADDR", ""),
        }
        self.access_log.info(json.dumps(entry, ensure_ascii=True))
