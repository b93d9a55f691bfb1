# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'reservation_dialog.ui'
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
from PySide6.QtWidgets import (QApplication, QComboBox, QDialog, QGridLayout,
    QGroupBox, QHBoxLayout, QLabel, QLineEdit,
    QPushButton, QSizePolicy, QSpacerItem, QTimeEdit,
    QVBoxLayout, QWidget)

from rentaldesk.gui.widgets import DateField

class Ui_ReservationDialog(object):
    def setupUi(self, ReservationDialog):
        if not ReservationDialog.objectName():
            ReservationDialog.setObjectName(u"ReservationDialog")
        ReservationDialog.resize(660, 480)
        ReservationDialog.setMinimumSize(QSize(780, 0))
        self.rootLayout = QVBoxLayout(ReservationDialog)
        self.rootLayout.setSpacing(10)
        self.rootLayout.setObjectName(u"rootLayout")
        self.rootLayout.setContentsMargins(20, 16, 20, 16)
        self.headerLayout = QHBoxLayout()
        self.headerLayout.setObjectName(u"headerLayout")
        self.referenceLabel = QLabel(ReservationDialog)
        self.referenceLabel.setObjectName(u"referenceLabel")
        self.referenceLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.headerLayout.addWidget(self.referenceLabel)

        self.headerSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.headerLayout.addItem(self.headerSpacer)

        self.statusPill = QLabel(ReservationDialog)
        self.statusPill.setObjectName(u"statusPill")

        self.headerLayout.addWidget(self.statusPill)


        self.rootLayout.addLayout(self.headerLayout)

        self.infoLabel = QLabel(ReservationDialog)
        self.infoLabel.setObjectName(u"infoLabel")
        self.infoLabel.setWordWrap(True)

        self.rootLayout.addWidget(self.infoLabel)

        self.periodGroup = QGroupBox(ReservationDialog)
        self.periodGroup.setObjectName(u"periodGroup")
        self.periodLayout = QGridLayout(self.periodGroup)
        self.periodLayout.setObjectName(u"periodLayout")
        self.periodLayout.setHorizontalSpacing(10)
        self.periodLayout.setVerticalSpacing(4)
        self.startLabel = QLabel(self.periodGroup)
        self.startLabel.setObjectName(u"startLabel")

        self.periodLayout.addWidget(self.startLabel, 0, 0, 1, 1)

        self.startDate = DateField(self.periodGroup)
        self.startDate.setObjectName(u"startDate")

        self.periodLayout.addWidget(self.startDate, 0, 1, 1, 1)

        self.startTime = QTimeEdit(self.periodGroup)
        self.startTime.setObjectName(u"startTime")

        self.periodLayout.addWidget(self.startTime, 0, 2, 1, 1)

        self.errorStart = QLabel(self.periodGroup)
        self.errorStart.setObjectName(u"errorStart")
        self.errorStart.setWordWrap(True)

        self.periodLayout.addWidget(self.errorStart, 1, 1, 1, 2)

        self.endLabel = QLabel(self.periodGroup)
        self.endLabel.setObjectName(u"endLabel")

        self.periodLayout.addWidget(self.endLabel, 2, 0, 1, 1)

        self.endDate = DateField(self.periodGroup)
        self.endDate.setObjectName(u"endDate")

        self.periodLayout.addWidget(self.endDate, 2, 1, 1, 1)

        self.endTime = QTimeEdit(self.periodGroup)
        self.endTime.setObjectName(u"endTime")

        self.periodLayout.addWidget(self.endTime, 2, 2, 1, 1)

        self.errorEnd = QLabel(self.periodGroup)
        self.errorEnd.setObjectName(u"errorEnd")
        self.errorEnd.setWordWrap(True)

        self.periodLayout.addWidget(self.errorEnd, 3, 1, 1, 2)

        self.zoneHint = QLabel(self.periodGroup)
        self.zoneHint.setObjectName(u"zoneHint")

        self.periodLayout.addWidget(self.zoneHint, 4, 1, 1, 2)

        self.returnAtLabel = QLabel(self.periodGroup)
        self.returnAtLabel.setObjectName(u"returnAtLabel")

        self.periodLayout.addWidget(self.returnAtLabel, 5, 0, 1, 1)

        self.returnCombo = QComboBox(self.periodGroup)
        self.returnCombo.setObjectName(u"returnCombo")

        self.periodLayout.addWidget(self.returnCombo, 5, 1, 1, 2)

        self.errorReturn = QLabel(self.periodGroup)
        self.errorReturn.setObjectName(u"errorReturn")
        self.errorReturn.setWordWrap(True)

        self.periodLayout.addWidget(self.errorReturn, 6, 1, 1, 2)


        self.rootLayout.addWidget(self.periodGroup)

        self.customerGroup = QGroupBox(ReservationDialog)
        self.customerGroup.setObjectName(u"customerGroup")
        self.customerLayout = QGridLayout(self.customerGroup)
        self.customerLayout.setObjectName(u"customerLayout")
        self.customerLayout.setHorizontalSpacing(10)
        self.customerLayout.setVerticalSpacing(4)
        self.emailLabel = QLabel(self.customerGroup)
        self.emailLabel.setObjectName(u"emailLabel")

        self.customerLayout.addWidget(self.emailLabel, 0, 0, 1, 1)

        self.emailEdit = QLineEdit(self.customerGroup)
        self.emailEdit.setObjectName(u"emailEdit")
        self.emailEdit.setReadOnly(True)
        self.emailEdit.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.customerLayout.addWidget(self.emailEdit, 0, 1, 1, 1)

        self.nameLabel = QLabel(self.customerGroup)
        self.nameLabel.setObjectName(u"nameLabel")

        self.customerLayout.addWidget(self.nameLabel, 1, 0, 1, 1)

        self.nameEdit = QLineEdit(self.customerGroup)
        self.nameEdit.setObjectName(u"nameEdit")

        self.customerLayout.addWidget(self.nameEdit, 1, 1, 1, 1)

        self.errorName = QLabel(self.customerGroup)
        self.errorName.setObjectName(u"errorName")
        self.errorName.setWordWrap(True)

        self.customerLayout.addWidget(self.errorName, 2, 1, 1, 1)

        self.phoneLabel = QLabel(self.customerGroup)
        self.phoneLabel.setObjectName(u"phoneLabel")

        self.customerLayout.addWidget(self.phoneLabel, 3, 0, 1, 1)

        self.phoneEdit = QLineEdit(self.customerGroup)
        self.phoneEdit.setObjectName(u"phoneEdit")

        self.customerLayout.addWidget(self.phoneEdit, 3, 1, 1, 1)

        self.errorPhone = QLabel(self.customerGroup)
        self.errorPhone.setObjectName(u"errorPhone")
        self.errorPhone.setWordWrap(True)

        self.customerLayout.addWidget(self.errorPhone, 4, 1, 1, 1)


        self.rootLayout.addWidget(self.customerGroup)

        self.formError = QLabel(ReservationDialog)
        self.formError.setObjectName(u"formError")
        self.formError.setWordWrap(True)

        self.rootLayout.addWidget(self.formError)

        self.actionsLayout = QHBoxLayout()
        self.actionsLayout.setObjectName(u"actionsLayout")
        self.cancelReservationButton = QPushButton(ReservationDialog)
        self.cancelReservationButton.setObjectName(u"cancelReservationButton")
        self.cancelReservationButton.setAutoDefault(False)

        self.actionsLayout.addWidget(self.cancelReservationButton)

        self.pickUpButton = QPushButton(ReservationDialog)
        self.pickUpButton.setObjectName(u"pickUpButton")
        self.pickUpButton.setAutoDefault(False)

        self.actionsLayout.addWidget(self.pickUpButton)

        self.returnButton = QPushButton(ReservationDialog)
        self.returnButton.setObjectName(u"returnButton")
        self.returnButton.setAutoDefault(False)

        self.actionsLayout.addWidget(self.returnButton)

        self.assignCarButton = QPushButton(ReservationDialog)
        self.assignCarButton.setObjectName(u"assignCarButton")
        self.assignCarButton.setAutoDefault(False)

        self.actionsLayout.addWidget(self.assignCarButton)

        self.historyButton = QPushButton(ReservationDialog)
        self.historyButton.setObjectName(u"historyButton")
        self.historyButton.setAutoDefault(False)

        self.actionsLayout.addWidget(self.historyButton)

        self.actionsSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.actionsLayout.addItem(self.actionsSpacer)

        self.closeButton = QPushButton(ReservationDialog)
        self.closeButton.setObjectName(u"closeButton")
        self.closeButton.setAutoDefault(False)

        self.actionsLayout.addWidget(self.closeButton)

        self.saveButton = QPushButton(ReservationDialog)
        self.saveButton.setObjectName(u"saveButton")

        self.actionsLayout.addWidget(self.saveButton)


        self.rootLayout.addLayout(self.actionsLayout)

#if QT_CONFIG(shortcut)
        self.startLabel.setBuddy(self.startDate)
        self.endLabel.setBuddy(self.endDate)
        self.returnAtLabel.setBuddy(self.returnCombo)
        self.nameLabel.setBuddy(self.nameEdit)
        self.phoneLabel.setBuddy(self.phoneEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.startDate, self.startTime)
        QWidget.setTabOrder(self.startTime, self.endDate)
        QWidget.setTabOrder(self.endDate, self.endTime)
        QWidget.setTabOrder(self.endTime, self.returnCombo)
        QWidget.setTabOrder(self.returnCombo, self.nameEdit)
        QWidget.setTabOrder(self.nameEdit, self.phoneEdit)
        QWidget.setTabOrder(self.phoneEdit, self.saveButton)
        QWidget.setTabOrder(self.saveButton, self.closeButton)
        QWidget.setTabOrder(self.closeButton, self.pickUpButton)
        QWidget.setTabOrder(self.pickUpButton, self.returnButton)
        QWidget.setTabOrder(self.returnButton, self.assignCarButton)
        QWidget.setTabOrder(self.assignCarButton, self.cancelReservationButton)

        self.retranslateUi(ReservationDialog)
        self.closeButton.clicked.connect(ReservationDialog.reject)

        self.saveButton.setDefault(True)


        QMetaObject.connectSlotsByName(ReservationDialog)
    # setupUi

    def retranslateUi(self, ReservationDialog):
        ReservationDialog.setWindowTitle(QCoreApplication.translate("ReservationDialog", u"Reservation", None))
        self.referenceLabel.setProperty(u"role", QCoreApplication.translate("ReservationDialog", u"title", None))
        self.infoLabel.setProperty(u"role", QCoreApplication.translate("ReservationDialog", u"subtitle", None))
        self.periodGroup.setTitle(QCoreApplication.translate("ReservationDialog", u"Period", None))
        self.startLabel.setText(QCoreApplication.translate("ReservationDialog", u"&Pick-up", None))
        self.startTime.setDisplayFormat(QCoreApplication.translate("ReservationDialog", u"HH:mm", None))
        self.errorStart.setProperty(u"role", QCoreApplication.translate("ReservationDialog", u"error", None))
        self.endLabel.setText(QCoreApplication.translate("ReservationDialog", u"&Return", None))
        self.endTime.setDisplayFormat(QCoreApplication.translate("ReservationDialog", u"HH:mm", None))
        self.errorEnd.setProperty(u"role", QCoreApplication.translate("ReservationDialog", u"error", None))
        self.zoneHint.setProperty(u"role", QCoreApplication.translate("ReservationDialog", u"hint", None))
        self.returnAtLabel.setText(QCoreApplication.translate("ReservationDialog", u"Return &at", None))
#if QT_CONFIG(tooltip)
        self.returnCombo.setToolTip(QCoreApplication.translate("ReservationDialog", u"Where the customer brings the car back: the pick-up branch (a round trip) or another branch (a one-way, with its drop fee)", None))
#endif // QT_CONFIG(tooltip)
        self.errorReturn.setProperty(u"role", QCoreApplication.translate("ReservationDialog", u"error", None))
        self.customerGroup.setTitle(QCoreApplication.translate("ReservationDialog", u"Customer", None))
        self.emailLabel.setText(QCoreApplication.translate("ReservationDialog", u"Email", None))
        self.nameLabel.setText(QCoreApplication.translate("ReservationDialog", u"&Name", None))
        self.errorName.setProperty(u"role", QCoreApplication.translate("ReservationDialog", u"error", None))
        self.phoneLabel.setText(QCoreApplication.translate("ReservationDialog", u"P&hone", None))
        self.errorPhone.setProperty(u"role", QCoreApplication.translate("ReservationDialog", u"error", None))
        self.formError.setProperty(u"role", QCoreApplication.translate("ReservationDialog", u"error", None))
        self.cancelReservationButton.setText(QCoreApplication.translate("ReservationDialog", u"Cancel reservation\u2026", None))
        self.cancelReservationButton.setProperty(u"role", QCoreApplication.translate("ReservationDialog", u"danger", None))
        self.pickUpButton.setText(QCoreApplication.translate("ReservationDialog", u"Pick up", None))
        self.returnButton.setText(QCoreApplication.translate("ReservationDialog", u"Return car", None))
        self.assignCarButton.setText(QCoreApplication.translate("ReservationDialog", u"Another &car\u2026", None))
#if QT_CONFIG(tooltip)
        self.assignCarButton.setToolTip(QCoreApplication.translate("ReservationDialog", u"Give this reservation another car at its booked price: of its class, a higher class, or at another location", None))
#endif // QT_CONFIG(tooltip)
        self.historyButton.setText(QCoreApplication.translate("ReservationDialog", u"&History\u2026", None))
#if QT_CONFIG(tooltip)
        self.historyButton.setToolTip(QCoreApplication.translate("ReservationDialog", u"Who changed this reservation, when, where and what", None))
#endif // QT_CONFIG(tooltip)
        self.closeButton.setText(QCoreApplication.translate("ReservationDialog", u"Close", None))
        self.saveButton.setText(QCoreApplication.translate("ReservationDialog", u"Save changes", None))
        self.saveButton.setProperty(u"role", QCoreApplication.translate("ReservationDialog", u"primary", None))
    # retranslateUi

