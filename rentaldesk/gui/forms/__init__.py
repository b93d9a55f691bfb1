"""Python forms generated from ``ui/*.ui`` by ``pyside6-uic --from-imports`` and the resources module
generated from ``resources/resources.qrc`` by ``pyside6-rcc``. Do not edit: run ``python ui/build.py``.
"""
