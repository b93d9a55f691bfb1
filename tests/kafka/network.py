"""A head office and branches on a real broker, in one process (threads), for the sync tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from rentaldesk.config import KafkaSettings, Settings, SmtpSettings, WebSettings
from rentaldesk.db import Database, open_database
from rentaldesk.fleet import load_sample_data
from rentaldesk.hq.service import HeadOffice
from rentaldesk.models import Car
from rentaldesk.models import Reservation as Row
from rentaldesk.reservations import ReservationService
from rentaldesk.sync.branch import BranchOutbox, BranchSync
from tools.polling import count, wait_for  # noqa: F401 (the tests' helpers, from here)


def statuses(db: Database) -> dict[str, tuple[str, str | None]]:
    """reservation id -> (status, plate of its car)."""
    with db.session() as s:
        rows = s.execute(select(Row.id, Row.status, Car.plate_number).join(Car, Car.car_id == Row.car_id))
        return {rid: (status, plate) for rid, status, plate in rows}


@dataclass
class Branch:
    code: str
    db: Database
    service: ReservationService
    sync: BranchSync


@dataclass
class Network:
    bootstrap: str
    prefix: str
    root: Path
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    #: head office's [web] section (the web site's public_url and secret: its mails' manage links)
    web: WebSettings = field(default_factory=WebSettings)
    hq_db: Database | None = None
    hq: HeadOffice | None = None
    branches: dict[str, Branch] = field(default_factory=dict)
    #: on a secured broker: the Kafka settings of head office ("") and of each branch (its code)
    credentials: Callable[[str], KafkaSettings] | None = None

    @property
    def kafka(self) -> KafkaSettings:
        return KafkaSettings(bootstrap=self.bootstrap, topic_prefix=self.prefix)

    def kafka_of(self, branch: str = "") -> KafkaSettings:
        return self.kafka if self.credentials is None else self.credentials(branch)

    def settings(self, branch: str = "") -> Settings:
        return Settings(db_url="unused", branch=branch, kafka=self.kafka_of(branch), smtp=self.smtp, web=self.web)

    def start_hq(self, *, notifications: bool = False, sample: bool = True, publisher: str = "auto") -> HeadOffice:
        if self.hq_db is None:
            self.hq_db = open_database(f"sqlite:///{self.root / 'hq.sqlite'}")
            if sample:
                load_sample_data(self.hq_db)
        self.hq = HeadOffice(self.hq_db, self.settings(), notifications=notifications, publisher=publisher)
        self.hq.start()
        return self.hq

    def add_branch(self, code: str, *, wait_fleet: bool = True) -> Branch:
        db = open_database(f"sqlite:///{self.root / f'{code}.sqlite'}")
        service = ReservationService(db, link=BranchOutbox(code))
        sync = BranchSync(db, service, self.kafka_of(code), code)
        sync.start()
        branch = Branch(code, db, service, sync)
        self.branches[code] = branch
        if wait_fleet and self.hq_db is not None:
            cars = count(self.hq_db, Car)
            wait_for(lambda: count(db, Car) == cars, what=f"branch {code} to receive the fleet ({cars} cars)")
        return branch

    def close(self) -> None:
        for branch in self.branches.values():
            branch.sync.stop()
            branch.db.close()
        if self.hq is not None:
            self.hq.stop()
        if self.hq_db is not None:
            self.hq_db.close()
