"""Prefect's settings for this product, set before Prefect is imported (it reads them once, at import)."""

from __future__ import annotations

import os
from pathlib import Path

# Offline and private by default: no telemetry; normal output stays ours (Prefect's own INFO lines go to its UI).
QUIET = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    # The local temporary server can take 20 s to start on a small machine the first time.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


def prepare(data_dir: Path) -> None:
    """Without PREFECT_API_URL, Prefect runs a local server whose state lives in PREFECT_HOME.

    A user's own PREFECT_HOME or PREFECT_API_URL wins; otherwise Prefect's state goes under our data directory,
    never into a shared ~/.prefect.
    """
    if "PREFECT_API_URL" not in os.environ and "PREFECT_HOME" not in os.environ:
        home = (data_dir / "prefect").resolve()
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.environ["PREFECT_HOME"] = str(home)
    for name, value in QUIET.items():
        os.environ.setdefault(name, value)
