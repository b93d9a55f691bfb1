"""The extras picker: the branch's catalogue, a quantity for each item, for the booking form and the
check-out dialog alike.

One row an item (its name, its price in words, a quantity from 0 up to the most one rental may
take: the item's stock, at most 99); an item booked with the reservation already shows its booked
quantity and is not picked again (check-out adds to the booked ones, never replaces them). The
picks come back as :class:`~rentaldesk.charges.ExtraChoice` at the catalogue's price now
(:meth:`~rentaldesk.extras.CatalogueItem.choice`, the rule :func:`rentaldesk.extras.choose` uses);
prices and stock are decided by the engine, never here. Keyboard: Tab goes from one quantity to the
next and out of the picker after the last (the rows scroll into view), Up and Down change a quantity.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import cast

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QSizePolicy, QSpinBox, QVBoxLayout, QWidget

from ..charges import ExtraChoice
from ..extras import CatalogueItem
from . import text

#: The most units of one item a rental takes (the engine's rule: rentaldesk.charges.ExtraChoice).
MOST_PER_RENTAL = 99
#: Every quantity as wide (they line up): room for "99" and the arrows.
SPIN_WIDTH = 64


def price_words(item: CatalogueItem) -> str:
    """'$12.00 a day, at most $60.00 · 4 in stock', '$25.00 for the rental'."""
    words = f"{text.money(item.price)} {'a day' if item.per == 'day' else 'for the rental'}"
    if item.cap is not None:
        words += f", at most {text.money(item.cap)}"
    if item.stock is not None:
        words += " · none in stock" if item.stock == 0 else f" · {item.stock:,} in stock"
    return words


class ExtrasPicker(QWidget):
    """The catalogue with a quantity for each item (see the module). ``changed`` on every change
    of a quantity."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, visible_rows: int = 4) -> None:
        super().__init__(parent)
        self.setObjectName("extrasPicker")
        self.visible_rows = visible_rows
        self.items: tuple[CatalogueItem, ...] = ()
        self.spins: dict[str, QSpinBox] = {}
        self._booked: dict[str, int] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.area = QScrollArea(self)
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the quantities take the focus, not the area
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.area.viewport().setAutoFillBackground(False)
        outer.addWidget(self.area)
        self.empty = QLabel("No extras offered at this branch", self)
        self.empty.setProperty("role", "hint")
        outer.addWidget(self.empty)
        self._rows = QWidget()
        self.grid = QGridLayout(self._rows)
        self.grid.setContentsMargins(0, 0, 4, 0)
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(2)
        self.grid.setColumnStretch(0, 1)
        self._rows.setObjectName("extrasRows")
        self.area.setStyleSheet("QScrollArea, #extrasRows { background: transparent; }")  # the form's own
        self.area.setWidget(self._rows)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._show_empty()

    # -- what it shows ------------------------------------------------------------------------------

    def set_items(self, items: Sequence[CatalogueItem], *, booked: Sequence[ExtraChoice] = ()) -> None:
        """Show ``items`` (the branch's catalogue, in its order), quantities 0; those ``booked``
        show their booked quantity and take none. The picks of items still offered are kept."""
        kept = self.quantities()
        while self.grid.count():
            taken = self.grid.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        for row in range(self.grid.rowCount()):  # (a grid keeps its rows: the old ones take no room)
            self.grid.setRowMinimumHeight(row, 0)
        self.items, self.spins = tuple(items), {}
        self._booked = {e.code: e.quantity for e in booked}
        for row, item in enumerate(self.items):
            # the name, and under it the price and stock in small grey words (cut at the right when
            # the column is narrow: the whole in the tooltip); the quantity never gives way
            name = QLabel(f"{html.escape(item.label)}<br><span style='color:#5b6573; font-size:small'>"
                          f"{html.escape(price_words(item))}</span>")
            name.setTextFormat(Qt.TextFormat.RichText)
            name.setToolTip(f"{item.label} ({item.code}): {price_words(item)}")
            name.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            name.setMinimumWidth(0)
            self.grid.addWidget(name, row, 0)
            # every row as tall as _row_pitch says, so the picker's height is whole rows: none
            # shows a sliver of the next one (the rows scroll by whole rows too)
            self.grid.setRowMinimumHeight(row, self._row_pitch() - self.grid.verticalSpacing())
            if item.code in self._booked:
                self.grid.addWidget(QLabel(f"booked: {self._booked[item.code]}"), row, 1)
                continue
            spin = QSpinBox()
            spin.setObjectName(f"extra-{item.code}")
            spin.setAccessibleName(item.label)
            spin.setRange(0, self.most_of(item))
            spin.setEnabled(spin.maximum() > 0)
            spin.setValue(min(kept.get(item.code, 0), spin.maximum()))
            spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            spin.setFixedWidth(SPIN_WIDTH)
            spin.valueChanged.connect(lambda _v: self.changed.emit())
            spin.installEventFilter(self)
            name.setBuddy(spin)
            self.grid.addWidget(spin, row, 1)
            self.spins[item.code] = spin
        self._chain_tabs()
        first = self.first_input()
        if first is not None:
            self.setFocusProxy(first)  # the label's mnemonic (Alt+X) lands on the first quantity
        self._show_empty()
        self.setMinimumHeight(self.minimumSizeHint().height() if self.items else 0)  # never squeezed below a row
        self.updateGeometry()

    def set_rows(self, rows: int) -> None:
        """``rows`` whole rows in view: one with no scroll bar (a narrow screen: Tab and the wheel
        scroll the rows, a row at a time; the host says how many more there are, see
        :meth:`hidden_rows`), or more with the bar as needed."""
        self.visible_rows = rows
        self.area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff if rows == 1
                                             else Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setMinimumHeight(self.minimumSizeHint().height() if self.items else 0)
        self.updateGeometry()

    @staticmethod
    def most_of(item: CatalogueItem) -> int:
        """The most units of ``item`` one rental may ask for: its stock (whatever is booked: the
        engine counts what is free for the period), at most 99."""
        return MOST_PER_RENTAL if item.stock is None else min(item.stock, MOST_PER_RENTAL)

    def _show_empty(self) -> None:
        self.empty.setVisible(not self.items)
        self.area.setVisible(bool(self.items))

    def _chain_tabs(self) -> None:
        spins = list(self.spins.values())
        for a, b in zip(spins, spins[1:]):
            QWidget.setTabOrder(a, b)

    def chain_tabs(self, before: QWidget, after: QWidget) -> None:
        """Tab goes ``before`` -> each quantity -> ``after`` (the host's fields round the picker)."""
        chain = [before, *self.spins.values(), after]
        for a, b in zip(chain, chain[1:]):
            QWidget.setTabOrder(a, b)

    def first_input(self) -> QWidget | None:
        """The first quantity (where Tab enters the picker), or None."""
        return next(iter(self.spins.values()), None)

    def last_input(self) -> QWidget | None:
        return next(reversed(self.spins.values()), None) if self.spins else None

    # -- what the clerk picked ----------------------------------------------------------------------

    def quantities(self) -> dict[str, int]:
        """code -> quantity picked (0s left out)."""
        return {code: spin.value() for code, spin in self.spins.items() if spin.value()}

    def picks(self) -> tuple[ExtraChoice, ...]:
        """The items picked, at the catalogue's price now, in the catalogue's order."""
        chosen = self.quantities()
        return tuple(item.choice(chosen[item.code]) for item in self.items if item.code in chosen)

    def set_quantity(self, code: str, quantity: int) -> None:
        self.spins[code].setValue(quantity)

    def clear(self) -> None:
        """Every quantity back to 0."""
        for spin in self.spins.values():
            spin.setValue(0)

    # -- size and keys ------------------------------------------------------------------------------

    def _row_pitch(self) -> int:
        """A row and the spacing under it: the name and the price's line under it (each row is
        given this height, so it is exact)."""
        return max(2 * self.fontMetrics().lineSpacing() + 4, 28) + self.grid.verticalSpacing()

    def _rows_height(self, rows: int) -> int:
        """The height of ``rows`` whole rows (no spacing under the last)."""
        return rows * self._row_pitch() - self.grid.verticalSpacing()

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        rows = min(len(self.items), self.visible_rows)
        if rows:
            hint.setHeight(max(self._rows_height(rows), self.minimumSizeHint().height()))
        return hint

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        if self.items:
            # one row at least (the rest scroll), and room for the scroll bar's arrows and handle
            bar = 0
            if self.area.verticalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
                scroll_bar = self.area.verticalScrollBar()
                holder = scroll_bar.parentWidget()  # the area's container of the bar, with its margins
                bar = max(scroll_bar.minimumSizeHint().height(),
                          holder.minimumSizeHint().height() if holder is not None else 0)
            hint.setHeight(max(self._rows_height(1), bar))
        return hint

    def hidden_rows(self) -> int:
        """How many rows are out of view (scrolled away, or below the rows shown)."""
        return max(0, len(self.items) - self.visible_rows)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        # the wheel and the arrows step a whole row
        self.area.verticalScrollBar().setSingleStep(self._row_pitch())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget):
            # a quantity Tab reaches is in view, its row's top at a row's edge (whole rows shown)
            # (row, column, row span, column span); PySide6's stubs type it as a bare object
            row = cast(tuple[int, int, int, int], self.grid.getItemPosition(self.grid.indexOf(watched)))[0]
            bar = self.area.verticalScrollBar()
            top, pitch = row * self._row_pitch(), self._row_pitch()
            shown = max(1, (self.area.viewport().height() + self.grid.verticalSpacing()) // pitch)
            if top < bar.value():
                bar.setValue(top)
            elif top + pitch > bar.value() + shown * pitch:
                bar.setValue(top - (shown - 1) * pitch)
        return super().eventFilter(watched, event)
