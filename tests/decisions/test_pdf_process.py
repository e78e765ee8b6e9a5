"""The PDF renderer's child process: it never outlives the server process that forked it, never
holds that process's sockets, and answers SIGTERM even when its parent ignores it.

Each test runs a small server-like Python process that listens on a loopback port and starts a
render whose layout sleeps, so the child is caught in the act.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.conf import settings

SERVER = textwrap.dedent(
    """
    import os, signal, socket, sys, time
    import django
    django.setup()
    from decisions.render import pdf

    pid_file = sys.argv[1]

    def slow(html):
        with open(pid_file, "w") as handle:
            handle.write(str(os.getpid()))
        time.sleep(120)

    pdf._write_pdf = slow
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    print(listener.getsockname()[1], flush=True)
    # As a web server worker does: SIGTERM only sets a flag.
    signal.signal(signal.SIGTERM, lambda *args: None)
    pdf._render_with_budget("<p>slow</p>", 300)
    """
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has finished; only its exit status is left for init to collect.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


def _wait_until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def server(tmp_path: Path):
    pid_file = tmp_path / "child.pid"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "advisor.settings", "PYTHONPATH": "."}
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(pid_file)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    port = int(process.stdout.readline())
    assert _wait_until(lambda: pid_file.exists() and pid_file.read_text() != "")
    child = int(pid_file.read_text())
    yield process, port, child
    for pid in (process.pid, child):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except FileNotFoundError:
            continue
        if target.startswith("socket:"):
            inodes.add(target)
    return inodes


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="reads /proc")
def test_the_child_holds_none_of_the_servers_sockets(server) -> None:
    process, port, child = server

    assert _socket_inodes(process.pid), "the server should hold its listening socket"
    assert _socket_inodes(child) == set()


def test_the_child_dies_with_its_server_and_frees_the_port(server) -> None:
    process, port, child = server

    process.kill()
    process.wait(timeout=10)

    assert _wait_until(lambda: not _alive(child)), "the render outlived its server"
    with socket.socket() as again:
        again.bind(("127.0.0.1", port))


def test_the_child_stops_on_sigterm_although_its_parent_ignores_it(server) -> None:
    process, port, child = server

    os.kill(child, signal.SIGTERM)

    assert _wait_until(lambda: not _alive(child))
    assert process.poll() is None  # the server itself carries on
