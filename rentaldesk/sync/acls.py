"""The Kafka ACLs of a secured network, made from :data:`rentaldesk.sync.topics.ACCESS`.

One source: who writes and reads each topic is said once, in ``topics.ACCESS``; the rules here, the
``kafka-acls.sh`` commands printed by ``rentaldesk kafka acls --print`` and the ACLs the secure test
broker gets (:func:`apply_acls`) are all made from it.

Head office's user may create the topics of the prefix (it creates them at start), write decisions,
the fleet, notifications and dead letters, read the requests, and use its consumer groups
(``<prefix>-hq*``). Each branch's user may write requests and dead letters, read decisions and the
fleet, and use its own group (``<prefix>-branch-<CODE>``) only. Nothing else is allowed: the broker
runs an authorizer with ``allow.everyone.if.no.acl.found=false``.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .topics import ACCESS, BRANCH, HEAD_OFFICE, LAYOUT, Topics, branch_group, head_office_group


@dataclass(frozen=True, slots=True)
class AclRule:
    """One ALLOW rule: ``user`` may do ``operation`` (READ, WRITE, CREATE, DESCRIBE) on the
    ``resource`` (TOPIC or GROUP) ``name``, matched as ``pattern`` (LITERAL or PREFIXED)."""

    user: str
    operation: str
    resource: str
    name: str
    pattern: str = "LITERAL"

    @property
    def principal(self) -> str:
        return f"User:{self.user}"


def acl_rules(prefix: str, head_office: str, branches: Mapping[str, str]) -> list[AclRule]:
    """The rules of a network with topic ``prefix``: ``head_office`` is head office's user name,
    ``branches`` maps each branch code to its user name."""
    topics = Topics(prefix)
    if set(ACCESS) != set(LAYOUT):  # pragma: no cover - a test keeps the two tables together
        raise RuntimeError("topics.ACCESS must name exactly the topics of topics.LAYOUT")
    rules = [
        # ensure_topics: head office creates the missing topics of its prefix, and lists them
        AclRule(head_office, "CREATE", "TOPIC", f"{prefix}.", "PREFIXED"),
        AclRule(head_office, "DESCRIBE", "TOPIC", f"{prefix}.", "PREFIXED"),
        AclRule(head_office, "READ", "GROUP", head_office_group(prefix), "PREFIXED"),
    ]
    for kind, (writers, readers) in ACCESS.items():
        if HEAD_OFFICE in writers:
            rules.append(AclRule(head_office, "WRITE", "TOPIC", topics.name(kind)))
        if HEAD_OFFICE in readers:
            rules.append(AclRule(head_office, "READ", "TOPIC", topics.name(kind)))
    for code, user in sorted(branches.items()):
        for kind, (writers, readers) in ACCESS.items():
            if BRANCH in writers:
                rules.append(AclRule(user, "WRITE", "TOPIC", topics.name(kind)))
            if BRANCH in readers:
                rules.append(AclRule(user, "READ", "TOPIC", topics.name(kind)))
        rules.append(AclRule(user, "READ", "GROUP", branch_group(prefix, code)))
    return rules


def kafka_acls_commands(rules: list[AclRule], bootstrap: str = "BROKER:9093",
                        command_config: str = "admin.properties") -> list[str]:
    """The ``kafka-acls.sh`` command lines that create ``rules`` (run as the cluster's admin)."""
    lines = []
    for rule in rules:
        words = ["kafka-acls.sh", "--bootstrap-server", bootstrap, "--command-config", command_config,
                 "--add", "--allow-principal", rule.principal, "--operation", rule.operation.capitalize(),
                 f"--{rule.resource.lower()}", rule.name]
        if rule.pattern != "LITERAL":
            words += ["--resource-pattern-type", rule.pattern.lower()]
        lines.append(shlex.join(words))
    return lines


def apply_acls(admin: Any, rules: list[AclRule]) -> None:
    """Create ``rules`` with a kafka-python ``KafkaAdminClient`` connected as a super user; raises
    :class:`RuntimeError` naming the first rule the broker refused."""
    from kafka.admin import ACL, ACLOperation, ACLPermissionType, ACLResourcePatternType, ResourcePattern, ResourceType

    acls = [ACL(principal=rule.principal, host="*", operation=ACLOperation[rule.operation],
                permission_type=ACLPermissionType.ALLOW,
                resource_pattern=ResourcePattern(ResourceType[rule.resource], rule.name,
                                                 ACLResourcePatternType[rule.pattern]))
            for rule in rules]
    result = admin.create_acls(acls)
    if result["failed"]:
        raise RuntimeError(f"the broker refused {len(result['failed'])} of {len(acls)} ACLs: {result['failed'][0]}")
