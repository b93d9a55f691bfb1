"""``rentaldesk audit search``: the audit trail by user, time and record (issue 13 item 4), on a
branch's database or head office's (whose trail holds the branches' entries too), as a table,
``--json`` or a CSV file."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from .. import audit
from ..display import parse_time
from ..errors import InvalidInput
from .desk import Desk
from .output import UTC, format_table


def cmd_audit_search(desk: Desk, args: argparse.Namespace) -> None:
    since = parse_time(args.since, UTC, option="--from") if args.since is not None else None
    until = parse_time(args.until, UTC, option="--to", end_of_day=True) if args.until is not None else None
    if since is not None and until is not None and until <= since:
        raise InvalidInput(f"--to ({args.until}) is not after --from ({args.since})", field="to")
    with desk.db.session() as s:
        found = audit.search(s, user=args.by_user, since=since, until=until, record=args.record, limit=args.limit)
    if args.csv is not None:
        _write_csv(Path(args.csv), found)
    data = [{"at": v.at.isoformat(), "username": v.username, "role": v.role, "branch": v.branch,
             "workstation": v.workstation, "origin": v.origin, "record_kind": v.record_kind, "record_id": v.record_id,
             "label": v.label, "action": v.action, "changes": v.changes, "what": v.what, "event_id": v.event_id}
            for v in found]
    rows = [[v.at.strftime("%Y-%m-%d %H:%M:%S"), v.username, v.where or "-", f"{v.record_kind} {v.label or v.record_id}",
             v.what] for v in found]
    text = format_table(["AT (UTC)", "USER", "WHERE", "RECORD", "WHAT"], rows) if rows else "No audit entries match."
    if args.csv is not None:
        text = f"{len(found)} audit entr{'y' if len(found) == 1 else 'ies'} written to {args.csv}"
    desk.emit(data, text)


def _write_csv(path: Path, found: list[audit.AuditView]) -> None:
    """All or nothing: the rows go to a file beside ``path``, renamed over it once written."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(audit.CSV_COLUMNS)
            writer.writerows(audit.csv_row(v) for v in found)
        partial.replace(path)
    except OSError as exc:
        if partial.parent.is_dir():
            partial.unlink(missing_ok=True)
        raise InvalidInput(f"--csv: cannot write {path}: {exc.strerror or exc}", field="csv") from None
