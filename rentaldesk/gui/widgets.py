"""Small pieces the screens share: the status delegate, the range calendar, the typed date field, the
pick grid, inline field messages, remembered view state, confirmation questions, and how a grid is
set up."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, time, timedelta

from PySide6.QtCore import (
    QByteArray,
    QDate,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSettings,
    QSize,
    Qt,
    QTime,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFocusEvent, QKeyEvent, QPainter, QTextCharFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSplitter,
    QStyle,
    QStyleOptionSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTimeEdit,
    QWidget,
)

from ..display import DATE_HELP, DATE_HELP_MORE, day_text, parse_typed_date
from ..errors import FleetFileError, RentalError
from .tablemodels import STATUS_ROLE, RowFilterProxy, RowTableModel
from .text import status_look


def qdate(day: date) -> QDate:
    """``day`` as a QDate."""
    return QDate(day.year, day.month, day.day)


def py_date(day: QDate) -> date:
    """``day.toPython()``, typed (PySide6 declares it an ``object``)."""
    value = day.toPython()
    assert isinstance(value, date)
    return value


def py_time(clock: QTime) -> time:
    """``clock.toPython()``, typed (PySide6 declares it an ``object``)."""
    value = clock.toPython()
    assert isinstance(value, time)
    return value


class StatusDelegate(QStyledItemDelegate):
    """Paints a status cell as a coloured pill with its words: colour and text say the same."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        status = index.data(STATUS_ROLE)
        if not status:
            super().paint(painter, option, index)
            return
        look = status_look(status)
        style = option.widget.style() if option.widget else None
        if style is not None:  # selection and hover backgrounds as usual, without the text
            plain = QStyleOptionViewItem(option)
            self.initStyleOption(plain, index)
            plain.text = ""
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, option.widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = option.fontMetrics
        label = look.label
        width = min(metrics.horizontalAdvance(label) + 18, option.rect.width() - 8)
        height = min(metrics.height() + 6, option.rect.height() - 4)
        pill = QRectF(option.rect.left() + 6, option.rect.center().y() - height / 2 + 0.5, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(look.background))
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setPen(QColor(look.foreground))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)
        painter.restore()


def setup_grid(
    view: QTableView, model: RowTableModel, proxy: RowFilterProxy | None = None, *, sort_column: int = 0
) -> RowFilterProxy:
    """Put ``model`` behind a filter proxy in ``view`` with the desk's grid manners: whole-row
    selection, sortable headers, status pills, the columns' starting widths."""
    proxy = proxy or RowFilterProxy(view)
    proxy.setSourceModel(model)
    view.setModel(proxy)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setShowGrid(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(30)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    delegate = StatusDelegate(view)
    for number, column in enumerate(model.columns):
        view.setColumnWidth(number, column.width)
        if column.status:
            view.setItemDelegateForColumn(number, delegate)
    view.setSortingEnabled(True)
    view.sortByColumn(sort_column, Qt.SortOrder.AscendingOrder)
    if view.findChild(ColumnFit) is None:
        ColumnFit(view, model)
    return proxy


def fit_widths(wanted: Sequence[int], least: Sequence[int], room: int) -> list[int]:
    """Column widths that fit ``room``: each column of ``wanted`` gives up width in proportion to
    what it can spare (down to its ``least``), only as much as the columns are too wide together;
    what no column can spare stays too wide."""
    widths = list(wanted)
    excess = sum(widths) - room
    spare = [max(0, w - low) for w, low in zip(widths, least)]
    total = sum(spare)
    if excess <= 0 or total == 0:
        return widths
    cut = min(excess, total)
    cuts = [s * cut // total for s in spare]
    # the rounding's pixels go to the columns with the most to spare
    for i in sorted(range(len(spare)), key=lambda i: (-spare[i], i))[: cut - sum(cuts)]:
        cuts[i] += 1
    return [w - c for w, c in zip(widths, cuts)]


#: How much of its width a column keeps when even the elastic columns at their least do not fit.
KEPT_SHARE = 0.8


class ColumnFit(QObject):
    """Fits a grid's columns to its width whenever it changes, so a grid never scrolls sideways:
    the columns with room to give (a :class:`~rentaldesk.gui.tablemodels.Column`'s ``least``: a
    customer's name, an email) narrow first, down to their least, the others keep their widths;
    only when that is not enough every column gives a little (down to :data:`KEPT_SHARE` of it).
    Cells and titles elide ("ann.lee@exa…"); the full text is the cell's tooltip. A grid whose
    columns are sized otherwise (to their contents, stretched) is left alone."""

    def __init__(self, view: QTableView, model: RowTableModel) -> None:
        super().__init__(view)
        self.view = view
        self.columns = model.columns
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        view, header = self.view, self.view.horizontalHeader()
        shown = [i for i in range(min(header.count(), len(self.columns))) if not header.isSectionHidden(i)]
        if not shown or any(header.sectionResizeMode(i) != QHeaderView.ResizeMode.Interactive for i in shown):
            return
        room = view.viewport().width()
        wanted = [self.columns[i].width for i in shown]
        elastic = fit_widths(wanted, [self.columns[i].least or self.columns[i].width for i in shown], room)
        widths = fit_widths(elastic, [int(w * KEPT_SHARE) for w in elastic], room)
        for i, width in zip(shown, widths):
            if header.sectionSize(i) != width:
                header.resizeSection(i, width)


class TabLeavesField(QObject):
    """Makes Tab and Shift+Tab leave a date or time field at once, as in every other field (Qt
    otherwise walks its day, month and year first; Left and Right still do that)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if not isinstance(watched, QWidget):  # installed on fields only (tab_leaves)
            return False
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)):
            forward = event.key() == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            widget = watched
            for _ in range(200):
                after = widget.nextInFocusChain() if forward else widget.previousInFocusChain()
                if after is None or after is watched:  # round the ring (None: Qt never gives it)
                    break
                widget = after
                if watched.isAncestorOf(widget) or widget.focusProxy() is not None:
                    continue  # the field's own line edit, or a widget that hands its focus on
                if (widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and widget.isVisible() and widget.isEnabled():
                    widget.setFocus(Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason)
                    break
            return True
        return False


def tab_leaves(*fields: QWidget) -> None:
    """Install :class:`TabLeavesField` on ``fields``."""
    for field in fields:
        if field.findChild(TabLeavesField) is None:  # once per field
            field.installEventFilter(TabLeavesField(field))  # the field, its parent, keeps it


class TimeField(QTimeEdit):
    """A QTimeEdit whose size hint is what it shows ("23:59" and its buttons), not QDateTimeEdit's
    allowance for a wider text, so it fits beside a date field in a narrow box."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """Its widest time in its font (every digit the widest one), its buttons, frame and padding."""
        hint = super().minimumSizeHint()
        metrics = self.fontMetrics()
        widest = max("0123456789", key=metrics.horizontalAdvance)
        text = QTime(0, 0).toString(self.displayFormat()).replace("0", widest)
        option = QStyleOptionSpinBox()
        self.initStyleOption(option)
        option.rect = self.rect().adjusted(0, 0, 400 - self.width(), 0)  # any width: what is not text
        field = self.style().subControlRect(QStyle.ComplexControl.CC_SpinBox, option,
                                            QStyle.SubControl.SC_SpinBoxEditField, self)
        around = option.rect.width() - field.width()
        return QSize(min(hint.width(), around + metrics.horizontalAdvance(text) + 4), hint.height())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.minimumSizeHint().width(), super().sizeHint().height())


class DateField(QLineEdit):
    """A day the clerk types (``8``, ``8/12``, ``8 Dec``, ``2026-12-08``: see
    :func:`rentaldesk.display.parse_typed_date`) or steps with Up and Down (a day at a time, any
    day of the week). It reads ``Tue 08 Dec 2026``; ``date()``, ``setDate()`` and ``dateChanged``
    as a QDateEdit's. While typed text reads as a day, the field holds that day; text that does not
    is kept for the clerk to fix, the field goes back to the day it held before the typing, and
    ``problem()`` says why (the form refuses to book with it)."""

    dateChanged = Signal(QDate)  # noqa: N815 - QDateEdit's name
    #: Editing finished on text that is not a day (the form then shows ``problem()``).
    refused = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._date = QDate.currentDate()
        self._before_typing = QDate(self._date)
        #: The day a day number alone counts from (today; a return field: its pick-up day).
        self.reference: Callable[[], date] = date.today
        #: What the field is called in a refusal ("Pick-up date").
        self.label = "Date"
        self.setPlaceholderText("e.g. 8, 8/12 or 8 Dec")
        self.setToolTip(f"Type a day: {DATE_HELP}; or {DATE_HELP_MORE}. Numbers are day first. ↑/↓ move a day.")
        self.textEdited.connect(self._typed)
        self.editingFinished.connect(self._finished)
        self._show()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """Wide enough for its longest day ("Wed 28 Sep 2030"), in its font."""
        hint = super().minimumSizeHint()  # its frame and padding around its widest character
        metrics = self.fontMetrics()
        frame = hint.width() - metrics.maxWidth()
        return QSize(frame + metrics.horizontalAdvance("Wed 28 Sep 2030") + 4, hint.height())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.minimumSizeHint().width(), super().sizeHint().height())

    def date(self) -> QDate:
        """The field's day (while the text is not a day: the last one it was)."""
        return QDate(self._date)

    def setDate(self, day: QDate) -> None:  # noqa: N802 - QDateEdit's name
        """Show ``day`` (its text rewritten); ``dateChanged`` when it is another day."""
        changed = day != self._date
        self._date, self._before_typing = QDate(day), QDate(day)
        self._show()
        if changed:
            self.dateChanged.emit(QDate(day))

    def problem(self) -> str | None:
        """Why the text is not a day (None: it is one)."""
        if parse_typed_date(self.text(), self.reference()) is not None:
            return None
        return f"{self.label} '{self.text().strip()}' is not a day; type {DATE_HELP}"

    def _show(self) -> None:
        self.setText(day_text(py_date(self._date)))  # as the grids write a day

    def _typed(self, typed: str) -> None:
        day = parse_typed_date(typed, self.reference())
        meant = qdate(day) if day is not None else self._before_typing
        if meant != self._date:
            self._date = meant
            self.dateChanged.emit(QDate(meant))

    def _finished(self) -> None:
        if self.problem() is None:
            self._before_typing = QDate(self._date)
            self._show()
        else:
            self.refused.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        steps = {Qt.Key.Key_Up: 1, Qt.Key.Key_Down: -1}
        if event.key() in steps and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            try:
                self.setDate(qdate(py_date(self._date) + timedelta(days=steps[Qt.Key(event.key())])))
            except OverflowError:  # past 9999
                pass
            self.selectAll()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusInEvent(event)
        if event.reason() != Qt.FocusReason.MouseFocusReason:
            self.selectAll()  # typing replaces the day


class PickGrid(QTableView):
    """A grid whose rows are picked on purpose: the arrows move the cursor without picking, Space
    picks the cursor's row (Space on the picked row lets it go), a click picks. Tab leaves it.
    Columns named ``optional`` are hidden, last first, while the grid is too narrow for every
    column's widest cell, so what shows is never cut short."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabKeyNavigation(False)
        self.optional: tuple[int, ...] = ()
        # Fit once the view has taken in what changed (new rows, a scroll bar that came or went).
        self._fit_soon = QTimer(self)
        self._fit_soon.setSingleShot(True)
        self._fit_soon.setInterval(0)
        self._fit_soon.timeout.connect(self.fit_columns)
        self.verticalScrollBar().rangeChanged.connect(self._fit_soon.start)

    def setModel(self, model) -> None:  # noqa: ANN001, N802
        super().setModel(model)
        if model is not None:
            for signal in (model.modelReset, model.layoutChanged, model.rowsInserted, model.rowsRemoved):
                signal.connect(self._fit_soon.start)

    def fit_columns(self) -> None:
        """Show the optional columns that fit beside the others (see the class)."""
        header = self.horizontalHeader()
        needed = {c: max(self.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in range(header.count())}
        room = self.viewport().width()
        shown = set(needed)
        for column in reversed(self.optional):
            if sum(needed[c] + 2 for c in shown) <= room:  # 2: what rounding takes at a fractional scale
                break
            shown.discard(column)
        for column in needed:
            self.setColumnHidden(column, column not in shown)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        handled = super().viewportEvent(event)
        if event.type() == QEvent.Type.Resize:  # the grid, or its scroll bar came or went
            self._fit_soon.start()
        return handled

    def selectionCommand(  # noqa: N802
        self, index: QModelIndex | QPersistentModelIndex, event: QEvent | None = None
    ) -> QItemSelectionModel.SelectionFlag:
        if isinstance(event, QKeyEvent) and event.key() != Qt.Key.Key_Space:
            return QItemSelectionModel.SelectionFlag.NoUpdate  # the arrows move the cursor only
        return super().selectionCommand(index, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Space and not event.modifiers():
            current = self.currentIndex()
            if current.isValid() and self.selectionModel().isRowSelected(current.row(), current.parent()):
                self.clearSelection()
            elif current.isValid():
                self.selectRow(current.row())
            return
        super().keyPressEvent(event)


class RangeCalendar(QCalendarWidget):
    """A month calendar showing a rental's period: the pick-up and return days marked, the days
    between them shaded. A click picks the pick-up day, the next click (on or after it) the return
    day; ``range_picked(start, end)`` then tells the form."""

    range_picked = Signal(QDate, QDate)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setGridVisible(False)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.setHorizontalHeaderFormat(QCalendarWidget.HorizontalHeaderFormat.ShortDayNames)
        self.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self._range: tuple[QDate, QDate] | None = None
        self._picking_return = False
        self.clicked.connect(self._on_click)

    @property
    def picking_return(self) -> bool:
        """True after a pick-up day was clicked and before the return day is."""
        return self._picking_return

    def show_range(self, start: date, end: date) -> None:
        """Mark [start, end] (the form's dates) without changing what the clerk is picking."""
        self._mark(qdate(start), qdate(end))

    def _on_click(self, day: QDate) -> None:
        if self._picking_return and self._range is not None and day >= self._range[0]:
            self._picking_return = False
            self._mark(self._range[0], day)
            self.range_picked.emit(self._range[0], day)
            return
        length = self._range[0].daysTo(self._range[1]) if self._range else 1
        self._picking_return = True
        self._mark(day, day.addDays(max(length, 1)))
        self.range_picked.emit(day, day.addDays(max(length, 1)))

    def _mark(self, start: QDate, end: QDate) -> None:
        if self._range is not None:
            self._paint_days(*self._range, QTextCharFormat())
            for day in self._range:
                self.setDateTextFormat(day, QTextCharFormat())
        self._range = (start, end)
        inside = QTextCharFormat()
        inside.setBackground(QBrush(QColor("#dbe7fb")))
        self._paint_days(start, end, inside)
        edge = QTextCharFormat()
        edge.setBackground(QBrush(QColor("#2a62c9")))
        edge.setForeground(QBrush(QColor("white")))
        edge.setFontWeight(700)
        for day in (start, end):
            self.setDateTextFormat(day, edge)
        if self.selectedDate() != start:
            self.blockSignals(True)
            self.setSelectedDate(start)
            self.blockSignals(False)

    def _paint_days(self, start: QDate, end: QDate, fmt: QTextCharFormat) -> None:
        day = min(start, end)
        for _ in range(min(abs(start.daysTo(end)), 400) + 1):
            self.setDateTextFormat(day, fmt)
            day = day.addDays(1)


def show_text(label: QLabel, text: str) -> None:
    """A label's words, shown only when there are some; each box around it asks again for the room
    the words need (Qt keeps a box's old height otherwise, and the box covers its own fields)."""
    label.setText(text)
    label.setVisible(bool(text))
    box = label.parentWidget()
    while box is not None and not box.isWindow():
        box.updateGeometry()
        box = box.parentWidget()


class FieldMessages:
    """The inline messages of a form: one label under each field, plus one for the form.

    ``show(error)`` puts a :class:`RentalError` next to the field it names (``error.field``) and
    marks that field's input; every problem of a :class:`FleetFileError` goes to its column. A
    message for a field the form does not have goes to the form's label.
    """

    def __init__(self, labels: Mapping[str, QLabel], inputs: Mapping[str, QWidget], general: QLabel) -> None:
        self.labels = dict(labels)
        self.inputs = dict(inputs)
        self.general = general
        self.clear()

    def clear(self, *fields: str) -> None:
        for name in fields or [*self.labels, ""]:
            self.set(name, "")

    def clear_on_change(self, field: str, *widgets: QWidget) -> None:
        """A message of ``field`` goes as soon as the clerk changes any of ``widgets`` (its input
        and, e.g., a time that belongs to it)."""
        for widget in widgets:
            for signal in _change_signals(widget):
                signal.connect(lambda *_args, name=field: self.set(name, ""))

    def set(self, field: str | None, message: str) -> None:
        label = self.labels.get(field or "", self.general)
        first_word = message.split(" ", 1)[0]
        show_text(label, message if "@" in first_word else message[:1].upper() + message[1:])
        widget = self.inputs.get(field or "")
        if widget is not None and widget.property("invalid") != bool(message):
            widget.setProperty("invalid", bool(message))
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def text(self, field: str | None) -> str:
        return self.labels.get(field or "", self.general).text()

    def show(self, error: RentalError) -> str | None:
        """Show ``error``; the field it concerns (None: the form as a whole)."""
        if isinstance(error, FleetFileError):
            by_field: dict[str | None, list[str]] = {}
            for _line, column, message in error.problems:
                by_field.setdefault(column if column in self.labels else None, []).append(message)
            for name, messages in by_field.items():
                self.set(name, "; ".join(messages))
            first = error.problems[0][1]
            return first if first in self.labels else None
        field = error.field if error.field in self.labels else None
        self.set(field, error.message)
        return field

    def focus(self, field: str | None) -> None:
        widget = self.inputs.get(field or "")
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)


def _change_signals(widget: QWidget) -> list:  # noqa: ANN202 - Qt signal instances
    """The signals by which the clerk changes ``widget``."""
    if isinstance(widget, DateField):
        return [widget.textEdited, widget.dateChanged]
    if isinstance(widget, QLineEdit):
        return [widget.textEdited]
    if isinstance(widget, QComboBox):
        return [widget.currentIndexChanged]
    if isinstance(widget, QAbstractItemView):
        return [widget.selectionModel().selectionChanged]
    for name in ("dateTimeChanged", "valueChanged"):  # date and time fields, number fields
        if hasattr(widget, name):
            return [getattr(widget, name)]
    return []


def ask(parent: QWidget, title: str, question: str, yes: str, on_yes: Callable[[], None]) -> QMessageBox:
    """A window-modal yes/no question (No is the default and Esc); ``on_yes`` runs if confirmed."""
    box = QMessageBox(QMessageBox.Icon.Question, title, question, QMessageBox.StandardButton.NoButton, parent)
    confirm = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton("Keep it", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.setObjectName("confirm")

    def finished() -> None:
        box.setObjectName("answered")
        if box.clickedButton() is confirm:
            on_yes()
        box.deleteLater()

    box.finished.connect(finished)
    box.open()
    return box


class ViewState:
    """Remembers a screen's splitters and grid columns in QSettings under ``group``."""

    def __init__(self, group: str) -> None:
        self.group = group

    def restore(self, *, splitters: Mapping[str, QSplitter] = {}, headers: Mapping[str, QHeaderView] = {}) -> None:  # noqa: B006
        settings = QSettings()
        widgets: list[tuple[str, QSplitter | QHeaderView]] = [*splitters.items(), *headers.items()]
        for name, widget in widgets:
            state = settings.value(f"{self.group}/{name}")
            if isinstance(state, QByteArray) and not state.isEmpty():
                widget.restoreState(state)

    def save(self, *, splitters: Mapping[str, QSplitter] = {}, headers: Mapping[str, QHeaderView] = {}) -> None:  # noqa: B006
        settings = QSettings()
        widgets: list[tuple[str, QSplitter | QHeaderView]] = [*splitters.items(), *headers.items()]
        for name, widget in widgets:
            settings.setValue(f"{self.group}/{name}", widget.saveState())
