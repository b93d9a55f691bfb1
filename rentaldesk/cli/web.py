"""``rentaldesk web``: the customers' web site (:mod:`rentaldesk.web`) on this database, served by
uvicorn until interrupted."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from ..display import parse_whole_number
from ..errors import InvalidInput
from .desk import Desk

log = logging.getLogger("rentaldesk.cli")

#: Where the site listens by default: this machine only (put a TLS proxy in front to publish it).
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
#: The key that signs the visitors' session cookies; without it a random one per start.
SECRET_VARIABLE = "RENTALDESK_WEB_SECRET"


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


def cmd_web(desk: Desk, args: argparse.Namespace) -> None:
    settings = desk.settings
    try:
        import uvicorn

        from ..web.app import create_app
        from ..web.network import WebChannel
        from ..web.storefront import Storefront
    except ImportError as exc:
        raise InvalidInput(f"the web site needs its extra: pip install 'rentaldesk[web]' ({exc.name} is missing)",
                           field="web") from None
    branch = (settings.branch or None) if settings is not None else None
    secret = os.environ.get(SECRET_VARIABLE) or None
    if settings is not None and settings.kafka.enabled:
        # A channel of the network: this database is the web's replica, kept by its sync loop
        # (started and stopped with the app); head office decides every booking.
        channel = WebChannel(desk.db, settings.kafka)
        app = create_app(Storefront(channel.service, branch=branch), secret_key=secret, channel=channel)
        where = f"; a channel of head office on {settings.kafka.bootstrap} (topics {settings.kafka.topic_prefix}.*)"
    else:
        app = create_app(Storefront(desk.service, branch=branch), secret_key=secret)
        where = ""
    print(f"the web site is at http://{args.host}:{args.port}/{where} (Ctrl+C stops it)", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", server_header=False)
