"""How long the ``rentaldesk`` command takes to start and answer, beside baselines in the same run.

Each figure is the median wall time of ``--runs`` fresh processes (interleaved, so a busy moment of the
machine falls on every kind alike):

- ``python -c pass``: the interpreter alone;
- ``import rentaldesk``: the package's ``__init__`` (nothing else);
- ``import sqlalchemy, sqlalchemy.orm``: the floor a command on the database cannot go below;
- ``rentaldesk --version``: the command's imports and parser, no database;
- ``rentaldesk reservations list --db FILE``: a whole command on a database of the sample data (the
  figure of issue 10, item 9).

``--before DIR`` also runs the two commands from another checkout of rentaldesk (e.g. ``git archive``
of an older commit unpacked in DIR), interleaved with the others, to compare before and after in one
run::

    git archive fd11254 rentaldesk resources | tar -x -C /tmp/before
    .venv/bin/python bench/bench_startup.py [--runs 15] [--before /tmp/before]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Runs the command from ``sys.argv[1]``'s tree: the installed (editable) package's finder is set aside.
_FROM_SOURCE = (
    "import sys; src = sys.argv.pop(1); "
    "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in (type(f).__module__ + type(f).__name__).lower()]; "
    "sys.path.insert(0, src); sys.argv[0] = 'rentaldesk'; "
    "from rentaldesk.cli import main; raise SystemExit(main())"
)


def command(source: str | None) -> list[str]:
    if source is None:
        return [sys.executable, "-m", "rentaldesk"]
    return [sys.executable, "-c", _FROM_SOURCE, source]


def wall(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="processes per figure (default 15)")
    parser.add_argument("--before", metavar="DIR", help="also run the commands from this source tree (another checkout)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RENTALDESK_")}
        env.update(HOME=tmp, XDG_DATA_HOME=f"{tmp}/data", XDG_STATE_HOME=f"{tmp}/state",
                   XDG_CONFIG_HOME=f"{tmp}/config")
        db = str(Path(tmp) / "desk.sqlite")
        subprocess.run([*command(None), "--db", db, "fleet", "sample"], env=env, check=True, stdout=subprocess.DEVNULL)
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "import rentaldesk": [sys.executable, "-c", "import rentaldesk"],
            "import sqlalchemy, sqlalchemy.orm": [sys.executable, "-c", "import sqlalchemy, sqlalchemy.orm"],
        }
        here = str(Path(__file__).resolve().parents[1])  # this checkout, started the same way as --before's
        for label, source in ([("before: ", args.before)] if args.before else []) + [("", here)]:
            cases[f"{label}rentaldesk --version"] = [*command(source), "--version"]
            cases[f"{label}rentaldesk reservations list --db FILE"] = [*command(source), "--db", db, "reservations", "list"]
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, argv in cases.items():
                times[name].append(wall(argv, env))

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}; load average {os.getloadavg()[0]:.1f}")
    print(f"{args.runs} processes each, interleaved; median (min-max); 'before:' runs {args.before}")
    for name, values in times.items():
        print(f"  {name:50} {statistics.median(values) * 1000:7.0f} ms  "
              f"({min(values) * 1000:.0f}-{max(values) * 1000:.0f})")


if __name__ == "__main__":
    main()
