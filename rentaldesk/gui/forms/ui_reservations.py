# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'reservations.ui'
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
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QHBoxLayout,
    QHeaderView, QLabel, QLineEdit, QPushButton,
    QSizePolicy, QSpacerItem, QTableView, QVBoxLayout,
    QWidget)

from rentaldesk.gui.widgets import DateField
from . import resources_rc

class Ui_ReservationsScreen(object):
    def setupUi(self, ReservationsScreen):
        if not ReservationsScreen.objectName():
            ReservationsScreen.setObjectName(u"ReservationsScreen")
        ReservationsScreen.resize(1228, 860)
        self.rootLayout = QVBoxLayout(ReservationsScreen)
        self.rootLayout.setSpacing(12)
        self.rootLayout.setObjectName(u"rootLayout")
        self.rootLayout.setContentsMargins(24, 18, 24, 16)
        self.headerLayout = QHBoxLayout()
        self.headerLayout.setObjectName(u"headerLayout")
        self.titleLabel = QLabel(ReservationsScreen)
        self.titleLabel.setObjectName(u"titleLabel")

        self.headerLayout.addWidget(self.titleLabel)

        self.headerSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.headerLayout.addItem(self.headerSpacer)

        self.countLabel = QLabel(ReservationsScreen)
        self.countLabel.setObjectName(u"countLabel")

        self.headerLayout.addWidget(self.countLabel)


        self.rootLayout.addLayout(self.headerLayout)

        self.filterLayout = QHBoxLayout()
        self.filterLayout.setSpacing(8)
        self.filterLayout.setObjectName(u"filterLayout")
        self.todayButton = QPushButton(ReservationsScreen)
        self.todayButton.setObjectName(u"todayButton")
        self.todayButton.setCheckable(True)
        self.todayButton.setChecked(True)
        self.todayButton.setAutoExclusive(True)

        self.filterLayout.addWidget(self.todayButton)

        self.upcomingButton = QPushButton(ReservationsScreen)
        self.upcomingButton.setObjectName(u"upcomingButton")
        self.upcomingButton.setCheckable(True)
        self.upcomingButton.setAutoExclusive(True)

        self.filterLayout.addWidget(self.upcomingButton)

        self.allButton = QPushButton(ReservationsScreen)
        self.allButton.setObjectName(u"allButton")
        self.allButton.setCheckable(True)
        self.allButton.setAutoExclusive(True)

        self.filterLayout.addWidget(self.allButton)

        self.filterSpacer = QSpacerItem(12, 10, QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum)

        self.filterLayout.addItem(self.filterSpacer)

        self.searchEdit = QLineEdit(ReservationsScreen)
        self.searchEdit.setObjectName(u"searchEdit")
        self.searchEdit.setMinimumSize(QSize(260, 0))
        self.searchEdit.setClearButtonEnabled(True)

        self.filterLayout.addWidget(self.searchEdit)


        self.rootLayout.addLayout(self.filterLayout)

        self.narrowLayout = QHBoxLayout()
        self.narrowLayout.setSpacing(8)
        self.narrowLayout.setObjectName(u"narrowLayout")
        self.statusCombo = QComboBox(ReservationsScreen)
        self.statusCombo.setObjectName(u"statusCombo")

        self.narrowLayout.addWidget(self.statusCombo)

        self.datesCheck = QCheckBox(ReservationsScreen)
        self.datesCheck.setObjectName(u"datesCheck")

        self.narrowLayout.addWidget(self.datesCheck)

        self.fromDate = DateField(ReservationsScreen)
        self.fromDate.setObjectName(u"fromDate")
        self.fromDate.setEnabled(False)

        self.narrowLayout.addWidget(self.fromDate)

        self.toLabel = QLabel(ReservationsScreen)
        self.toLabel.setObjectName(u"toLabel")

        self.narrowLayout.addWidget(self.toLabel)

        self.toDate = DateField(ReservationsScreen)
        self.toDate.setObjectName(u"toDate")
        self.toDate.setEnabled(False)

        self.narrowLayout.addWidget(self.toDate)

        self.filterEndSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.narrowLayout.addItem(self.filterEndSpacer)


        self.rootLayout.addLayout(self.narrowLayout)

        self.reservationsView = QTableView(ReservationsScreen)
        self.reservationsView.setObjectName(u"reservationsView")
        self.reservationsView.setTabKeyNavigation(False)

        self.rootLayout.addWidget(self.reservationsView)

        self.actionsLayout = QHBoxLayout()
        self.actionsLayout.setObjectName(u"actionsLayout")
        self.openButton = QPushButton(ReservationsScreen)
        self.openButton.setObjectName(u"openButton")
        icon = QIcon()
        icon.addFile(u":/icons/edit.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        self.openButton.setIcon(icon)

        self.actionsLayout.addWidget(self.openButton)

        self.pickUpButton = QPushButton(ReservationsScreen)
        self.pickUpButton.setObjectName(u"pickUpButton")
        icon1 = QIcon()
        icon1.addFile(u":/icons/key.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        self.pickUpButton.setIcon(icon1)

        self.actionsLayout.addWidget(self.pickUpButton)

        self.returnButton = QPushButton(ReservationsScreen)
        self.returnButton.setObjectName(u"returnButton")
        icon2 = QIcon()
        icon2.addFile(u":/icons/return.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        self.returnButton.setIcon(icon2)

        self.actionsLayout.addWidget(self.returnButton)

        self.actionError = QLabel(ReservationsScreen)
        self.actionError.setObjectName(u"actionError")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        sizePolicy.setHorizontalStretch(1)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.actionError.sizePolicy().hasHeightForWidth())
        self.actionError.setSizePolicy(sizePolicy)
        self.actionError.setWordWrap(True)

        self.actionsLayout.addWidget(self.actionError)

        self.cancelButton = QPushButton(ReservationsScreen)
        self.cancelButton.setObjectName(u"cancelButton")
        icon3 = QIcon()
        icon3.addFile(u":/icons/x.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        self.cancelButton.setIcon(icon3)

        self.actionsLayout.addWidget(self.cancelButton)


        self.rootLayout.addLayout(self.actionsLayout)

        self.rootLayout.setStretch(3, 1)
        QWidget.setTabOrder(self.searchEdit, self.reservationsView)
        QWidget.setTabOrder(self.reservationsView, self.openButton)
        QWidget.setTabOrder(self.openButton, self.pickUpButton)
        QWidget.setTabOrder(self.pickUpButton, self.returnButton)
        QWidget.setTabOrder(self.returnButton, self.cancelButton)
        QWidget.setTabOrder(self.cancelButton, self.todayButton)
        QWidget.setTabOrder(self.todayButton, self.upcomingButton)
        QWidget.setTabOrder(self.upcomingButton, self.allButton)
        QWidget.setTabOrder(self.allButton, self.statusCombo)
        QWidget.setTabOrder(self.statusCombo, self.datesCheck)
        QWidget.setTabOrder(self.datesCheck, self.fromDate)
        QWidget.setTabOrder(self.fromDate, self.toDate)

        self.retranslateUi(ReservationsScreen)
        self.datesCheck.toggled.connect(self.fromDate.setEnabled)
        self.datesCheck.toggled.connect(self.toDate.setEnabled)

        QMetaObject.connectSlotsByName(ReservationsScreen)
    # setupUi

    def retranslateUi(self, ReservationsScreen):
        self.titleLabel.setText(QCoreApplication.translate("ReservationsScreen", u"Reservations", None))
        self.titleLabel.setProperty(u"role", QCoreApplication.translate("ReservationsScreen", u"title", None))
        self.countLabel.setProperty(u"role", QCoreApplication.translate("ReservationsScreen", u"subtitle", None))
#if QT_CONFIG(tooltip)
        self.todayButton.setToolTip(QCoreApplication.translate("ReservationsScreen", u"Pick-ups and returns today at this counter's branch", None))
#endif // QT_CONFIG(tooltip)
        self.todayButton.setText(QCoreApplication.translate("ReservationsScreen", u"&Today", None))
#if QT_CONFIG(tooltip)
        self.upcomingButton.setToolTip(QCoreApplication.translate("ReservationsScreen", u"Reservations still to be picked up or returned", None))
#endif // QT_CONFIG(tooltip)
        self.upcomingButton.setText(QCoreApplication.translate("ReservationsScreen", u"&Upcoming", None))
        self.allButton.setText(QCoreApplication.translate("ReservationsScreen", u"A&ll", None))
        self.searchEdit.setPlaceholderText(QCoreApplication.translate("ReservationsScreen", u"Reference, name, email or plate  (Ctrl+F): searches every reservation", None))
#if QT_CONFIG(tooltip)
        self.statusCombo.setToolTip(QCoreApplication.translate("ReservationsScreen", u"Only reservations with this status", None))
#endif // QT_CONFIG(tooltip)
        self.datesCheck.setText(QCoreApplication.translate("ReservationsScreen", u"Pick-up &between", None))
        self.toLabel.setText(QCoreApplication.translate("ReservationsScreen", u"and", None))
#if QT_CONFIG(tooltip)
        self.openButton.setToolTip(QCoreApplication.translate("ReservationsScreen", u"Change the period or the customer's details (Enter)", None))
#endif // QT_CONFIG(tooltip)
        self.openButton.setText(QCoreApplication.translate("ReservationsScreen", u"Open\u2026", None))
#if QT_CONFIG(tooltip)
        self.pickUpButton.setToolTip(QCoreApplication.translate("ReservationsScreen", u"The customer takes the car", None))
#endif // QT_CONFIG(tooltip)
        self.pickUpButton.setText(QCoreApplication.translate("ReservationsScreen", u"Pick up", None))
#if QT_CONFIG(tooltip)
        self.returnButton.setToolTip(QCoreApplication.translate("ReservationsScreen", u"The car is back", None))
#endif // QT_CONFIG(tooltip)
        self.returnButton.setText(QCoreApplication.translate("ReservationsScreen", u"Return car", None))
        self.actionError.setProperty(u"role", QCoreApplication.translate("ReservationsScreen", u"error", None))
        self.cancelButton.setText(QCoreApplication.translate("ReservationsScreen", u"Cancel reservation\u2026", None))
        self.cancelButton.setProperty(u"role", QCoreApplication.translate("ReservationsScreen", u"danger", None))
        pass
    # retranslateUi

