"""A real OpenID Connect provider for the single sign-on tests: node-oidc-provider 8.8.1 run by
tests/oidc_provider.mjs on a free loopback port, steered through a JSON file (who each login is,
which groups they are in, and whether the token endpoint misbehaves).

Where it is: OIDC_PROVIDER_MODULES, a node_modules folder holding oidc-provider@8.8.1 and
jose@5.10.0 (.ci/run installs them). Missing, the tests that need it are skipped, except under
CI, where they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests

from tests.servers import free_port

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "oidc_provider.mjs"
CLIENT_ID = "decision-advisor"
CLIENT_SECRET = "test-only-client-secret"
INSTALL = (
    "set OIDC_PROVIDER_MODULES to a node_modules folder holding oidc-provider@8.8.1 and "
    "jose@5.10.0 (npm install oidc-provider@8.8.1 jose@5.10.0; .ci/run does this)"
)
FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


class ProviderMissing(Exception):
    pass


@dataclass
class OidcProvider:
    process: subprocess.Popen[bytes]
    issuer: str
    state_file: Path
    log_path: Path

    @classmethod
    def start(cls, folder: Path, *, portal_url: str) -> OidcProvider:
        """Copy the script beside a link to the modules (ES modules resolve from the script's
        own folder) and start it; returns once it answers discovery."""
        modules = os.environ.get("OIDC_PROVIDER_MODULES", "")
        node = shutil.which("node")
        if not modules or not Path(modules, "oidc-provider").is_dir() or node is None:
            raise ProviderMissing(f"no OpenID Connect provider for the tests: {INSTALL}")
        shutil.copy(SCRIPT, folder / SCRIPT.name)
        (folder / "node_modules").symlink_to(Path(modules).resolve())
        port = free_port()
        issuer = f"http://127.0.0.1:{port}"
        state_file = folder / "state.json"
        state_file.write_text('{"accounts": {}}')
        log_path = folder / "provider.log"
        env = {
            **os.environ,
            "OIDC_TEST_PORT": str(port),
            "OIDC_TEST_STATE": str(state_file),
            "OIDC_TEST_CLIENT_ID": CLIENT_ID,
            "OIDC_TEST_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_TEST_REDIRECT_URIS": f"{portal_url}/accounts/oidc/callback/",
            "OIDC_TEST_POST_LOGOUT_REDIRECT_URIS": f"{portal_url}/accounts/login/",
        }
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [node, SCRIPT.name],
                cwd=folder,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        provider = cls(process, issuer, state_file, log_path)
        provider._wait_until_up()
        return provider

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the provider stopped:\n{self.log_path.read_text()}")
            try:
                requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the provider did not answer in 30 s:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def steer(self, *, accounts: dict[str, dict[str, Any]], tamper: dict[str, Any] | None = None):
        """Who each login is (claims), and how the token endpoint misbehaves, from now on."""
        staged = self.state_file.with_suffix(".tmp")
        staged.write_text(json.dumps({"accounts": accounts, "tamper": tamper}))
        staged.replace(self.state_file)


def provider_sign_in(
    browser: requests.Session, response: requests.Response, login: str
) -> requests.Response:
    """Fill in the provider's sign-in page as `login` (any password does) and agree to share
    the claims, as a person would; returns where the provider sends the browser back to."""
    for prompt, data in (("login", {"login": login, "password": "any"}), ("consent", {})):
        if f'name="prompt" value="{prompt}"' not in response.text:
            continue
        match = FORM_ACTION.search(response.text)
        assert match, f"no form on the provider's {prompt} page:\n{response.text}"
        response = browser.post(
            urljoin(response.url, match.group(1)), data={"prompt": prompt, **data}, timeout=10
        )
    return response
