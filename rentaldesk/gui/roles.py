"""What the signed-in role may do, shown on the desk's controls: the one helper every screen uses.

The desk only mirrors :func:`rentaldesk.permissions.allowed` (the one role table, never copied
here): a control whose permission the signed-in person lacks is disabled, and its tooltip names the
permission. The core refuses the call anyway (``permissions.require``); this spares a clerk the
refusal. Screens that enable a control by their own state (a selection, a tick) ask :func:`may` too,
so a selection never re-enables what the role lacks.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from .. import actor as actors
from .. import staff
from ..db import Database
from ..permissions import Permission, allowed

#: The desk's controls a role may lack, by object name, and the permission each needs.
ROLE_WIDGETS: dict[str, Permission] = {
    "addButton": Permission.EDIT_FLEET,  # the fleet grid's Add car
    "editButton": Permission.EDIT_FLEET,  # the fleet grid's Edit car
    "importButton": Permission.IMPORT_FLEET,
    "actionImportFleet": Permission.IMPORT_FLEET,
    "doNotRentCheck": Permission.DO_NOT_RENT,  # the customers screen's do-not-rent flag
    "doNotRentReasonEdit": Permission.DO_NOT_RENT,
}

# the tooltip a control had before the role took it over, given back when it is allowed again
_OWN_TIP = "rentaldeskOwnToolTip"


def may(permission: Permission, db: Database) -> bool:
    """Whether the signed-in person may do ``permission`` (anyone, on a database without accounts:
    the core's first-start rule)."""
    who = actors.current_actor()
    return allowed(who, permission) or (who == actors.SYSTEM and not staff.has_staff(db))


def needs_text(permission: Permission) -> str:
    """The tooltip of a control the signed-in person may not use: the permission, and who is in."""
    who = actors.current_actor()
    return f"Needs the permission to {permission.value}; {who.username} ({who.role}) is signed in"


def apply_role(root: QObject, db: Database) -> None:
    """Disable the controls of :data:`ROLE_WIDGETS` under ``root`` that the signed-in person may not
    use, with a tooltip naming the permission; enable them again (their own tooltip back) when they
    may. A control a screen keeps off for its own reason (no selection) is left off."""
    for name, permission in ROLE_WIDGETS.items():
        found = root.findChildren(QObject, name)
        if root.objectName() == name:
            found.append(root)
        for control in found:
            if not isinstance(control, (QWidget, QAction)):
                continue
            if control.property(_OWN_TIP) is None:
                control.setProperty(_OWN_TIP, control.toolTip())
            if may(permission, db):
                control.setToolTip(str(control.property(_OWN_TIP)))
                if control.property("roleDisabled"):
                    control.setProperty("roleDisabled", False)
                    control.setEnabled(True)
            else:
                control.setEnabled(False)
                control.setProperty("roleDisabled", True)
                control.setToolTip(needs_text(permission))
