"""``rentaldesk web --kafka`` as a real process: a channel of head office (its replica filled from the
topics, its sync loop run by the app's lifespan), booking through its outbox and showing the decision;
stopped by a signal, it ends without a traceback."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx2
import pytest

from rentaldesk.db import open_database
from rentaldesk.models import Car
from tools.devbroker import free_port

from ..kafka.network import Network, count, statuses, wait_for

pytestmark = pytest.mark.slow


def test_the_web_process_books_through_head_office(kafka_broker, topic_prefix, tmp_path):
    net = Network(kafka_broker.bootstrap, topic_prefix, tmp_path)
    web_path = tmp_path / "web.sqlite"
    open_database(f"sqlite:///{web_path}").close()  # an empty database: the replica fills from the topics
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RENTALDESK_")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               RENTALDESK_TOPIC_PREFIX=topic_prefix)
    log_path = tmp_path / "web.log"
    try:
        net.start_hq()
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "rentaldesk", "--db", str(web_path), "--kafka",
                                     kafka_broker.bootstrap, "web", "--port", str(port)], env=env, stdout=log,
                                    stderr=log)
        web_db = open_database(f"sqlite:///{web_path}")
        try:
            assert net.hq_db is not None
            wait_for(lambda: count(web_db, Car) == count(net.hq_db, Car), timeout=90, what="the web's replica")
            base = f"http://127.0.0.1:{port}"
            with httpx2.Client(base_url=base, timeout=60) as client:
                wait_for(lambda: _answers(client), timeout=60, what="the site")
                token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
                assert token
                day = (datetime.now(ZoneInfo("America/New_York")) + timedelta(days=4)).date()
                answer = client.post("/book", data={
                    "csrf_token": token.group(1), "zip_code": "60666", "start_date": f"{day}", "start_time": "09:00",
                    "end_date": f"{day + timedelta(days=2)}", "end_time": "09:00", "vehicle_class": "COMPACT",
                    "name": "Cy Web", "email": "cy.web@example.com", "date_of_birth": "1985-02-03", "terms": "yes"})
                assert answer.status_code == 303, answer.text[:500]
                assert "Pending" in client.get("/confirmation").text
                shown = client.get("/booking/status", params={"of": "booked"}).text  # the page's long poll
                while "hx-get" in shown:
                    shown = client.get("/booking/status", params={"of": "booked"}).text
                assert "status-confirmed" in shown
            (rid, (status, _)), = statuses(net.hq_db).items()
            assert status == "confirmed"
        finally:
            web_db.close()
        proc.send_signal(signal.SIGTERM)
        # uvicorn shuts down (the lifespan stops the sync loop), then re-raises the signal it caught
        assert proc.wait(30) in (0, -signal.SIGTERM)
    finally:
        if "proc" in locals() and proc.poll() is None:
            proc.kill()
            proc.wait(10)
        net.close()
    said = log_path.read_text()
    assert f"a channel of head office on {kafka_broker.bootstrap}" in said and "Traceback" not in said


def _answers(client: httpx2.Client) -> bool:
    try:
        return client.get("/").status_code == 200
    except httpx2.HTTPError:
        return False
