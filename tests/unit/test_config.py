"""Settings: every bad value, from the file or the environment, is one clear refusal naming the
setting (or variable) and where it came from; good values are read as given."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rentaldesk.config import ENV_FIELDS, RULES, check_branch_known, check_setting, load_settings
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
        ("[smtp]\nport = '25x'\n", ["[smtp]: 'port' must be a whole number from 1 to 65535, not '25x'"]),
        ('[smtp]\nport = "25"\n', ["[smtp]: 'port' must be a whole number from 1 to 65535, not '25'"]),
        ("[smtp]\ntimeout = '10'\n", ["'timeout' must be a number from 0.1 to 600 (seconds), not '10'"]),
        ("[smtp]\nstarttls = 'true'\n", ["'starttls' must be true or false, not 'true'"]),
        ("[smtp]\nhost = ''\n", ["[smtp]: 'host' '' is not a host name or address"]),
        ("[smtp]\nhost = 'mail example.com'\n", ["'host' 'mail example.com' is not a host name"]),
        ("[smtp]\nhost = 'mail.example.com:587'\n", ["is not a host name", "the port goes in 'port'"]),
        ("[smtp]\nhost = \"mail\\n.example.com\"\n", ["'host' holds a line break at character 5"]),
        ("[smtp]\nsender = 'nobody'\n", ["[smtp]: 'sender' 'nobody' is not a mail sender"]),
        ("[smtp]\nsender = 'Desk <desk@example.com'\n", ["'sender' 'Desk <desk@example.com' is not a mail sender"]),
        ("[smtp]\nsender = 'a b@example.com'\n", ["is not a mail sender"]),
        ("[smtp]\nsender = \"Desk\\u001b[2J <d@example.com>\"\n", ["'sender' holds an escape character (ESC)"]),
        ("[smtp]\nusername = 5\n", ["'username' must be text (a user name), not 5"]),
        ("[smtp]\nusername = \"ann\\tbo\"\n", ["'username' holds a tab at character 4"]),
        ("[smtp]\npassword = []\n", ["'password' must be text (a password), not a list"]),
        (f"[smtp]\nusername = '{'u' * 256}'\n", ["'username' is 256 characters long; at most 255"]),
        ("[kafka]\nssl_cafile = '/no/such/ca.pem'\n", ["'ssl_cafile' '/no/such/ca.pem' is not a file"]),
        ("[kafka]\nsasl_username = 1\n", ["'sasl_username' must be text"]),
        ("[kafka]\nbootstrap = 9092\n", ["'bootstrap' must be text"]),
        ("[smtp]\ntimeout = nan\n", ["'timeout' must be a number from 0.1 to 600"]),
        ("[smtp]\ntimeout = inf\n", ["'timeout' must be a number"]),
        ("[smtp]\nstarttls = 'maybe'\n", ["'starttls' must be true or false"]),
        ("[smtp]\nhost = 7\n", ["'host' must be text (a host name such as mail.example.com), not 7"]),
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


def test_the_flag_wins_and_every_source_is_checked() -> None:
    with pytest.raises(InvalidInput, match="--branch 'a b' is not a branch code"):
        load_settings(None, environ={"RENTALDESK_BRANCH": "BOS-DT"}, branch="a b", config="/dev/null")
    with pytest.raises(InvalidInput, match="RENTALDESK_BRANCH 'a b' is not a branch code"):
        load_settings(None, environ={"RENTALDESK_BRANCH": "a b"}, branch="ORD-AP", config="/dev/null")
    settings = load_settings(None, environ={"RENTALDESK_BRANCH": "bos-dt"}, branch="ord-ap", config="/dev/null")
    assert (settings.branch, settings.branch_given) == ("ORD-AP", "--branch 'ord-ap'")


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


@pytest.mark.parametrize(
    ("variable", "value", "phrase"),
    [
        ("RENTALDESK_SMTP_PORT", "", "RENTALDESK_SMTP_PORT is empty; set it to a whole number from 1 to 65535, or unset it"),
        ("RENTALDESK_SMTP_PORT", "   ", "RENTALDESK_SMTP_PORT is empty"),
        ("RENTALDESK_SMTP_HOST", "", "RENTALDESK_SMTP_HOST is empty; set it to a host name"),
        ("RENTALDESK_SMTP_HOST", "mail host", "RENTALDESK_SMTP_HOST 'mail host' is not a host name"),
        ("RENTALDESK_SMTP_SENDER", "", "RENTALDESK_SMTP_SENDER is empty"),
        ("RENTALDESK_SMTP_SENDER", "desk@", "RENTALDESK_SMTP_SENDER 'desk@' is not a mail sender"),
        ("RENTALDESK_SMTP_SENDER", "Desk\x1b]0;x\x07 <d@example.com>", "RENTALDESK_SMTP_SENDER holds an escape character"),
        ("RENTALDESK_SMTP_USERNAME", "ann\nroot", "RENTALDESK_SMTP_USERNAME holds a line break at character 4"),
        ("RENTALDESK_SMTP_PASSWORD", "x" * 1025, "RENTALDESK_SMTP_PASSWORD is 1,025 characters long"),
        ("RENTALDESK_SMTP_STARTTLS", "", "RENTALDESK_SMTP_STARTTLS is empty; set it to true or false"),
        ("RENTALDESK_TOPIC_PREFIX", "", "RENTALDESK_TOPIC_PREFIX is empty"),
        ("RENTALDESK_KAFKA_SECURITY_PROTOCOL", "", "RENTALDESK_KAFKA_SECURITY_PROTOCOL is empty"),
        ("RENTALDESK_KAFKA_SSL_CAFILE", "/no/such.pem", "RENTALDESK_KAFKA_SSL_CAFILE '/no/such.pem' is not a file"),
    ],
)
def test_an_empty_or_odd_variable_is_refused_naming_it(tmp_path: Path, variable: str, value: str, phrase: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        load_settings(None, environ={variable: value}, config=settings_file(tmp_path, ""))
    assert phrase in str(exc.value) and "\n" not in str(exc.value)


def test_an_empty_optional_variable_unsets_it_and_an_empty_broker_list_is_standalone(tmp_path: Path) -> None:
    path = settings_file(tmp_path, '[smtp]\nusername = "desk"\n[kafka]\nbootstrap = "b1:9092"\n')
    settings = load_settings(None, environ={"RENTALDESK_SMTP_USERNAME": "", "RENTALDESK_KAFKA": ""}, config=path)
    assert settings.smtp.username is None and not settings.kafka.enabled
    assert load_settings(None, environ={}, config=path).smtp.username == "desk"


def test_mail_settings_are_read_as_given(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    path = settings_file(tmp_path, f'[smtp]\nhost = "mail.example.com"\nport = 587\ntimeout = 5\n'
                                   f'sender = "Rentaldesk Boston <reservations@example.com>"\nusername = "desk"\n'
                                   f'password = "pa ss word"\n[kafka]\nssl_cafile = "{ca}"\n')
    settings = load_settings(None, environ={"RENTALDESK_SMTP_HOST": "[::1]"}, config=path)
    assert (settings.smtp.host, settings.smtp.port, settings.smtp.timeout) == ("::1", 587, 5.0)
    assert settings.smtp.sender == "Rentaldesk Boston <reservations@example.com>"
    assert (settings.smtp.username, settings.smtp.password, settings.kafka.ssl_cafile) == ("desk", "pa ss word", str(ca))
    assert load_settings(None, environ={"RENTALDESK_SMTP_SENDER": "desk@localhost"}, config=path).smtp.sender == "desk@localhost"


def test_every_setting_has_its_rule_and_every_variable_a_setting() -> None:
    """The one check (check_setting) knows every field of the settings: a field added without a
    rule could not be set at all, so it could not slip through unchecked either."""
    from dataclasses import fields

    from rentaldesk.config import KafkaSettings, SmtpSettings, WebSettings

    assert {(section, f.name) for section, cls in (("kafka", KafkaSettings), ("smtp", SmtpSettings),
                                                    ("web", WebSettings))
            for f in fields(cls)} | {("", "db"), ("", "branch")} == set(RULES)
    assert set(ENV_FIELDS.values()) <= set(RULES)


_SETTING_KEYS = [("kafka", "bootstrap"), ("kafka", "topic_prefix"), ("kafka", "security_protocol"),
                 ("kafka", "sasl_mechanism"), ("kafka", "sasl_username"), ("smtp", "host"), ("smtp", "port"),
                 ("smtp", "username"), ("smtp", "password"), ("smtp", "sender"), ("smtp", "starttls"),
                 ("smtp", "timeout"), ("web", "admin_password"), ("web", "public_url"), ("web", "https_only"),
                 ("", "branch"), ("", "db")]
_TOML_VALUES = st.one_of(st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                         st.lists(st.integers(), max_size=2), st.sampled_from(["25", "587", "true", "", " ", "a@b"]))


@given(st.sampled_from(_SETTING_KEYS), _TOML_VALUES)
def test_any_value_of_any_key_is_kept_of_its_kind_or_refused_naming_the_key(key: tuple[str, str], value: object) -> None:
    """The property of the one check, for file values: what is kept has the setting's kind (a
    port is an int in range, never the text "25"); what is not is one line naming the key."""
    section, name = key
    rule = RULES[key]
    try:
        kept = check_setting(section, name, value, f"f.toml: '{name}'", from_text=False)
    except InvalidInput as exc:
        assert f"f.toml: '{name}'" in str(exc) and "\n" not in str(exc)
        return
    kinds = {"whole": int, "number": float, "bool": bool, "text": str}
    assert kept is None and rule.optional or isinstance(kept, kinds[rule.kind])
    if rule.kind == "whole":
        assert not isinstance(value, (bool, str)) and rule.least <= kept <= rule.most
    if rule.kind == "text" and kept is not None:
        assert isinstance(value, str) and "\n" not in kept


@given(st.sampled_from(sorted(ENV_FIELDS)),
       st.text(st.characters(exclude_categories=("Cs",)), max_size=30))
def test_any_text_of_any_variable_is_kept_of_its_kind_or_refused_naming_it(variable: str, value: str) -> None:
    rule = RULES[ENV_FIELDS[variable]]
    try:
        settings = load_settings(None, environ={variable: value}, config="/dev/null")
    except InvalidInput as exc:
        assert variable in str(exc) and "\n" not in str(exc)
        return
    section, name = ENV_FIELDS[variable]
    kept = getattr(getattr(settings, section), name)
    if not value.strip() and not rule.empty:
        assert kept is None and rule.optional  # an empty variable only unsets an optional setting
    elif rule.kind == "whole":
        assert isinstance(kept, int) and rule.least <= kept <= rule.most


@given(st.text(st.characters(whitelist_categories=("Ll", "Lu", "Nd"), whitelist_characters="._-/ "), min_size=1,
               max_size=30).filter(lambda p: p.strip() == p and p.strip("/")),
       st.sampled_from(["", "?mode=ro", "?mode=ro&uri=true", "?uri=true", "?mode=rw&cache=shared"]))
def test_an_sqlite_uri_names_its_file_whatever_its_path_and_options(path: str, query: str) -> None:
    """A bare ``file:`` URI (as SQLite writes one) is that URI, never a relative path named 'file:...'."""
    from rentaldesk.config import db_url_from
    from rentaldesk.db import sqlite_path

    for uri in (f"file:{path}{query}", f"FILE:{path}{query}"):
        url = db_url_from(uri)
        assert url.startswith("sqlite:///file:") and url.count("uri=true") == 1
        assert sqlite_path(url) == Path(path)
        assert ("mode=ro" in url) == ("mode=ro" in query)
