"""The demo state without its contacts (and so without its outbox), for tests that add their own people."""

from __future__ import annotations

from tests.conftest import Cli


def demo_without_contacts(cli: Cli, as_of: str) -> Cli:
    """Build the demo, then remove its contacts; their outbox entries go with them."""
    cli.ok("demo", "--as-of", as_of)
    for contact in cli.ok("contact", "list", "--json").json():
        cli.ok("contact", "remove", str(contact["id"]))
    assert cli.ok("outbox", "list", "--json").json() == []
    return cli
