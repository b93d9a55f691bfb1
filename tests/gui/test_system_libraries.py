"""On a machine with a display but without the X11 libraries Qt's platform plugin needs, the desk
says which Debian packages to install (Qt itself names only libxcb-cursor0) and stops cleanly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rentaldesk.gui.app import debian_package, missing_libraries, window_system_problem, xcb_plugin_binaries

needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None or shutil.which("ldd") is None, reason="needs gcc and ldd")


def build(tmp_path: Path, *sonames: str) -> Path:
    """A real shared object linked against stub libraries of these names (found by its rpath)."""
    for soname in sonames:
        (tmp_path / "stub.c").write_text("int stub(void) { return 0; }\n")
        subprocess.run(["gcc", "-shared", "-fPIC", f"-Wl,-soname,{soname}", "-o", str(tmp_path / soname),
                        str(tmp_path / "stub.c")], check=True)
    (tmp_path / "plugin.c").write_text("int plugin(void) { return 1; }\n")
    plugin = tmp_path / "libplugin.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-Wl,--no-as-needed", f"-Wl,-rpath,{tmp_path}", "-o", str(plugin),
                    str(tmp_path / "plugin.c"), *[str(tmp_path / s) for s in sonames]], check=True)
    return plugin


@needs_gcc
def test_missing_x11_libraries_are_named_with_their_packages(tmp_path):
    plugin = build(tmp_path, "libxcb-icccm.so.4", "libxcb-keysyms.so.1")
    assert window_system_problem({"DISPLAY": ":0"}, "linux", [plugin]) is None  # all there
    (tmp_path / "libxcb-icccm.so.4").unlink()
    (tmp_path / "libxcb-keysyms.so.1").unlink()
    assert missing_libraries([plugin]) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    problem = window_system_problem({"DISPLAY": ":0"}, "linux", [plugin])
    assert problem is not None and "\n" not in problem
    assert problem.endswith("sudo apt-get install libxcb-icccm4 libxcb-keysyms1")
    # not X11: nothing to say
    for environ in ({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, {"WAYLAND_DISPLAY": "wayland-0"}, {}):
        assert window_system_problem(environ, "linux", [plugin]) is None
    assert window_system_problem({"QT_QPA_PLATFORM": "xcb"}, "linux", [plugin]) is not None
    assert window_system_problem({"DISPLAY": ":0"}, "darwin", [plugin]) is None


def test_debian_names_of_libraries():
    assert [debian_package(n) for n in ("libxcb-cursor.so.0", "libxcb-xinput.so.0", "libxkbcommon-x11.so.0",
                                         "libfoo2.so.3", "libEGL.so.1")] == [
        "libxcb-cursor0", "libxcb-xinput0", "libxkbcommon-x11-0", "libfoo2-3", "libegl1"]


def test_the_desk_command_says_what_to_install_on_this_machine(tmp_path):
    problem = window_system_problem({"DISPLAY": ":99"}, sys.platform)
    if problem is None:
        pytest.skip(f"this machine has every library of {xcb_plugin_binaries()[0].name}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "RENTALDESK_", "WAYLAND"))}
    env.update(DISPLAY=":99", HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    run = subprocess.run([sys.executable, "-m", "rentaldesk", "--db", str(tmp_path / "desk.sqlite"), "--gui"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    line = run.stderr.strip().splitlines()[-1]
    assert line == f"rentaldesk: {problem}" and "sudo apt-get install" in line
