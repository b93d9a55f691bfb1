#!/usr/bin/env python
"""Render the web site's pages of a network booking (issue 12, item 1) to PNG files in
docs/screenshots/web/: the confirmation while head office cannot be reached (pending, the honest
notice), and once head office has rejected it (the reason). At 375 and 1280 px (the site's
screenshots) and 1024x700 and 1920x1080.

    .venv/bin/python docs/render_web_network_screenshots.py [--out DIR]

The web runs as a channel (``WebChannel``) whose broker address answers nothing (127.0.0.1:9, so
its requests wait in the outbox, pending), on a fresh SQLite file with the sample fleet and the
fixed clock of render_web_screenshots.py; the rejection is written as the sync loop writes one
(status and reason), since no head office runs here.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root: tools/
sys.path.insert(0, str(Path(__file__).resolve().parent))

from render_web_screenshots import NOW, OUT, SEARCH, click, fill, shoot, wait  # noqa: E402
from sqlalchemy import update  # noqa: E402

from rentaldesk.config import KafkaSettings  # noqa: E402
from rentaldesk.db import open_database  # noqa: E402
from rentaldesk.fleet import load_sample_data  # noqa: E402
from rentaldesk.models import Reservation as Row  # noqa: E402
from rentaldesk.web.app import create_app  # noqa: E402
from rentaldesk.web.network import WebChannel  # noqa: E402
from rentaldesk.web.storefront import Storefront  # noqa: E402
from tools.web_browser import browser_missing, chromium, serving  # noqa: E402

SIZES = ((375, 800), (1280, 800), (1024, 700), (1920, 1080))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    missing = browser_missing()
    if missing:
        print(missing, file=sys.stderr)
        return 2
    logging.getLogger("rentaldesk.sync").setLevel(logging.CRITICAL)
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(f"sqlite:///{Path(folder) / 'web.sqlite'}")
        try:
            load_sample_data(db)
            channel = WebChannel(db, KafkaSettings(bootstrap="127.0.0.1:9", topic_prefix="screens"), clock=lambda: NOW,
                                 create_topics=False)
            app = create_app(Storefront(channel.service), secret_key="screenshots", channel=channel)
            with serving(app) as base:
                time.sleep(2)  # past the grace in which a start does not yet say the broker is away
                for width, height in SIZES:
                    with chromium(width, height) as driver:
                        driver.get(base + "/")
                        fill(driver, SEARCH)
                        click(driver, "form.search button[type=submit]")
                        wait(driver, ".offers .offer")
                        click(driver, "button[aria-label^='Book the SUV']")
                        wait(driver, "#name")
                        driver.find_element("id", "name").send_keys("Ann Lee")
                        driver.find_element("id", "email").send_keys(f"ann.net.{width}.{height}@example.com")
                        fill(driver, {"date_of_birth": "1990-05-17"})
                        click(driver, "#terms")
                        click(driver, "form[action='/book'] button[type=submit]")
                        wait(driver, "#booking-status .notice")
                        for name, made in (("13-network-pending", True), ("14-network-rejected", False)):
                            if not made:
                                reference = driver.find_element("id", "reference").text
                                booked = channel.service.get_reservation(reference)
                                # head office's words for a pool with no room: the engine's refusal
                                reason = channel.service.sold_out(vehicle_class=booked.vehicle_class,
                                                                  zip_code=booked.zip_code, start=booked.start,
                                                                  end=booked.end).message
                                with db.write() as s:
                                    s.execute(update(Row).where(Row.reference == reference)
                                              .values(status="rejected", status_reason=reason))
                                driver.get(base + "/confirmation")
                                wait(driver, "#booking-status .status-rejected")
                            path = args.out / f"{name}-{width}x{height}.png"
                            if (width, height) in ((375, 800), (1280, 800)):
                                path = args.out / f"{name}-{width}.png"
                                shoot(driver, path, width)
                            else:
                                driver.save_screenshot(str(path))
                            print(path)
        finally:
            db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
