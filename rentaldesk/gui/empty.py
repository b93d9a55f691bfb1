"""The line a grid shows when it is empty: why it is empty (no rows yet, or the filters that left
none), so an empty list never looks like a broken one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel


class EmptyNote(QObject):
    """A centred line over ``view`` while its model has no rows; ``why()`` says what to write."""

    def __init__(self, view: QAbstractItemView, why: Callable[[], str]) -> None:
        super().__init__(view)
        self.view = view
        self.why = why
        self.label = QLabel(view.viewport())
        self.label.setObjectName("emptyNote")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setProperty("role", "hint")
        self.label.hide()
        view.viewport().installEventFilter(self)
        model = view.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(self.update)
        self._model: QAbstractItemModel = model

    def update(self, *_args: object) -> None:
        """Show or hide the line, and say why again (the filters may have changed)."""
        empty = self._model.rowCount() == 0
        if empty:
            self.label.setText(self.why())
            self._place()
        self.label.setVisible(empty)

    def text(self) -> str:
        """What the line says, or '' while there are rows."""
        return self.label.text() if self._model.rowCount() == 0 else ""

    def _place(self) -> None:
        viewport = self.view.viewport()
        self.label.setGeometry(16, 0, max(0, viewport.width() - 32), min(viewport.height(), 120))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False
