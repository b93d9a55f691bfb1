"""Issue 13 item 7: passwords never in a repr, the log file or ``--json``; a settings file holding
one that others can read is warned about (the real command, in a real second process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rentaldesk.config import load_settings

KAFKA_SECRET = "kafka-Secret-4711"
SMTP_SECRET = "smtp-Secret-0815"
DB_SECRET = "db-Secret-1234"


def _config(tmp_path: Path, mode: int) -> Path:
    path = tmp_path / "rentaldesk.toml"
    path.write_text(f'[kafka]\nsasl_username = "branch-bos"\nsasl_password = "{KAFKA_SECRET}"\n'
                    f'[smtp]\nusername = "desk"\npassword = "{SMTP_SECRET}"\n', encoding="utf-8")
    path.chmod(mode)
    return path


def test_no_password_in_the_repr_of_the_settings(tmp_path):
    settings = load_settings(f"postgresql://desk:{DB_SECRET}@db.example.com/rentals", {},
                             config=_config(tmp_path, 0o600))
    assert settings.kafka.sasl_password == KAFKA_SECRET  # it is there, to be used
    for text in (repr(settings), repr(settings.kafka), repr(settings.smtp), str(settings)):
        for secret in (KAFKA_SECRET, SMTP_SECRET, DB_SECRET):
            assert secret not in text
    assert "desk:***@db.example.com" in repr(settings)


def _rentaldesk(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RENTALDESK_")}
    env.update(HOME=str(home), XDG_STATE_HOME=str(home / "state"), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"),
               RENTALDESK_DB=f"postgresql://desk:{DB_SECRET}@db.example.com/rentals")
    return subprocess.run([sys.executable, "-m", "rentaldesk", *args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def _log_text(tmp_path: Path) -> str:
    logs = list((tmp_path / "home").rglob("rentaldesk.log"))
    assert logs, "the command wrote no log file"
    return "".join(p.read_text(encoding="utf-8") for p in logs)


@pytest.mark.parametrize("as_json", [False, True])
def test_rentaldesk_settings_hides_every_password_and_warns_of_a_readable_file(tmp_path, as_json):
    config = _config(tmp_path, 0o644)
    done = _rentaldesk(tmp_path, "-vv", "--config", str(config), "settings", *(["--json"] if as_json else []))
    assert done.returncode == 0, done.stderr
    log_text = _log_text(tmp_path)
    for text in (done.stdout, done.stderr, log_text):
        for secret in (KAFKA_SECRET, SMTP_SECRET, DB_SECRET):
            assert secret not in text
    warning = f"{config} holds a password and others can read it (mode 644); make it yours alone: chmod 600 {config}"
    assert warning in done.stderr and warning in log_text
    assert "Traceback" not in done.stderr
    if as_json:
        view = json.loads(done.stdout)
        assert view["kafka"]["sasl_password"] == "***" and view["smtp"]["password"] == "***"
        assert view["kafka"]["sasl_username"] == "branch-bos"
        assert view["db"] == "postgresql://desk:***@db.example.com/rentals"
    else:
        assert "sasl_password = ***" in done.stdout


def test_a_settings_file_only_its_owner_reads_gives_no_warning(tmp_path):
    done = _rentaldesk(tmp_path, "--config", str(_config(tmp_path, 0o600)), "settings")
    assert done.returncode == 0, done.stderr
    assert "others can read it" not in done.stderr
