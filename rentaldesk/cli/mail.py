"""``rentaldesk mail``: a standalone branch's customer mails (their agreement and receipt,
:mod:`rentaldesk.hq.branch_mail`): ``send`` what is due (for a cron job), ``list`` those not sent,
``retry`` them."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..errors import InvalidInput
from .desk import Desk
from .output import format_table

if TYPE_CHECKING:  # head office's mail code (smtplib, the sync events) loads only for these commands
    from ..hq.branch_mail import BranchMail


def _mail(desk: Desk) -> BranchMail:
    """The branch's mail, or a refusal saying why there is none."""
    from ..hq.branch_mail import BranchMail

    settings = desk.settings
    if settings is not None and settings.kafka.enabled:
        raise InvalidInput("this branch is in a network (a broker is configured): head office mails the customers, "
                           "the branch sends nothing", field="kafka")
    mail = desk.service.mail
    if not isinstance(mail, BranchMail):
        raise InvalidInput("no mail server is configured: give the [smtp] settings (host, port, sender) in the config "
                           "file or RENTALDESK_SMTP_HOST and the others", field="smtp")
    return mail


def cmd_mail_send(desk: Desk, args: argparse.Namespace) -> None:
    """One round: the mails due sent (each once, a failure retried at a later round after its
    backoff), a send interrupted earlier marked not sent."""
    from ..hq.branch_mail import unsent

    sent, given_up = _mail(desk).send_now()
    left = unsent(desk.db)
    text = f"{sent} mail{'' if sent == 1 else 's'} sent"
    if given_up:
        text += f", {given_up} given up"
    if left:
        text += f"; {len(left)} not sent in all (`rentaldesk mail list`, `rentaldesk mail retry`)"
    desk.emit({"sent": sent, "given_up": given_up, "not_sent": len(left)}, text)


def cmd_mail_list(desk: Desk, args: argparse.Namespace) -> None:
    """The mails that could not be sent."""
    from ..hq.branch_mail import unsent

    _mail(desk)
    left = unsent(desk.db)
    data = [{"id": m.id, "kind": m.kind, "to": m.recipient, "subject": m.subject, "error": m.error,
             "attempts": m.attempts, "can_send_again": m.can_send_again} for m in left]
    rows = [[str(m.id), m.kind, m.recipient, m.subject, m.error] for m in left]
    desk.emit(data, format_table(["ID", "KIND", "TO", "SUBJECT", "WHY"], rows) if rows else "Every mail was sent.")


def cmd_mail_retry(desk: Desk, args: argparse.Namespace) -> None:
    """Queue mails not sent again (the given ids, or all with --all); the next round sends them."""
    from ..hq.branch_mail import unsent

    mail = _mail(desk)
    left = {m.id: m for m in unsent(desk.db)}
    if args.all:
        ids = [i for i, m in left.items() if m.can_send_again]
    else:
        if not args.ids:
            raise InvalidInput("name the mails to send again (their ids, `rentaldesk mail list`) or give --all",
                               field="ids")
        unknown = [str(i) for i in args.ids if i not in left]
        if unknown:
            raise InvalidInput(f"no mail not sent has the id {', '.join(unknown)} (`rentaldesk mail list`)",
                               field="ids")
        ids = list(args.ids)
    again = mail.send_again(ids)
    desk.emit({"queued": again}, f"{again} mail{'' if again == 1 else 's'} queued again; "
                                 "`rentaldesk mail send` (or the desk) sends them")
