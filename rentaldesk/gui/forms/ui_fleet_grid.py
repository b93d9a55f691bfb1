# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'fleet_grid.ui'
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
from PySide6.QtWidgets import (QApplication, QComboBox, QHBoxLayout, QHeaderView,
    QLabel, QLineEdit, QPushButton, QSizePolicy,
    QSpacerItem, QTableView, QVBoxLayout, QWidget)
from . import resources_rc

class Ui_FleetGridScreen(object):
    def setupUi(self, FleetGridScreen):
        if not FleetGridScreen.objectName():
            FleetGridScreen.setObjectName(u"FleetGridScreen")
        FleetGridScreen.resize(1228, 860)
        self.rootLayout = QVBoxLayout(FleetGridScreen)
        self.rootLayout.setSpacing(12)
        self.rootLayout.setObjectName(u"rootLayout")
        self.rootLayout.setContentsMargins(24, 18, 24, 16)
        self.headerLayout = QHBoxLayout()
        self.headerLayout.setObjectName(u"headerLayout")
        self.titleLabel = QLabel(FleetGridScreen)
        self.titleLabel.setObjectName(u"titleLabel")

        self.headerLayout.addWidget(self.titleLabel)

        self.headerSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.headerLayout.addItem(self.headerSpacer)

        self.countLabel = QLabel(FleetGridScreen)
        self.countLabel.setObjectName(u"countLabel")

        self.headerLayout.addWidget(self.countLabel)

        self.countSpacer = QSpacerItem(16, 10, QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum)

        self.headerLayout.addItem(self.countSpacer)

        self.addButton = QPushButton(FleetGridScreen)
        self.addButton.setObjectName(u"addButton")
        icon = QIcon()
        icon.addFile(u":/icons/plus.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        self.addButton.setIcon(icon)

        self.headerLayout.addWidget(self.addButton)

        self.editButton = QPushButton(FleetGridScreen)
        self.editButton.setObjectName(u"editButton")
        icon1 = QIcon()
        icon1.addFile(u":/icons/edit.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        self.editButton.setIcon(icon1)

        self.headerLayout.addWidget(self.editButton)

        self.importButton = QPushButton(FleetGridScreen)
        self.importButton.setObjectName(u"importButton")
        icon2 = QIcon()
        icon2.addFile(u":/icons/upload.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        self.importButton.setIcon(icon2)

        self.headerLayout.addWidget(self.importButton)


        self.rootLayout.addLayout(self.headerLayout)

        self.filterLayout = QHBoxLayout()
        self.filterLayout.setSpacing(8)
        self.filterLayout.setObjectName(u"filterLayout")
        self.searchEdit = QLineEdit(FleetGridScreen)
        self.searchEdit.setObjectName(u"searchEdit")
        self.searchEdit.setMinimumSize(QSize(240, 0))
        self.searchEdit.setClearButtonEnabled(True)

        self.filterLayout.addWidget(self.searchEdit)

        self.classCombo = QComboBox(FleetGridScreen)
        self.classCombo.setObjectName(u"classCombo")

        self.filterLayout.addWidget(self.classCombo)

        self.statusCombo = QComboBox(FleetGridScreen)
        self.statusCombo.setObjectName(u"statusCombo")

        self.filterLayout.addWidget(self.statusCombo)

        self.locationCombo = QComboBox(FleetGridScreen)
        self.locationCombo.setObjectName(u"locationCombo")

        self.filterLayout.addWidget(self.locationCombo)

        self.filterSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.filterLayout.addItem(self.filterSpacer)


        self.rootLayout.addLayout(self.filterLayout)

        self.carsView = QTableView(FleetGridScreen)
        self.carsView.setObjectName(u"carsView")
        self.carsView.setTabKeyNavigation(False)

        self.rootLayout.addWidget(self.carsView)

        self.rootLayout.setStretch(2, 1)
        QWidget.setTabOrder(self.searchEdit, self.classCombo)
        QWidget.setTabOrder(self.classCombo, self.statusCombo)
        QWidget.setTabOrder(self.statusCombo, self.locationCombo)
        QWidget.setTabOrder(self.locationCombo, self.carsView)
        QWidget.setTabOrder(self.carsView, self.addButton)
        QWidget.setTabOrder(self.addButton, self.editButton)
        QWidget.setTabOrder(self.editButton, self.importButton)

        self.retranslateUi(FleetGridScreen)

        QMetaObject.connectSlotsByName(FleetGridScreen)
    # setupUi

    def retranslateUi(self, FleetGridScreen):
        self.titleLabel.setText(QCoreApplication.translate("FleetGridScreen", u"Fleet", None))
        self.titleLabel.setProperty(u"role", QCoreApplication.translate("FleetGridScreen", u"title", None))
        self.countLabel.setProperty(u"role", QCoreApplication.translate("FleetGridScreen", u"subtitle", None))
#if QT_CONFIG(tooltip)
        self.addButton.setToolTip(QCoreApplication.translate("FleetGridScreen", u"Add a car to the fleet (Ctrl+N)", None))
#endif // QT_CONFIG(tooltip)
        self.addButton.setText(QCoreApplication.translate("FleetGridScreen", u"Add car", None))
#if QT_CONFIG(tooltip)
        self.editButton.setToolTip(QCoreApplication.translate("FleetGridScreen", u"Edit the selected car (Enter)", None))
#endif // QT_CONFIG(tooltip)
        self.editButton.setText(QCoreApplication.translate("FleetGridScreen", u"Edit\u2026", None))
#if QT_CONFIG(tooltip)
        self.importButton.setToolTip(QCoreApplication.translate("FleetGridScreen", u"Add or update cars from a fleet CSV file (Ctrl+I)", None))
#endif // QT_CONFIG(tooltip)
        self.importButton.setText(QCoreApplication.translate("FleetGridScreen", u"Import CSV\u2026", None))
        self.searchEdit.setPlaceholderText(QCoreApplication.translate("FleetGridScreen", u"Plate, model, colour, driver\u2026  (Ctrl+F)", None))
#if QT_CONFIG(tooltip)
        self.classCombo.setToolTip(QCoreApplication.translate("FleetGridScreen", u"Only this vehicle class", None))
#endif // QT_CONFIG(tooltip)
#if QT_CONFIG(tooltip)
        self.statusCombo.setToolTip(QCoreApplication.translate("FleetGridScreen", u"Only cars in this state", None))
#endif // QT_CONFIG(tooltip)
#if QT_CONFIG(tooltip)
        self.locationCombo.setToolTip(QCoreApplication.translate("FleetGridScreen", u"Only this location", None))
#endif // QT_CONFIG(tooltip)
        pass
    # retranslateUi

