"""``rentaldesk web``: its flags' refusals (one line on stderr, exit 2, JSON with --json), and the real
server in a subprocess on a free port answering a browser's requests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from rentaldesk.cli import main
from rentaldesk.db import open_database
from rentaldesk.fleet import load_sample_data


@pytest.fixture
def sample_file(tmp_path):
    path = tmp_path / "branch.sqlite"
    db = open_database(f"sqlite:///{path}")
    load_sample_data(db)
    db.close()
    return path


@pytest.fixture
def quiet_env(tmp_path, monkeypatch):
    for name in ("RENTALDESK_DB", "RENTALDESK_KAFKA", "RENTALDESK_BRANCH", "RENTALDESK_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.mark.parametrize("flags, said", [
    (["--port", "70000"], "--port"),
    (["--port", "eighty"], "--port"),
    (["--branch", "NOPE"], "NOPE"),
])
def test_a_bad_flag_is_one_line_and_exit_2(sample_file, quiet_env, capsys, flags, said):
    assert main(["--db", str(sample_file), "web", *flags]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and said in err and "Traceback" not in err
    assert main(["--db", str(sample_file), "--json", "web", *flags]) == 2
    data = json.loads(capsys.readouterr().err)
    assert data["exit_status"] == 2 and said in data["error"]


def test_a_missing_database_is_refused(tmp_path, quiet_env, capsys):
    assert main(["--db", str(tmp_path / "none.sqlite"), "web"]) == 2
    assert "no database" in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_the_server_serves_the_site(sample_file, tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RENTALDESK_")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    proc = subprocess.Popen([sys.executable, "-m", "rentaldesk", "--db", str(sample_file), "--branch", "BOS-DT",
                             "web", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    page = answer.read().decode()
                    headers = answer.headers
                break
            except OSError:
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, "the server did not answer within a minute"
                time.sleep(0.2)
        assert "Find a car" in page and "Boston Downtown (02108)" in page
        assert "Chicago" not in page  # --branch: that branch's location only
        assert headers["content-security-policy"].startswith("default-src 'self'")
        assert "server" not in {k.lower() for k in headers}
    finally:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    assert f"http://127.0.0.1:{port}/" in err


def test_the_web_site_never_loads_qt():
    code = ("import sys, rentaldesk.web.app, rentaldesk.web.storefront\n"
            "loaded = [m for m in sys.modules if m.startswith('PySide6')]\n"
            "assert not loaded, loaded\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_hash_password_prints_a_hash_the_setting_takes(sample_file, quiet_env, capsys, monkeypatch):
    import io

    from rentaldesk.config import load_settings
    from rentaldesk.passwords import verify_password

    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret pass\n"))
    assert main(["--db", str(sample_file), "web", "--hash-password"]) == 0
    hashed = capsys.readouterr().out.strip()
    assert verify_password("s3cret pass", hashed) and "s3cret" not in hashed
    settings = load_settings(db=str(sample_file), environ={"RENTALDESK_WEB_ADMIN_PASSWORD": hashed})
    assert settings.web.admin_password == hashed
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    assert main(["--db", str(sample_file), "web", "--hash-password"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no password on stdin" in err


def test_a_plain_admin_password_setting_is_refused_at_start(sample_file, quiet_env, capsys, monkeypatch):
    monkeypatch.setenv("RENTALDESK_WEB_ADMIN_PASSWORD", "hunter2")
    assert main(["--db", str(sample_file), "web"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a password hash" in err and "hunter2" not in err
