"""Fakes of one piece for unit tests and the simulation (the real Kafka runs in tests/kafka)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Record:
    """A consumed Kafka record, with the attributes EventConsumer reads."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: tuple = ()
