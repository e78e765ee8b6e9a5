"""The app as production runs it: gunicorn with DEBUG off on a free loopback port, and a client
that keeps its cookies and signs in through the login form. Shared by tests/test_instances.py
and benchmarks/load.py."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
# Every instance of one site must share it, or a session signed by one is refused by another.
SECRET_KEY = "served-instances-only-" + "s" * 50
PASSWORD = "correct horse 42"
# Variables that choose infrastructure; an instance gets only those it is given explicitly, so a
# developer's shell cannot quietly point it at their Redis.
INHERITED_NOT = ("DATABASE_URL", "REDIS_URL", "BIND", "WEB_CONCURRENCY", "LOGIN_FAILURE_LIMIT")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def served_environment(database_url: str, static_root: Path, **extra: str) -> dict[str, str]:
    """A production instance's environment (DEBUG off) on plain-HTTP loopback."""
    env = {key: value for key, value in os.environ.items() if key not in INHERITED_NOT}
    env.update(
        DJANGO_SETTINGS_MODULE="advisor.settings",
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(env: Mapping[str, str], *args: str) -> None:
    """`manage.py <args>` in a child process with this environment; its output on failure."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


@dataclass
class Gunicorn:
    """One instance: a gunicorn master in a process group of its own, with its workers and the
    PDF renderers they start, so stopping the group leaves nothing behind."""

    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    @classmethod
    def start(cls, env: Mapping[str, str], log_path: Path, *, workers: int = 1) -> Gunicorn:
        port = free_port()
        env = {**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "advisor.wsgi"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return cls(process, f"http://127.0.0.1:{port}", log_path)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def wait_until_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn at {self.url} exited:\n{self.log_tail()}")
            with suppress(OSError):
                if WebClient(self.url, timeout=2).get("/healthz").status == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(
            f"gunicorn at {self.url} not healthy after {timeout:g} s:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        """SIGTERM to the group (workers finish their request), then SIGKILL for stragglers."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=15)
        # The group outlives its leader while any member runs; the id is not reused until then.
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class WebClient:
    """One visitor of one instance: keeps the cookies it is given, follows no redirects, and
    sends the CSRF cookie back as the form token, as Django's forms do."""

    def __init__(
        self, base_url: str, cookies: Mapping[str, str] | None = None, timeout: float = 60.0
    ) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.cookies: dict[str, str] = dict(cookies or {})
        self.timeout = timeout

    def request(self, method: str, path: str, data: Mapping[str, Any] | None = None) -> Response:
        headers = {}
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            response = Response(answer.status, answer.headers, answer.read())
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for morsel in SimpleCookie(header).values():
                if morsel["max-age"] == "0":
                    self.cookies.pop(morsel.key, None)
                else:
                    self.cookies[morsel.key] = morsel.value
        return response

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: Mapping[str, Any]) -> Response:
        return self.request(
            "POST", path, {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        )

    def sign_in(self, username: str, password: str) -> Response:
        """The login form, as a person fills it in: the page first (for the CSRF cookie)."""
        self.get("/accounts/login/")
        return self.post("/accounts/login/", {"username": username, "password": password})
