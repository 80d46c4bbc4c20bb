"""How long a command takes to start, against a bare `python -c "import sqlalchemy, typer, rich"`.

Each command runs as a new process, as a user types it, RUNS times; the median wall time is printed with the
bare import's and the ratio (#23's bar: within 2x). `agency show` runs on the demo state in a scratch folder.
Run: `make bench`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 7
BIN = Path(sys.executable).parent
SLUG = "riverbend-community-mental-health"
AS_OF = "2026-11-23"


def median_s(command: list[str], folder: Path) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, cwd=folder, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    cli = str(BIN / "ips-roadmap")
    # As installed: a package installed by pip comes with its bytecode compiled, but this checkout is installed
    # editable and PYTHONDONTWRITEBYTECODE may be set, which would make every run compile the project again.
    root = Path(__file__).resolve().parent.parent
    packages = [str(root / name) for name in ("roadmap", "stages", "notifications", "flows")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *packages], check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        subprocess.run([cli, "demo", "--as-of", AS_OF], cwd=folder, check=True, stdout=subprocess.DEVNULL)
        bare = median_s([sys.executable, "-c", "import sqlalchemy, typer, rich"], folder)
        print(f"{'bare: python -c import sqlalchemy, typer, rich':52} {bare * 1000:7.0f} ms")
        for name, command in (
            ("ips-roadmap --help", [cli, "--help"]),
            (f"ips-roadmap agency show {SLUG[:12]}…", [cli, "agency", "show", SLUG, "--as-of", AS_OF]),
            ("ips-roadmap agency list --json", [cli, "agency", "list", "--json", "--as-of", AS_OF]),
        ):
            took = median_s(command, folder)
            print(f"{name:52} {took * 1000:7.0f} ms  (ratio {took / bare:4.1f}, median of {RUNS})")


if __name__ == "__main__":
    main()
