"""``rentaldesk settings`` (what this process would run with, passwords hidden) and
``rentaldesk kafka acls --print`` (the ACLs of a secured network, from ``topics.ACCESS``).

Neither opens the database: they read the settings only.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from ..config import Settings, settings_view
from ..errors import InvalidInput
from ..text import branch_code


def cmd_settings(settings: Settings, args: argparse.Namespace) -> None:
    """Print the resolved settings; every password as ``***`` (also with ``--json``)."""
    view = settings_view(settings)
    if args.json:
        print(json.dumps(view, ensure_ascii=False))
        return
    for key in ("db", "db_source", "branch", "config_file"):
        print(f"{key} = {view[key] if view[key] not in (None, '') else '(none)'}")
    for section in ("kafka", "smtp"):
        print(f"[{section}]")
        for key, value in view[section].items():
            print(f"  {key} = {'(none)' if value is None else value}")


def _branch_users(entries: list[str]) -> dict[str, str]:
    users: dict[str, str] = {}
    for entry in entries:
        code_text, _, user = entry.partition("=")
        code = branch_code(code_text)
        if code is None:
            raise InvalidInput(f"--for-branch '{entry}': '{code_text}' is not a branch code "
                               "(1 to 16 letters, digits, '-' or '_'); use CODE or CODE=USER", field="branch")
        users[code] = user.strip() or f"branch-{code.lower()}"
    return users


def cmd_kafka_acls(settings: Settings, args: argparse.Namespace) -> None:
    """Print the ACLs head office and each branch need, as ``kafka-acls.sh`` commands (or JSON)."""
    from ..sync.acls import acl_rules, kafka_acls_commands

    branches = _branch_users(args.for_branch or [])
    if not branches:
        raise InvalidInput("kafka acls: name the branches: --for-branch CODE[=USER] (once per branch; "
                           "the user defaults to branch-<code>)", field="branch")
    rules = acl_rules(settings.kafka.topic_prefix, args.hq_user, branches)
    if args.json:
        print(json.dumps([{"principal": r.principal, "operation": r.operation, "resource": r.resource,
                           "name": r.name, "pattern": r.pattern} for r in rules]))
        return
    bootstrap = settings.kafka.bootstrap.split(",")[0].strip() or "BROKER:9093"
    print(f"# ACLs of topics {settings.kafka.topic_prefix}.*: head office '{args.hq_user}', "
          + ", ".join(f"branch {code} '{user}'" for code, user in sorted(branches.items())))
    print("# run as the cluster's admin; admin.properties holds its security.protocol, sasl.* and ssl.* settings")
    for line in kafka_acls_commands(rules, bootstrap):
        print(line)


def register(commands: Any, settings_command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``settings`` and ``kafka acls`` to the command line."""
    settings_command(commands, "settings", cmd_settings,
                     "show the settings this process runs with (passwords hidden) and where they came from")
    kafka = commands.add_parser("kafka", help="the Kafka network's security (ACLs)",
                                description="The Kafka network of head office and the branches.")
    actions = kafka.add_subparsers(dest="action", metavar="ACTION", title="actions", required=True)
    sub = settings_command(actions, "acls", cmd_kafka_acls,
                           "print the kafka-acls.sh commands that let head office and each branch do their part")
    sub.add_argument("--print", dest="print_acls", action="store_true", required=True,
                     help="print the commands (nothing is changed on the broker)")
    sub.add_argument("--hq-user", default="hq", metavar="USER", help="head office's SASL user (default: hq)")
    sub.add_argument("--for-branch", action="append", metavar="CODE[=USER]",
                     help="a branch and its SASL user (default branch-<code>); once per branch")
