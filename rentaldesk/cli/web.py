"""``rentaldesk web``: the customers' web site (:mod:`rentaldesk.web`) on this database, served by
uvicorn until interrupted."""

from __future__ import annotations

import argparse
import logging
import sys

from ..display import parse_whole_number
from ..errors import InvalidInput
from .desk import Desk

log = logging.getLogger("rentaldesk.cli")

#: Where the site listens by default: this machine only (put a TLS proxy in front to publish it).
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


def port(text: str) -> int:
    """A TCP port, 1 to 65535 (0: any free port)."""
    try:
        return parse_whole_number(text, option="--port", least=0, most=65535)
    except InvalidInput as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_command(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--host", default=DEFAULT_HOST, metavar="HOST",
                     help=f"the address to listen on (default: {DEFAULT_HOST}, this machine only)")
    sub.add_argument("--port", type=port, default=DEFAULT_PORT, metavar="PORT",
                     help=f"the port to listen on (default: {DEFAULT_PORT})")
    sub.add_argument("--hash-password", action="store_true",
                     help="read a password on stdin and print its hash for the setting web.admin_password "
                          "(the dashboard's sign-in while the database has no staff account), then exit")


def cmd_web(desk: Desk, args: argparse.Namespace) -> None:
    if args.hash_password:
        from ..passwords import hash_password

        password = sys.stdin.readline().rstrip("\r\n")
        if not password.strip():
            raise InvalidInput("--hash-password: no password on stdin (type it, then Enter)", field="password")
        print(hash_password(password))
        return
    settings = desk.settings
    try:
        import uvicorn

        from ..web.app import create_app
        from ..web.network import WebChannel
        from ..web.storefront import Storefront
    except ImportError as exc:
        raise InvalidInput(f"the web site needs its extra: pip install 'rentaldesk[web]' ({exc.name} is missing)",
                           field="web") from None
    from ..config import WebSettings
    from ..staff import has_staff
    from ..web.dashboard import DashboardSettings

    branch = (settings.branch or None) if settings is not None else None
    web = settings.web if settings is not None else WebSettings()
    # the settings' web.secret (or RENTALDESK_WEB_SECRET): head office signs its mails' manage links with it too
    secret = web.secret
    channel = None
    if settings is not None and settings.kafka.enabled:
        # A channel of the network: this database is the web's replica, kept by its sync loop
        # (started and stopped with the app); head office decides every booking.
        channel = WebChannel(desk.db, settings.kafka)
        store = Storefront(channel.service, branch=branch)
        where = f"; a channel of head office on {settings.kafka.bootstrap} (topics {settings.kafka.topic_prefix}.*)"
    else:
        store = Storefront(desk.service, branch=branch)
        where = ""
    locations = store.locations()
    # "Today" on the dashboard: the branch's day when the site serves one, else UTC.
    zone = locations[0].zone if len(locations) == 1 else DashboardSettings(None).zone
    if web.public_url and secret is None:
        log.warning("web: web.secret (RENTALDESK_WEB_SECRET) is not set, so the manage links in the mails stop "
                    "working when the site restarts%s", ", and head office's mails carry none" if channel else "")
    if web.admin_password is None and not has_staff(desk.db):
        log.warning("web: no staff account and web.admin_password is not set: the dashboard is off")
    app = create_app(store, secret_key=secret, https_only=web.https_only,
                     # in a network head office mails the decision (hq/notifications): the site's own
                     # mail is the standalone site's, or the customer would hear twice
                     smtp=settings.smtp if settings is not None and web.public_url and channel is None else None,
                     public_url=web.public_url, dashboard=DashboardSettings(web.admin_password, zone=zone),
                     channel=channel)
    print(f"the web site is at http://{args.host}:{args.port}/{where} (Ctrl+C stops it)", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", server_header=False)
