"""Which addresses the portal talks to an identity provider at. Pure Python: the settings
module checks the configured ones with it, and the sign-in code the ones a provider announces."""

from __future__ import annotations

from ipaddress import ip_address
from urllib.parse import urlsplit

LOOPBACK_NAMES = {"localhost"}


def _loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def provider_url_refusal(url: str) -> str:
    """Why the portal will not send sign-in traffic to `url`, or "" when it will.

    Codes, tokens and keys travel over HTTPS only; plain HTTP is allowed to this machine alone,
    for development and tests against a provider on loopback.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "is not a URL"
    if parts.scheme not in ("https", "http") or not host:
        return "must be an https:// URL"
    if parts.username or parts.password:
        return "must not hold a user name or password"
    if parts.fragment:
        return "must not have a #fragment"
    if parts.scheme == "http" and not _loopback(host):
        return "must use https:// (plain http:// only to localhost)"
    return ""
