"""``rentaldesk sync`` and ``rentaldesk hq`` with a broker address that cannot work.

- Unreachable (nothing listens, or the host drops every packet): the process starts, says once that
  it cannot reach the broker, and stops at SIGTERM or Ctrl-C. (The hang guards below are generous;
  how fast it stops is the bench's figure, not a test's.)
- Malformed (no port, an empty port, a bad host): refused at start with one line on stderr and exit
  status 2, never a traceback and never a process that runs on.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tools.devbroker import free_port

#: Hang guards only: far above what the commands take.
START_GUARD = 60.0
STOP_GUARD = 10.0

COMMANDS = {
    "sync": ["--branch", "BOS-DT", "sync"],
    "hq": ["hq", "--no-mail"],
}


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "none.toml").write_text("")
    return {**os.environ, "RENTALDESK_CONFIG": str(tmp_path / "none.toml"), "HOME": str(tmp_path),
            "PYTHONWARNINGS": "ignore"}


def rentaldesk(tmp_path: Path, bootstrap: str, command: str) -> list[str]:
    return [sys.executable, "-m", "rentaldesk", "--db", str(tmp_path / f"{command}.sqlite"), "--kafka", bootstrap,
            *COMMANDS[command]]


def wait_for_line(path: Path, text: str, proc: subprocess.Popen) -> str:
    deadline = time.monotonic() + START_GUARD
    while time.monotonic() < deadline:
        output = path.read_text(errors="replace")
        if text in output:
            return output
        assert proc.poll() is None, f"exited with {proc.returncode} before saying {text!r}:\n{output}"
        time.sleep(0.1)
    raise AssertionError(f"no {text!r} within {START_GUARD:.0f} s:\n{path.read_text(errors='replace')}")


@pytest.mark.parametrize("command, sig, where", [
    ("sync", signal.SIGTERM, "refused"),
    ("sync", signal.SIGINT, "dropped"),
    ("hq", signal.SIGTERM, "dropped"),
    ("hq", signal.SIGINT, "refused"),
], ids=["sync-refused-SIGTERM", "sync-dropped-Ctrl-C", "hq-dropped-SIGTERM", "hq-refused-Ctrl-C"])
def test_an_unreachable_broker_is_said_once_and_a_signal_stops_the_process(tmp_path, env, command, sig, where):
    # "dropped": an address of TEST-NET-1 (RFC 5737), routed nowhere, so a connect hangs.
    bootstrap = f"127.0.0.1:{free_port()}" if where == "refused" else "192.0.2.1:9092"
    out = tmp_path / "out.log"
    with open(out, "wb") as log:
        proc = subprocess.Popen(rentaldesk(tmp_path, bootstrap, command), env=env, stdout=log, stderr=log)
    try:
        wait_for_line(out, f"cannot reach the broker {bootstrap}", proc)
        time.sleep(2.5)  # a few more tries: none of them is another line
        proc.send_signal(sig)
        try:
            code = proc.wait(STOP_GUARD)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {STOP_GUARD:.0f} s after {sig.name}:\n{out.read_text(errors='replace')}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    output = out.read_text(errors="replace")
    assert code == 0, output
    assert output.count("cannot reach the broker") == 1, output
    assert "Traceback" not in output, output


@pytest.mark.parametrize("command, bootstrap, problem", [
    ("sync", "nohost", "has no port"),
    ("sync", "::::", "has no port"),
    ("sync", "localhost:", "has no port"),
    ("sync", "broker1:http", "has no valid port ('http')"),
    ("sync", "bad host:9092", "has no valid host"),
    ("hq", "nohost", "has no port"),
    ("hq", "::::", "has no port"),
])
def test_a_malformed_broker_address_is_refused_at_start(tmp_path, env, command, bootstrap, problem):
    try:
        done = subprocess.run(rentaldesk(tmp_path, bootstrap, command), env=env, capture_output=True, text=True,
                              timeout=START_GUARD)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"still running {START_GUARD:.0f} s after its start with --kafka {bootstrap!r}: {exc.stderr!r}")
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        f"rentaldesk: error: --kafka: broker address '{bootstrap}' {problem}; use HOST:PORT, e.g. broker1:9092"
    ]
