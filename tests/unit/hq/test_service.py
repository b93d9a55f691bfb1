"""Head office's choice of where its publishers run (no broker needed: refused before connecting)."""

from __future__ import annotations

import pytest

from rentaldesk.config import KafkaSettings, Settings
from rentaldesk.db import open_database
from rentaldesk.hq.service import HeadOffice, _in_memory


@pytest.mark.parametrize("url, memory", [
    ("sqlite://", True),
    ("sqlite:///:memory:", True),
    ("sqlite:///file::memory:?cache=shared&uri=true", True),
    ("sqlite:///{tmp}/hq.sqlite", False),
])
def test_an_in_memory_database_is_told_apart(url, memory, tmp_path):
    db = open_database(url.format(tmp=tmp_path))
    try:
        assert _in_memory(db) is memory
    finally:
        db.close()


def test_a_publisher_process_cannot_share_an_in_memory_database():
    db = open_database("sqlite://")
    settings = Settings(db_url="sqlite://", kafka=KafkaSettings(bootstrap="127.0.0.1:9"))
    try:
        with pytest.raises(ValueError, match="in-memory database"):
            HeadOffice(db, settings, publisher="process")
        with pytest.raises(ValueError, match="publisher must be"):
            HeadOffice(db, settings, publisher="elsewhere")
    finally:
        db.close()
