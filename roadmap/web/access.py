"""Who may open the pages: anyone on this machine, or, once bound off loopback, only with the state's credentials."""

from __future__ import annotations

import ipaddress
import secrets

from roadmap.domain.errors import InvalidInput

LOOPBACK_NAMES = frozenset({"localhost"})


def is_loopback(host: str) -> bool:
    """The address only this machine can reach."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_binding(host: str, credentials: tuple[str, str] | None) -> None:
    """Refuse to listen where other machines can reach the pages unless credentials are configured."""
    if not is_loopback(host) and credentials is None:
        raise InvalidInput(
            f"--host {host} lets other machines in: set IPS_ROADMAP_WEB__USERNAME and IPS_ROADMAP_WEB__PASSWORD "
            "first (or keep the default 127.0.0.1)"
        )


def credentials_match(given: tuple[str, str], expected: tuple[str, str]) -> bool:
    """Compared in constant time, so the check leaks nothing through its timing."""
    same_user = secrets.compare_digest(given[0].encode(), expected[0].encode())
    same_password = secrets.compare_digest(given[1].encode(), expected[1].encode())
    return same_user and same_password
