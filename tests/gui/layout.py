"""A generic layout check over the visible widgets of a window: nothing overlaps a sibling, nothing
reaches past its parent, nothing is squeezed below the size its content needs, no grid scrolls
sideways, and no grid that cannot scroll (a calendar's days) shows less than its rows and columns.

It knows no screen by name, so it catches the next overlap too: it walks every visible widget.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QCalendarWidget,
    QComboBox,
    QLineEdit,
    QLabel,
    QScrollBar,
    QSizeGrip,
    QSplitterHandle,
    QTableView,
    QWidget,
)

#: Widgets whose own size hint says nothing of a squeeze (only an explicit minimum size does):
#: scrolling areas show what fits and scroll the rest; scroll bars and splitter handles are drawn at
#: any size.
ANY_SIZE = (QAbstractScrollArea, QScrollBar, QSplitterHandle, QSizeGrip)


def describe(widget: QWidget) -> str:
    names = []
    w: QWidget | None = widget
    while w is not None and len(names) < 3:
        names.append(w.objectName() or type(w).__name__)
        w = w.parentWidget()
    return "/".join(reversed(names))


#: Widgets that place their own parts (a line edit's clear button, a calendar's cells).
COMPOSITE = (QCalendarWidget, QLineEdit, QAbstractSpinBox, QComboBox)


def _scrolled(widget: QWidget) -> bool:
    """Inside a scrolling area's viewport (its content may be larger than what shows) or a part of
    a composite widget."""
    w = widget.parentWidget()
    while w is not None:
        parent = w.parentWidget()
        if isinstance(parent, QAbstractScrollArea) and w is parent.viewport():
            return True
        if isinstance(w, COMPOSITE):
            return True
        w = parent
    return False


def layout_problems(root: QWidget) -> list[str]:
    """Every visible widget of ``root`` that overlaps a visible sibling, is cut off by its parent, or
    is smaller than its minimum size hint (its text or content would be clipped); one line each."""
    problems: list[str] = []
    widgets = [w for w in root.findChildren(QWidget) if w.isVisible() and not w.isWindow()]
    for w in widgets:
        if _scrolled(w):
            continue
        parent = w.parentWidget()
        if parent is not None and not parent.rect().contains(w.geometry()):
            problems.append(f"{describe(w)} is cut off: {_rect(w)} inside {parent.width()}x{parent.height()}")
        need = w.minimumSize()
        if not isinstance(w, ANY_SIZE) and w.minimumSizeHint().isValid():
            need = need.expandedTo(w.minimumSizeHint())
        if w.width() < need.width() or w.height() < need.height():
            problems.append(f"{describe(w)} is squeezed: {w.width()}x{w.height()}, needs {need.width()}x{need.height()}")
        elif isinstance(w, QLabel) and w.wordWrap() and w.text() and w.height() < w.heightForWidth(w.width()):
            problems.append(f"{describe(w)} is cut off: {w.height()} high, its text needs {w.heightForWidth(w.width())}")
    problems.extend(p for w in widgets if isinstance(w, QTableView) for p in _grid_problems(w))
    for parent in [root, *widgets]:
        if _scrolled(parent):
            continue
        children = [c for c in parent.children() if isinstance(c, QWidget) and c.isVisible() and not c.isWindow()]
        for i, a in enumerate(children):
            for b in children[i + 1:]:
                if a.geometry().intersects(b.geometry()):
                    problems.append(f"{describe(a)} {_rect(a)} overlaps {describe(b)} {_rect(b)}")
    return problems


def _rect(w: QWidget) -> str:
    g = w.geometry()
    return f"({g.x()},{g.y()} {g.width()}x{g.height()})"


def _grid_problems(grid: QTableView) -> list[str]:
    """A grid's own faults: a main grid (not a part of a composite widget) that scrolls sideways
    (its columns do not fit: the clerk scrolls to read a row), and a grid whose scroll bars are off
    (a calendar's days) showing less than its rows and columns (the last row is clipped, and
    nothing scrolls to it)."""
    problems = []
    bars_off = Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    across, down = grid.horizontalHeader().length(), grid.verticalHeader().length()
    room = grid.viewport().size()
    if not _scrolled(grid) and grid.horizontalScrollBar().isVisible():
        problems.append(f"{describe(grid)} scrolls sideways: its columns take {across}, it shows {room.width()}")
    if grid.horizontalScrollBarPolicy() == bars_off and across > room.width() + 1:
        problems.append(f"{describe(grid)} is clipped: its columns take {across}, it shows {room.width()}")
    if grid.verticalScrollBarPolicy() == bars_off and down > room.height() + 1:
        problems.append(f"{describe(grid)} is clipped: its rows take {down}, it shows {room.height()}")
    return problems
