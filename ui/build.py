#!/usr/bin/env python
"""Compile the Designer forms and the resources into the package.

    python ui/build.py          # write rentaldesk/gui/forms/ui_*.py and resources_rc.py
    python ui/build.py --check  # exit 1 naming each generated file that is stale

``ui/NAME.ui`` becomes ``rentaldesk/gui/forms/ui_NAME.py`` (``pyside6-uic --from-imports``), and
``resources/resources.qrc`` becomes ``rentaldesk/gui/forms/resources_rc.py`` (``pyside6-rcc``), the
module the forms import for their icons. The generated files are committed; tests/gui checks they
match their sources.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI_DIR = ROOT / "ui"
FORMS_DIR = ROOT / "rentaldesk" / "gui" / "forms"
QRC = ROOT / "resources" / "resources.qrc"
RESOURCES_MODULE = FORMS_DIR / "resources_rc.py"


def _tool(name: str) -> str:
    """The PySide6 tool next to this Python (a venv's bin/), else on PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install PySide6-Essentials")
    return found


def targets() -> dict[Path, list[str]]:
    """Each generated file and the command that prints its content."""
    jobs = {
        FORMS_DIR / f"ui_{form.stem}.py": [_tool("pyside6-uic"), "--from-imports", str(form)]
        for form in sorted(UI_DIR.glob("*.ui"))
    }
    # Format version 1 carries no file timestamps: the output depends on the files' contents only,
    # so a fresh clone (new mtimes) gives the committed module byte for byte.
    jobs[RESOURCES_MODULE] = [_tool("pyside6-rcc"), "--format-version", "1", str(QRC)]
    return jobs


def generate(command: list[str]) -> str:
    # Run from the repo root so no absolute path of this machine ends up in the output.
    relative = [str(Path(arg).relative_to(ROOT)) if arg.startswith(str(ROOT)) and i else arg for i, arg in enumerate(command)]
    return subprocess.run(relative, cwd=ROOT, check=True, capture_output=True, text=True).stdout


_TOOL_VERSION = re.compile(r"^(#+ Created by: .*?) version [0-9.]+$", re.MULTILINE)


def comparable(text: str) -> str:
    """Generated text without the tool's version in its header: any PySide6 the project allows
    gives the same code, so a fresh install must not call the committed files stale."""
    return _TOOL_VERSION.sub(r"\1", text)


def stale() -> list[Path]:
    """The generated files that differ from what their sources give now (or are missing)."""
    return [
        target
        for target, command in targets().items()
        if not target.exists() or comparable(target.read_text(encoding="utf-8")) != comparable(generate(command))
    ]


def build() -> None:
    for target, command in targets().items():
        target.write_text(generate(command), encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        old = stale()
        for path in old:
            print(f"stale: {path.relative_to(ROOT)} (run python ui/build.py)")
        raise SystemExit(1 if old else 0)
    build()
