"""The Qt binding must keep Python's reference counts: a counter session runs for hours."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_qt_calls_returning_nothing_keep_none_alive(qapp):
    obj = QObject()
    before_none, before_true = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(20_000):
        obj.setObjectName("counter")  # returns None
        obj.blockSignals(False)  # returns a bool
    # A binding that drops one reference per call would be 20,000 short (and would soon crash).
    assert abs(sys.getrefcount(None) - before_none) < 1_000
    assert abs(sys.getrefcount(True) - before_true) < 1_000
