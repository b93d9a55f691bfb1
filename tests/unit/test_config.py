"""Settings: every bad value, from the file or the environment, is one clear refusal naming the
setting (or variable) and where it came from; good values are read as given."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rentaldesk.config import check_branch_known, load_settings
from rentaldesk.errors import InvalidInput


def settings_file(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "rentaldesk.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("toml", "phrases"),
    [
        ("[smtp]\nport = 3.7\n", ["[smtp]: 'port' must be a whole number from 1 to 65535, not 3.7"]),
        ("[smtp]\nport = -1\n", ["[smtp]: 'port' -1 must be 1 or more"]),
        ("[smtp]\nport = 99999999999\n", ["[smtp]: 'port' 99999999999 is too large: at most 65,535"]),
        ("[smtp]\nport = true\n", ["'port' must be a whole number"]),
        ("[smtp]\nport = '25x'\n", ["'port' '25x' is not a whole number"]),
        ("[smtp]\ntimeout = nan\n", ["'timeout' must be a number from 0.1 to 600"]),
        ("[smtp]\ntimeout = inf\n", ["'timeout' must be a number"]),
        ("[smtp]\nstarttls = 'maybe'\n", ["'starttls' must be true or false"]),
        ("[smtp]\nhost = 7\n", ["'host' must be text, not 7"]),
        ('branch = ["bos", "dt"]\n', ["'branch' must be text (a branch code), not a list"]),
        ('branch = "BOS DT"\n', ["'branch' 'BOS DT' is not a branch code"]),
        ("db = 5\n", ["'db' must be text"]),
        ("[kafka]\nsecurity_protocol = 'TLS'\n", ["'security_protocol' must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"]),
        ("[kafka]\nsasl_mechanism = 'MD5'\n", ["'sasl_mechanism' must be one of PLAIN"]),
        ("[kafka]\ntopic_prefix = 'my topics'\n", ["'topic_prefix' must be 1 to 200 letters", "'my topics'"]),
        ("[kafka]\ntopic_prefix = ''\n", ["'topic_prefix' must be"]),
        ("[kafka]\nbootstrap = '!!!'\n", ["broker address '!!!'"]),
        ("[kafka]\nlinger = 5\n", ["unknown setting 'linger'"]),
        ("[smtp]\n[smtp]\n", ["is not valid TOML"]),
        ("smtp = 1\n", ["[smtp] must be a table"]),
    ],
)
def test_a_bad_value_in_the_file_is_refused_naming_it(tmp_path: Path, toml: str, phrases: list[str]) -> None:
    path = settings_file(tmp_path, toml)
    with pytest.raises(InvalidInput) as exc:
        load_settings(None, environ={}, config=path)
    message = str(exc.value)
    assert "\n" not in message and str(path) in message
    for phrase in phrases:
        assert phrase in message


def test_a_file_that_is_not_utf8_is_refused_naming_the_byte(tmp_path: Path) -> None:
    path = settings_file(tmp_path, b'branch = "BOS-DT"\n# caf\xe9\n')
    with pytest.raises(InvalidInput, match=r"is not UTF-8 text \(byte 24 is not\); save it as UTF-8"):
        load_settings(None, environ={}, config=path)


@pytest.mark.parametrize(
    ("variable", "value", "phrase"),
    [
        ("RENTALDESK_SMTP_PORT", "-99999", "RENTALDESK_SMTP_PORT -99999 must be 1 or more"),
        ("RENTALDESK_SMTP_PORT", "3.7", "RENTALDESK_SMTP_PORT '3.7' is not a whole number"),
        ("RENTALDESK_SMTP_PORT", "99999999999999999999999", "is too large: at most 65,535"),
        ("RENTALDESK_SMTP_STARTTLS", "sometimes", "RENTALDESK_SMTP_STARTTLS must be true or false"),
        ("RENTALDESK_KAFKA", "!!!", "RENTALDESK_KAFKA: broker address '!!!'"),
        ("RENTALDESK_KAFKA", "broker:0", "has no valid port"),
        ("RENTALDESK_KAFKA_SECURITY_PROTOCOL", "SSLv3", "RENTALDESK_KAFKA_SECURITY_PROTOCOL must be one of"),
        ("RENTALDESK_TOPIC_PREFIX", "a b", "RENTALDESK_TOPIC_PREFIX must be 1 to 200 letters"),
        ("RENTALDESK_TOPIC_PREFIX", "x" * 201, "RENTALDESK_TOPIC_PREFIX must be"),
        ("RENTALDESK_BRANCH", "BOS/DT", "RENTALDESK_BRANCH 'BOS/DT' is not a branch code"),
    ],
)
def test_a_bad_environment_variable_is_refused_naming_it(tmp_path: Path, variable: str, value: str, phrase: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        load_settings(None, environ={variable: value}, config=settings_file(tmp_path, ""))
    assert phrase in str(exc.value) and "\n" not in str(exc.value)


def test_good_values_are_read() -> None:
    settings = load_settings(None, environ={
        "RENTALDESK_SMTP_PORT": "587", "RENTALDESK_KAFKA_SECURITY_PROTOCOL": "sasl_ssl",
        "RENTALDESK_KAFKA_SASL_MECHANISM": "scram-sha-512", "RENTALDESK_TOPIC_PREFIX": "acme.rentals-2",
        "RENTALDESK_BRANCH": "bos-dt", "RENTALDESK_SMTP_STARTTLS": "yes",
    }, config="/dev/null")
    assert settings.smtp.port == 587 and settings.smtp.starttls is True
    assert (settings.kafka.security_protocol, settings.kafka.sasl_mechanism) == ("SASL_SSL", "SCRAM-SHA-512")
    assert settings.kafka.topic_prefix == "acme.rentals-2" and settings.branch == "BOS-DT"


def test_the_flag_wins_and_is_checked_first() -> None:
    with pytest.raises(InvalidInput, match="--branch 'A B' is not a branch code"):
        load_settings(None, environ={"RENTALDESK_BRANCH": "BOS-DT"}, branch="a b", config="/dev/null")
    assert load_settings(None, environ={"RENTALDESK_BRANCH": "a b"}, branch="ORD-AP", config="/dev/null").branch == "ORD-AP"


def test_an_unknown_branch_code_is_refused_where_the_database_knows_branches() -> None:
    check_branch_known("BOS-DT", {"BOS-DT", "ORD-AP"})
    check_branch_known("NEW-1", set())  # a new branch: its branches come from head office
    with pytest.raises(InvalidInput, match="branch 'XYZ' is not one of this database's branches: BOS-DT, ORD-AP"):
        check_branch_known("XYZ", {"ORD-AP", "BOS-DT"})


@given(st.dictionaries(st.sampled_from(["RENTALDESK_SMTP_PORT", "RENTALDESK_SMTP_STARTTLS", "RENTALDESK_KAFKA",
                                        "RENTALDESK_TOPIC_PREFIX", "RENTALDESK_KAFKA_SECURITY_PROTOCOL",
                                        "RENTALDESK_BRANCH", "RENTALDESK_DB"]),
                       st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))))
def test_any_environment_gives_settings_or_a_refusal(environ: dict[str, str]) -> None:
    try:
        settings = load_settings(None, environ=environ, config="/dev/null")
    except InvalidInput as exc:
        assert "\n" not in str(exc)
    else:
        assert 1 <= settings.smtp.port <= 65535


@given(st.binary(max_size=200))
def test_any_settings_file_gives_settings_or_a_refusal(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("config") / "rentaldesk.toml"
    path.write_bytes(raw)
    try:
        load_settings(None, environ={}, config=path)
    except InvalidInput:
        pass


def test_a_settings_file_that_is_not_a_file_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)  # reading it would wait for a writer forever
    for path in (fifo, tmp_path, Path("/dev/zero")):
        with pytest.raises(InvalidInput, match="is not a regular file"):
            load_settings(None, environ={}, config=path)
    assert load_settings(None, environ={}, config="/dev/null").config_file is None  # no settings
