"""The fleet timeline: one row per car, its reservations drawn as bars over the days, a "now" line.

A custom-painted scroll area: it paints only the rows and the hours in view, finding each visible
row's first bar by bisection, so 10,000 reservations paint as fast as 10. Scroll with the wheel
(Shift: sideways), zoom with Ctrl+wheel (the board adds Ctrl +/-), Home scrolls to now, a double click on a bar
emits ``reservation_activated``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QToolTip, QWidget

from ..queries import TimelineBar
from ..display import count
from . import text

SPAN_DAY = 24.0  #: hours across the view in day zoom: the hours show
SPAN_WEEK = 168.0  #: hours across the view in week zoom: the days show
ZOOM_MIN, ZOOM_MAX = 1.0, 160.0  #: pixels per hour


@dataclass(frozen=True, slots=True)
class TimelineCar:
    """A row of the timeline: a car and the pool it belongs to."""

    car_id: int
    plate_number: str
    vehicle_class: str  # as the desk names it (DeskContext.class_name)
    zip_code: str
    state: str


class TimelineView(QAbstractScrollArea):
    """Cars down, time across; see the module's doc."""

    reservation_activated = Signal(str)

    ROW_HEIGHT = 28
    HEADER_HEIGHT = 46
    GUTTER = 216

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        # the car labels and at least a day and a half of week zoom: never squeezed to nothing
        self.setMinimumSize(self.GUTTER + 320, 240)
        self._cars: list[TimelineCar] = []
        self._bars: list[list[TimelineBar]] = []
        self._starts: list[list[float]] = []  # per row: each bar's start, in hours from the window start
        self._ends: list[list[float]] = []  # per row: the running maximum of the bars' ends (for bisection)
        self._lo = datetime.now(timezone.utc)
        self._hours = 24.0 * 28
        self._now = self._lo
        self._zone: tzinfo = timezone.utc
        self._pph = 5.0
        self._span: float | None = SPAN_WEEK  # hours kept across the view (re-fitted on resize)
        self._now_pending = False  # scroll to now once the view has its width
        self.painted_rows = 0  # rows painted by the last paint (how tests see that only the visible are)
        self._small = QFont(self.font())
        self._small.setPointSizeF(max(7.0, self.font().pointSizeF() - 1.5))
        self._bold = QFont(self.font())
        self._bold.setBold(True)
        self.verticalScrollBar().setSingleStep(1)

    # -- data ---------------------------------------------------------------------------------------

    def set_data(
        self,
        cars: Sequence[TimelineCar],
        bars: Sequence[TimelineBar],
        window: tuple[datetime, datetime],
        now: datetime,
        zone: tzinfo,
    ) -> None:
        """Show ``cars`` (in this order) and their ``bars`` over ``window``, times in ``zone``."""
        self._cars = list(cars)
        self._lo, hi = window
        self._hours = (hi - self._lo).total_seconds() / 3600
        self._now = now
        self._zone = zone
        row_of = {car.car_id: i for i, car in enumerate(self._cars)}
        self._bars = [[] for _ in self._cars]
        origin = self._lo.timestamp()
        spans: list[list[tuple[float, float]]] = [[] for _ in self._cars]
        for bar in sorted(bars, key=lambda b: b.start):
            row = row_of.get(bar.car_id)
            if row is not None:
                self._bars[row].append(bar)
                spans[row].append(((bar.start.timestamp() - origin) / 3600, (bar.end.timestamp() - origin) / 3600))
        self._starts, self._ends = [], []
        for row_spans in spans:
            ends, furthest = [], float("-inf")
            for _start, end in row_spans:
                furthest = end if end > furthest else furthest
                ends.append(furthest)
            self._starts.append([start for start, _end in row_spans])
            self._ends.append(ends)
        self._update_scrollbars()
        self.viewport().update()

    @property
    def car_count(self) -> int:
        return len(self._cars)

    @property
    def bar_count(self) -> int:
        return sum(len(b) for b in self._bars)

    def _hour(self, value: datetime) -> float:
        return (value - self._lo).total_seconds() / 3600

    # -- zoom and scroll ----------------------------------------------------------------------------

    @property
    def pixels_per_hour(self) -> float:
        return self._pph

    @property
    def hours_in_view(self) -> float:
        return self._chart_width() / self._pph

    def show_span(self, hours: float) -> None:
        """Zoom so that ``hours`` (a day, a week) fill the view's width, and keep them so when
        the view is resized (full screen, the splitter); the middle of the view stays put."""
        self._zoom(self._chart_width() / hours)
        self._span = hours

    def set_zoom(self, pixels_per_hour: float) -> None:
        """Zoom, keeping the time at the middle of the view where it is."""
        self._span = None
        self._zoom(pixels_per_hour)

    def _zoom(self, pixels_per_hour: float) -> None:
        middle = self._hour_at(self.GUTTER + self._chart_width() / 2)
        self._pph = min(ZOOM_MAX, max(ZOOM_MIN, pixels_per_hour))
        self._update_scrollbars()
        self._scroll_to_hour(middle, at=0.5)
        self.viewport().update()

    def scroll_to_now(self) -> None:
        """Bring now into view, a fifth from the left (once laid out, if the view is not yet)."""
        self._now_pending = self.viewport().width() <= self.GUTTER
        self._update_scrollbars()
        self._scroll_to_hour(self._hour(self._now), at=0.2)

    def _scroll_to_hour(self, hour: float, at: float) -> None:
        self.horizontalScrollBar().setValue(int(hour * self._pph - self._chart_width() * at))

    def _chart_width(self) -> int:
        return max(1, self.viewport().width() - self.GUTTER)

    def _visible_rows(self) -> int:
        return max(1, (self.viewport().height() - self.HEADER_HEIGHT) // self.ROW_HEIGHT)

    def _update_scrollbars(self) -> None:
        rows = self._visible_rows()
        vertical = self.verticalScrollBar()
        vertical.setRange(0, max(0, len(self._cars) - rows))
        vertical.setPageStep(rows)
        horizontal = self.horizontalScrollBar()
        horizontal.setRange(0, max(0, int(self._hours * self._pph) - self._chart_width()))
        horizontal.setPageStep(self._chart_width())
        horizontal.setSingleStep(max(1, int(self._pph * 6)))

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        super().resizeEvent(event)
        if self._span is not None and self.viewport().width() > self.GUTTER:
            self._pph = min(ZOOM_MAX, max(ZOOM_MIN, self._chart_width() / self._span))
        self._update_scrollbars()
        if self._now_pending:
            self.scroll_to_now()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        modifiers = event.modifiers()
        steps = event.angleDelta().y() / 120
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            self.set_zoom(self._pph * (1.25 ** steps))
        elif modifiers & Qt.KeyboardModifier.ShiftModifier:
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - int(steps * bar.singleStep()))
        else:
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() - int(steps * 3))
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Home:
            self.scroll_to_now()
        else:
            super().keyPressEvent(event)

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802
        self.viewport().update()

    # -- geometry -----------------------------------------------------------------------------------

    def _x(self, hour: float) -> float:
        return self.GUTTER + hour * self._pph - self.horizontalScrollBar().value()

    def _hour_at(self, x: float) -> float:
        return (x - self.GUTTER + self.horizontalScrollBar().value()) / self._pph

    def bar_at(self, pos: QPoint) -> TimelineBar | None:
        """The reservation drawn at ``pos`` (viewport coordinates), if any."""
        if pos.x() < self.GUTTER or pos.y() < self.HEADER_HEIGHT:
            return None
        row = self.verticalScrollBar().value() + (pos.y() - self.HEADER_HEIGHT) // self.ROW_HEIGHT
        if not 0 <= row < len(self._cars):
            return None
        hour = self._hour_at(pos.x())
        for bar, start in zip(self._bars[row], self._starts[row]):
            if start <= hour < self._hour(bar.end):
                return bar
        return None

    # -- painting -----------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self.viewport())
        width, height = self.viewport().width(), self.viewport().height()
        painter.fillRect(0, 0, width, height, QColor("#ffffff"))
        first_hour = max(0.0, self._hour_at(self.GUTTER))
        last_hour = min(self._hours, self._hour_at(width))
        first_row = self.verticalScrollBar().value()
        last_row = min(len(self._cars), first_row + self._visible_rows() + 1)
        self._paint_days(painter, first_hour, last_hour, height)
        self._paint_rows(painter, first_row, last_row, first_hour, last_hour, width)
        self._paint_now(painter, height)
        self._paint_header(painter, first_hour, last_hour, width)
        self.painted_rows = last_row - first_row
        painter.end()

    def _day_starts(self, first_hour: float, last_hour: float) -> list[tuple[float, datetime]]:
        """Local midnights in view (as hours from the window start) with their local date."""
        local = (self._lo + timedelta(hours=first_hour)).astimezone(self._zone)
        day = local.replace(hour=0, minute=0, second=0, microsecond=0)
        days: list[tuple[float, datetime]] = []
        while True:
            hour = self._hour(day.astimezone(timezone.utc))
            if hour > last_hour:
                return days
            days.append((hour, day))
            day = (day + timedelta(days=1, hours=2)).replace(hour=0)  # safe across clock changes

    def _paint_days(self, painter: QPainter, first_hour: float, last_hour: float, height: int) -> None:
        days = self._day_starts(first_hour, last_hour)
        for hour, day in days:
            x = self._x(hour)
            if day.weekday() >= 5:
                painter.fillRect(QRectF(x, self.HEADER_HEIGHT, 24 * self._pph, height), QColor("#f6f7f9"))
            painter.setPen(QPen(QColor("#e3e6eb"), 1))
            painter.drawLine(int(x), self.HEADER_HEIGHT, int(x), height)
            if self._pph >= 8:  # hour ticks every 6 hours when a day is wide
                painter.setPen(QPen(QColor("#f0f2f5"), 1))
                for h in (6, 12, 18):
                    painter.drawLine(int(x + h * self._pph), self.HEADER_HEIGHT, int(x + h * self._pph), height)

    def _paint_rows(self, painter: QPainter, first_row: int, last_row: int, first_hour: float, last_hour: float, width: int) -> None:
        metrics = QFontMetrics(self._small)
        for row in range(first_row, last_row):
            y = self.HEADER_HEIGHT + (row - first_row) * self.ROW_HEIGHT
            car = self._cars[row]
            if row > 0 and (self._cars[row - 1].zip_code, self._cars[row - 1].vehicle_class) != (car.zip_code, car.vehicle_class):
                painter.setPen(QPen(QColor("#c9cfd8"), 1))
                painter.drawLine(0, y, width, y)
            starts, ends, bars = self._starts[row], self._ends[row], self._bars[row]
            index = bisect_right(ends, first_hour)  # the first bar that may still be running
            painter.setFont(self._small)
            while index < len(bars) and starts[index] < last_hour:
                bar = bars[index]
                self._paint_bar(painter, bar, starts[index], y, metrics)
                index += 1
            # the gutter last, so a bar scrolled left slides under it
            painter.fillRect(0, y, self.GUTTER, self.ROW_HEIGHT, QColor("#f8f9fb"))
            look = text.status_look(car.state)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(look.foreground))
            painter.drawEllipse(QRectF(10, y + self.ROW_HEIGHT / 2 - 4, 8, 8))
            painter.setPen(QColor("#1f2733"))
            painter.setFont(self._bold)
            painter.drawText(QRect(24, y, 80, self.ROW_HEIGHT), Qt.AlignmentFlag.AlignVCenter, car.plate_number)
            painter.setPen(QColor("#6b7686"))
            painter.setFont(self._small)
            painter.drawText(QRect(96, y, self.GUTTER - 104, self.ROW_HEIGHT),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                             f"{car.vehicle_class} · {car.zip_code}")
        painter.setPen(QPen(QColor("#dde2e9"), 1))
        painter.drawLine(self.GUTTER, self.HEADER_HEIGHT, self.GUTTER, self.HEADER_HEIGHT + (last_row - first_row) * self.ROW_HEIGHT)

    def _paint_bar(self, painter: QPainter, bar: TimelineBar, start: float, y: int, metrics: QFontMetrics) -> None:
        look = text.status_look(text.reservation_status(bar))
        left = max(self._x(start), self.GUTTER - 4.0)
        right = self._x(self._hour(bar.end))
        rect = QRectF(left, y + 4, max(2.0, right - left - 1), self.ROW_HEIGHT - 8)
        painter.setPen(QPen(QColor(look.foreground), 1))
        painter.setBrush(QColor(look.background))
        painter.drawRoundedRect(rect, 4, 4)
        if rect.width() > 40:
            label = f"{bar.reference} · {bar.customer_name}" if rect.width() > 150 else bar.reference
            painter.setPen(QColor(look.foreground))
            painter.drawText(rect.adjusted(6, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(rect.width() - 10)))

    def _paint_now(self, painter: QPainter, height: int) -> None:
        x = self._x(self._hour(self._now))
        if x >= self.GUTTER:
            painter.setPen(QPen(QColor("#d93025"), 2))
            painter.drawLine(int(x), self.HEADER_HEIGHT - 6, int(x), height)

    def _paint_header(self, painter: QPainter, first_hour: float, last_hour: float, width: int) -> None:
        painter.fillRect(0, 0, width, self.HEADER_HEIGHT, QColor("#f3f5f8"))
        painter.setPen(QPen(QColor("#dde2e9"), 1))
        painter.drawLine(0, self.HEADER_HEIGHT - 1, width, self.HEADER_HEIGHT - 1)
        day_width = 24 * self._pph
        # the longest label that fits any day, the same for all: "Mon 04 Mar", "Mon 04" (bold, then
        # small), "04"
        widest = datetime(2026, 9, 30)  # a Wednesday, the 30th, of September
        form, font = next(
            ((f, font) for f, font in (("%a %d %b", self._bold), ("%a %d", self._bold), ("%a %d", self._small))
             if QFontMetrics(font).horizontalAdvance(widest.strftime(f)) <= day_width - 6),
            ("%d", self._bold),
        )
        metrics = QFontMetrics(font)
        days = self._day_starts(first_hour - 24, last_hour)
        for number, (hour, day) in enumerate(days):
            x = self._x(hour)
            next_x = self._x(days[number + 1][0]) if number + 1 < len(days) else x + day_width
            painter.setPen(QColor("#c9cfd8"))
            painter.drawLine(int(x), 4, int(x), self.HEADER_HEIGHT)
            # a day's label stays in view while any of the day is (sticky at the left edge)
            left = max(x, float(self.GUTTER))
            painter.setPen(QColor("#1f2733"))
            painter.setFont(font)
            label = day.strftime(form)
            row_height = 22 if self._pph >= 8 else self.HEADER_HEIGHT - 4
            if next_x - left > 16:
                painter.drawText(QRectF(left + 6, 2, next_x - left - 8, row_height), Qt.AlignmentFlag.AlignVCenter,
                                 metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(next_x - left - 8)))
            if self._pph >= 8:
                painter.setFont(self._small)
                painter.setPen(QColor("#6b7686"))
                for h in (0, 6, 12, 18):
                    tick = x + h * self._pph
                    if tick >= self.GUTTER:
                        painter.drawText(QRectF(tick + 4, 24, 6 * self._pph - 6, 20), Qt.AlignmentFlag.AlignVCenter, f"{h:02d}:00")
        painter.fillRect(0, 0, self.GUTTER, self.HEADER_HEIGHT, QColor("#f3f5f8"))
        painter.setPen(QColor("#5d6878"))
        painter.setFont(self._bold)
        painter.drawText(QRect(10, 0, self.GUTTER - 12, self.HEADER_HEIGHT), Qt.AlignmentFlag.AlignVCenter,
                         count(len(self._cars), "car"))
        painter.setPen(QPen(QColor("#dde2e9"), 1))
        painter.drawLine(self.GUTTER, 0, self.GUTTER, self.HEADER_HEIGHT)

    # -- hover and clicks ---------------------------------------------------------------------------

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            bar = self.bar_at(event.pos())
            if bar is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(
                    event.globalPos(),
                    f"<b>{bar.reference}</b> · {text.status_label(text.reservation_status(bar))}<br>{bar.customer_name}<br>"
                    f"{text.period(bar.start, bar.end, self._zone)}" + ("<br>asked for this car" if bar.pinned else ""),
                    self,
                )
            return True
        return super().viewportEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        bar = self.bar_at(event.position().toPoint())
        if bar is not None:
            self.reservation_activated.emit(bar.reservation_id)
