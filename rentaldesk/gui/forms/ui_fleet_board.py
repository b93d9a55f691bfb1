# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'fleet_board.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QApplication, QComboBox, QFrame, QHBoxLayout,
    QHeaderView, QLabel, QPushButton, QSizePolicy,
    QSpacerItem, QSplitter, QTableView, QVBoxLayout,
    QWidget)

from rentaldesk.gui.timeline import TimelineView
from . import resources_rc

class Ui_FleetBoardScreen(object):
    def setupUi(self, FleetBoardScreen):
        if not FleetBoardScreen.objectName():
            FleetBoardScreen.setObjectName(u"FleetBoardScreen")
        FleetBoardScreen.resize(1228, 860)
        self.rootLayout = QVBoxLayout(FleetBoardScreen)
        self.rootLayout.setSpacing(12)
        self.rootLayout.setObjectName(u"rootLayout")
        self.rootLayout.setContentsMargins(24, 18, 24, 16)
        self.headerLayout = QHBoxLayout()
        self.headerLayout.setSpacing(8)
        self.headerLayout.setObjectName(u"headerLayout")
        self.titleLayout = QVBoxLayout()
        self.titleLayout.setSpacing(0)
        self.titleLayout.setObjectName(u"titleLayout")
        self.titleLabel = QLabel(FleetBoardScreen)
        self.titleLabel.setObjectName(u"titleLabel")

        self.titleLayout.addWidget(self.titleLabel)

        self.updatedLabel = QLabel(FleetBoardScreen)
        self.updatedLabel.setObjectName(u"updatedLabel")

        self.titleLayout.addWidget(self.updatedLabel)


        self.headerLayout.addLayout(self.titleLayout)

        self.headerSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.headerLayout.addItem(self.headerSpacer)

        self.locationCombo = QComboBox(FleetBoardScreen)
        self.locationCombo.setObjectName(u"locationCombo")

        self.headerLayout.addWidget(self.locationCombo)

        self.dayButton = QPushButton(FleetBoardScreen)
        self.dayButton.setObjectName(u"dayButton")
        self.dayButton.setCheckable(True)
        self.dayButton.setAutoExclusive(True)

        self.headerLayout.addWidget(self.dayButton)

        self.weekButton = QPushButton(FleetBoardScreen)
        self.weekButton.setObjectName(u"weekButton")
        self.weekButton.setCheckable(True)
        self.weekButton.setChecked(True)
        self.weekButton.setAutoExclusive(True)

        self.headerLayout.addWidget(self.weekButton)

        self.nowButton = QPushButton(FleetBoardScreen)
        self.nowButton.setObjectName(u"nowButton")
        icon = QIcon()
        icon.addFile(u":/icons/clock.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        self.nowButton.setIcon(icon)

        self.headerLayout.addWidget(self.nowButton)

        self.fullScreenButton = QPushButton(FleetBoardScreen)
        self.fullScreenButton.setObjectName(u"fullScreenButton")
        icon1 = QIcon()
        icon1.addFile(u":/icons/maximize.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        self.fullScreenButton.setIcon(icon1)

        self.headerLayout.addWidget(self.fullScreenButton)


        self.rootLayout.addLayout(self.headerLayout)

        self.tilesLayout = QHBoxLayout()
        self.tilesLayout.setSpacing(12)
        self.tilesLayout.setObjectName(u"tilesLayout")
        self.freeTile = QFrame(FleetBoardScreen)
        self.freeTile.setObjectName(u"freeTile")
        self.freeTile.setMaximumSize(QSize(16777215, 84))
        self.freeTileLayout = QVBoxLayout(self.freeTile)
        self.freeTileLayout.setSpacing(0)
        self.freeTileLayout.setObjectName(u"freeTileLayout")
        self.freeFigure = QLabel(self.freeTile)
        self.freeFigure.setObjectName(u"freeFigure")

        self.freeTileLayout.addWidget(self.freeFigure)

        self.freeCaption = QLabel(self.freeTile)
        self.freeCaption.setObjectName(u"freeCaption")

        self.freeTileLayout.addWidget(self.freeCaption)


        self.tilesLayout.addWidget(self.freeTile)

        self.onRentTile = QFrame(FleetBoardScreen)
        self.onRentTile.setObjectName(u"onRentTile")
        self.onRentTile.setMaximumSize(QSize(16777215, 84))
        self.onRentTileLayout = QVBoxLayout(self.onRentTile)
        self.onRentTileLayout.setSpacing(0)
        self.onRentTileLayout.setObjectName(u"onRentTileLayout")
        self.onRentFigure = QLabel(self.onRentTile)
        self.onRentFigure.setObjectName(u"onRentFigure")

        self.onRentTileLayout.addWidget(self.onRentFigure)

        self.onRentCaption = QLabel(self.onRentTile)
        self.onRentCaption.setObjectName(u"onRentCaption")

        self.onRentTileLayout.addWidget(self.onRentCaption)


        self.tilesLayout.addWidget(self.onRentTile)

        self.reservedTile = QFrame(FleetBoardScreen)
        self.reservedTile.setObjectName(u"reservedTile")
        self.reservedTile.setMaximumSize(QSize(16777215, 84))
        self.reservedTileLayout = QVBoxLayout(self.reservedTile)
        self.reservedTileLayout.setSpacing(0)
        self.reservedTileLayout.setObjectName(u"reservedTileLayout")
        self.reservedFigure = QLabel(self.reservedTile)
        self.reservedFigure.setObjectName(u"reservedFigure")

        self.reservedTileLayout.addWidget(self.reservedFigure)

        self.reservedCaption = QLabel(self.reservedTile)
        self.reservedCaption.setObjectName(u"reservedCaption")

        self.reservedTileLayout.addWidget(self.reservedCaption)


        self.tilesLayout.addWidget(self.reservedTile)

        self.maintenanceTile = QFrame(FleetBoardScreen)
        self.maintenanceTile.setObjectName(u"maintenanceTile")
        self.maintenanceTile.setMaximumSize(QSize(16777215, 84))
        self.maintenanceTileLayout = QVBoxLayout(self.maintenanceTile)
        self.maintenanceTileLayout.setSpacing(0)
        self.maintenanceTileLayout.setObjectName(u"maintenanceTileLayout")
        self.maintenanceFigure = QLabel(self.maintenanceTile)
        self.maintenanceFigure.setObjectName(u"maintenanceFigure")

        self.maintenanceTileLayout.addWidget(self.maintenanceFigure)

        self.maintenanceCaption = QLabel(self.maintenanceTile)
        self.maintenanceCaption.setObjectName(u"maintenanceCaption")

        self.maintenanceTileLayout.addWidget(self.maintenanceCaption)


        self.tilesLayout.addWidget(self.maintenanceTile)

        self.utilisationTile = QFrame(FleetBoardScreen)
        self.utilisationTile.setObjectName(u"utilisationTile")
        self.utilisationTile.setMaximumSize(QSize(16777215, 84))
        self.utilisationTileLayout = QVBoxLayout(self.utilisationTile)
        self.utilisationTileLayout.setSpacing(0)
        self.utilisationTileLayout.setObjectName(u"utilisationTileLayout")
        self.utilisationFigure = QLabel(self.utilisationTile)
        self.utilisationFigure.setObjectName(u"utilisationFigure")

        self.utilisationTileLayout.addWidget(self.utilisationFigure)

        self.utilisationCaption = QLabel(self.utilisationTile)
        self.utilisationCaption.setObjectName(u"utilisationCaption")

        self.utilisationTileLayout.addWidget(self.utilisationCaption)


        self.tilesLayout.addWidget(self.utilisationTile)


        self.rootLayout.addLayout(self.tilesLayout)

        self.splitter = QSplitter(FleetBoardScreen)
        self.splitter.setObjectName(u"splitter")
        self.splitter.setOrientation(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(12)
        self.timeline = TimelineView(self.splitter)
        self.timeline.setObjectName(u"timeline")
        self.splitter.addWidget(self.timeline)
        self.poolsView = QTableView(self.splitter)
        self.poolsView.setObjectName(u"poolsView")
        self.poolsView.setTabKeyNavigation(False)
        self.splitter.addWidget(self.poolsView)

        self.rootLayout.addWidget(self.splitter)

        self.rootLayout.setStretch(2, 1)
        QWidget.setTabOrder(self.timeline, self.poolsView)
        QWidget.setTabOrder(self.poolsView, self.locationCombo)
        QWidget.setTabOrder(self.locationCombo, self.dayButton)
        QWidget.setTabOrder(self.dayButton, self.weekButton)
        QWidget.setTabOrder(self.weekButton, self.nowButton)
        QWidget.setTabOrder(self.nowButton, self.fullScreenButton)

        self.retranslateUi(FleetBoardScreen)

        QMetaObject.connectSlotsByName(FleetBoardScreen)
    # setupUi

    def retranslateUi(self, FleetBoardScreen):
        self.titleLabel.setText(QCoreApplication.translate("FleetBoardScreen", u"Fleet board", None))
        self.titleLabel.setProperty(u"role", QCoreApplication.translate("FleetBoardScreen", u"title", None))
        self.updatedLabel.setProperty(u"role", QCoreApplication.translate("FleetBoardScreen", u"subtitle", None))
#if QT_CONFIG(tooltip)
        self.locationCombo.setToolTip(QCoreApplication.translate("FleetBoardScreen", u"Only this location", None))
#endif // QT_CONFIG(tooltip)
#if QT_CONFIG(tooltip)
        self.dayButton.setToolTip(QCoreApplication.translate("FleetBoardScreen", u"Zoom to days: hours are visible (Ctrl++)", None))
#endif // QT_CONFIG(tooltip)
        self.dayButton.setText(QCoreApplication.translate("FleetBoardScreen", u"Day", None))
#if QT_CONFIG(tooltip)
        self.weekButton.setToolTip(QCoreApplication.translate("FleetBoardScreen", u"Zoom to weeks (Ctrl+-)", None))
#endif // QT_CONFIG(tooltip)
        self.weekButton.setText(QCoreApplication.translate("FleetBoardScreen", u"Week", None))
#if QT_CONFIG(tooltip)
        self.nowButton.setToolTip(QCoreApplication.translate("FleetBoardScreen", u"Scroll to now (Home)", None))
#endif // QT_CONFIG(tooltip)
        self.nowButton.setText(QCoreApplication.translate("FleetBoardScreen", u"Now", None))
#if QT_CONFIG(tooltip)
        self.fullScreenButton.setToolTip(QCoreApplication.translate("FleetBoardScreen", u"Full screen for a wall display (F11)", None))
#endif // QT_CONFIG(tooltip)
        self.fullScreenButton.setText(QCoreApplication.translate("FleetBoardScreen", u"Full screen", None))
        self.freeTile.setProperty(u"role", QCoreApplication.translate("FleetBoardScreen", u"tile", None))
        self.freeFigure.setText(QCoreApplication.translate("FleetBoardScreen", u"0", None))
        self.freeFigure.setProperty(u"role", QCoreApplication.translate("FleetBoardScreen", u"figure", None))
        self.freeCaption.setText(QCoreApplication.translate("FleetBoardScreen", u"Free now", None))
        self.freeCaption.setProperty(u"role", QCoreApplication.translate("FleetBoardScreen", u"figureLabel", None))
        self.onRentTile.setProperty(u"role", QCoreApplication.translate("FleetBoardScreen", u"tile", None))
        self.onRentFigure.setText(QCoreApplication.translate("FleetBoardScreen", u"0", None))
        self.onRentFigure.setProperty(u"role", QCoreApplication.translate("FleetBoardScreen", u"figure", None))
        self.onRentCaption.setText(QCoreApplication.translate("FleetBoardScreen", u"On rent", None))
        self.onRentCaption.setProperty(u"role", QCoreApplication.translate("FleetBoardScreen", u"figureLabel", None))
        self.reservedTile.setProperty(u"role", QCoreApplication.translate("FleetBoardScreen", u"tile", None))
        self.reservedFigure.setText(QCoreApplication.translate("FleetBoardScreen", u"0", None))
        self.reservedFigure.setProperty(u"role", QCoreApplication.translate("FleetBoardScreen", u"figure", None))
        self.reservedCaption.setText(QCoreApplication.translate("FleetBoardScreen", u"Reserved (next 24 h)", None))
        self.reservedCaption.setProperty(u"role", QCoreApplication.translate("FleetBoardScreen", u"figureLabel", None))
        self.maintenanceTile.setProperty(u"role", QCoreApplication.translate("FleetBoardScreen", u"tile", None))
        self.maintenanceFigure.setText(QCoreApplication.translate("FleetBoardScreen", u"0", None))
        self.maintenanceFigure.setProperty(u"role", QCoreApplication.translate("FleetBoardScreen", u"figure", None))
        self.maintenanceCaption.setText(QCoreApplication.translate("FleetBoardScreen", u"In maintenance", None))
        self.maintenanceCaption.setProperty(u"role", QCoreApplication.translate("FleetBoardScreen", u"figureLabel", None))
        self.utilisationTile.setProperty(u"role", QCoreApplication.translate("FleetBoardScreen", u"tile", None))
        self.utilisationFigure.setText(QCoreApplication.translate("FleetBoardScreen", u"0%", None))
        self.utilisationFigure.setProperty(u"role", QCoreApplication.translate("FleetBoardScreen", u"figure", None))
        self.utilisationCaption.setText(QCoreApplication.translate("FleetBoardScreen", u"Utilisation, next 7 days", None))
        self.utilisationCaption.setProperty(u"role", QCoreApplication.translate("FleetBoardScreen", u"figureLabel", None))
        pass
    # retranslateUi

