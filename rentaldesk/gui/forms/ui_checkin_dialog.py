# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'checkin_dialog.ui'
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
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QDialog,
    QDoubleSpinBox, QFrame, QGridLayout, QHBoxLayout,
    QHeaderView, QLabel, QPushButton, QScrollArea,
    QSizePolicy, QSpacerItem, QSpinBox, QTableView,
    QVBoxLayout, QWidget)

from rentaldesk.gui.damage_diagram import DamageDiagram
from rentaldesk.gui.fuel_gauge import FuelGauge
from rentaldesk.gui.widgets import (DateField, TimeField)

class Ui_CheckInDialog(object):
    def setupUi(self, CheckInDialog):
        if not CheckInDialog.objectName():
            CheckInDialog.setObjectName(u"CheckInDialog")
        CheckInDialog.resize(960, 660)
        self.rootLayout = QVBoxLayout(CheckInDialog)
        self.rootLayout.setSpacing(8)
        self.rootLayout.setObjectName(u"rootLayout")
        self.titleLabel = QLabel(CheckInDialog)
        self.titleLabel.setObjectName(u"titleLabel")

        self.rootLayout.addWidget(self.titleLabel)

        self.infoLabel = QLabel(CheckInDialog)
        self.infoLabel.setObjectName(u"infoLabel")
        self.infoLabel.setWordWrap(True)

        self.rootLayout.addWidget(self.infoLabel)

        self.scrollArea = QScrollArea(CheckInDialog)
        self.scrollArea.setObjectName(u"scrollArea")
        self.scrollArea.setWidgetResizable(True)
        self.scrollArea.setFocusPolicy(Qt.NoFocus)
        self.scrollArea.setFrameShape(QFrame.NoFrame)
        self.scrollContents = QWidget()
        self.scrollContents.setObjectName(u"scrollContents")
        self.columnsLayout = QHBoxLayout(self.scrollContents)
        self.columnsLayout.setSpacing(18)
        self.columnsLayout.setObjectName(u"columnsLayout")
        self.formGrid = QGridLayout()
        self.formGrid.setObjectName(u"formGrid")
        self.formGrid.setVerticalSpacing(4)
        self.returnLabel = QLabel(self.scrollContents)
        self.returnLabel.setObjectName(u"returnLabel")

        self.formGrid.addWidget(self.returnLabel, 0, 0, 1, 1)

        self.returnRow = QHBoxLayout()
        self.returnRow.setObjectName(u"returnRow")
        self.returnDate = DateField(self.scrollContents)
        self.returnDate.setObjectName(u"returnDate")

        self.returnRow.addWidget(self.returnDate)

        self.returnTime = TimeField(self.scrollContents)
        self.returnTime.setObjectName(u"returnTime")

        self.returnRow.addWidget(self.returnTime)


        self.formGrid.addLayout(self.returnRow, 0, 1, 1, 1)

        self.errorReturnedAt = QLabel(self.scrollContents)
        self.errorReturnedAt.setObjectName(u"errorReturnedAt")
        self.errorReturnedAt.setWordWrap(True)

        self.formGrid.addWidget(self.errorReturnedAt, 1, 1, 1, 1)

        self.locationLabel = QLabel(self.scrollContents)
        self.locationLabel.setObjectName(u"locationLabel")

        self.formGrid.addWidget(self.locationLabel, 2, 0, 1, 1)

        self.locationCombo = QComboBox(self.scrollContents)
        self.locationCombo.setObjectName(u"locationCombo")

        self.formGrid.addWidget(self.locationCombo, 2, 1, 1, 1)

        self.errorZip = QLabel(self.scrollContents)
        self.errorZip.setObjectName(u"errorZip")
        self.errorZip.setWordWrap(True)

        self.formGrid.addWidget(self.errorZip, 3, 1, 1, 1)

        self.odometerLabel = QLabel(self.scrollContents)
        self.odometerLabel.setObjectName(u"odometerLabel")

        self.formGrid.addWidget(self.odometerLabel, 4, 0, 1, 1)

        self.odometerSpin = QSpinBox(self.scrollContents)
        self.odometerSpin.setObjectName(u"odometerSpin")
        self.odometerSpin.setMaximum(9999999)
        self.odometerSpin.setGroupSeparatorShown(True)

        self.formGrid.addWidget(self.odometerSpin, 4, 1, 1, 1)

        self.errorOdometer = QLabel(self.scrollContents)
        self.errorOdometer.setObjectName(u"errorOdometer")
        self.errorOdometer.setWordWrap(True)

        self.formGrid.addWidget(self.errorOdometer, 5, 1, 1, 1)

        self.fuelLabel = QLabel(self.scrollContents)
        self.fuelLabel.setObjectName(u"fuelLabel")

        self.formGrid.addWidget(self.fuelLabel, 6, 0, 1, 1)

        self.fuelGauge = FuelGauge(self.scrollContents)
        self.fuelGauge.setObjectName(u"fuelGauge")

        self.formGrid.addWidget(self.fuelGauge, 6, 1, 1, 1)

        self.errorFuel = QLabel(self.scrollContents)
        self.errorFuel.setObjectName(u"errorFuel")
        self.errorFuel.setWordWrap(True)

        self.formGrid.addWidget(self.errorFuel, 7, 1, 1, 1)

        self.damageChargeLabel = QLabel(self.scrollContents)
        self.damageChargeLabel.setObjectName(u"damageChargeLabel")

        self.formGrid.addWidget(self.damageChargeLabel, 8, 0, 1, 1)

        self.damageChargeSpin = QDoubleSpinBox(self.scrollContents)
        self.damageChargeSpin.setObjectName(u"damageChargeSpin")
        self.damageChargeSpin.setDecimals(2)
        self.damageChargeSpin.setMaximum(99999999.989999994635582)
        self.damageChargeSpin.setGroupSeparatorShown(True)

        self.formGrid.addWidget(self.damageChargeSpin, 8, 1, 1, 1)

        self.errorDamageCharge = QLabel(self.scrollContents)
        self.errorDamageCharge.setObjectName(u"errorDamageCharge")
        self.errorDamageCharge.setWordWrap(True)

        self.formGrid.addWidget(self.errorDamageCharge, 9, 1, 1, 1)

        self.chargesLabel = QLabel(self.scrollContents)
        self.chargesLabel.setObjectName(u"chargesLabel")

        self.formGrid.addWidget(self.chargesLabel, 10, 0, 1, 2)

        self.chargesTable = QTableView(self.scrollContents)
        self.chargesTable.setObjectName(u"chargesTable")
        self.chargesTable.setMinimumSize(QSize(0, 150))
        self.chargesTable.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.chargesTable.setSelectionMode(QAbstractItemView.NoSelection)
        self.chargesTable.setTabKeyNavigation(False)
        self.chargesTable.setFocusPolicy(Qt.NoFocus)

        self.formGrid.addWidget(self.chargesTable, 11, 0, 1, 2)

        self.totalLabel = QLabel(self.scrollContents)
        self.totalLabel.setObjectName(u"totalLabel")

        self.formGrid.addWidget(self.totalLabel, 12, 0, 1, 2)


        self.columnsLayout.addLayout(self.formGrid)

        self.inspectionColumn = QVBoxLayout()
        self.inspectionColumn.setObjectName(u"inspectionColumn")
        self.damageLabel = QLabel(self.scrollContents)
        self.damageLabel.setObjectName(u"damageLabel")

        self.inspectionColumn.addWidget(self.damageLabel)

        self.damageDiagram = DamageDiagram(self.scrollContents)
        self.damageDiagram.setObjectName(u"damageDiagram")

        self.inspectionColumn.addWidget(self.damageDiagram)

        self.errorDamage = QLabel(self.scrollContents)
        self.errorDamage.setObjectName(u"errorDamage")
        self.errorDamage.setWordWrap(True)

        self.inspectionColumn.addWidget(self.errorDamage)


        self.columnsLayout.addLayout(self.inspectionColumn)

        self.scrollArea.setWidget(self.scrollContents)

        self.rootLayout.addWidget(self.scrollArea)

        self.formError = QLabel(CheckInDialog)
        self.formError.setObjectName(u"formError")
        self.formError.setWordWrap(True)

        self.rootLayout.addWidget(self.formError)

        self.actionsLayout = QHBoxLayout()
        self.actionsLayout.setObjectName(u"actionsLayout")
        self.actionsSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.actionsLayout.addItem(self.actionsSpacer)

        self.cancelButton = QPushButton(CheckInDialog)
        self.cancelButton.setObjectName(u"cancelButton")
        self.cancelButton.setAutoDefault(False)

        self.actionsLayout.addWidget(self.cancelButton)

        self.confirmButton = QPushButton(CheckInDialog)
        self.confirmButton.setObjectName(u"confirmButton")

        self.actionsLayout.addWidget(self.confirmButton)


        self.rootLayout.addLayout(self.actionsLayout)

#if QT_CONFIG(shortcut)
        self.returnLabel.setBuddy(self.returnDate)
        self.locationLabel.setBuddy(self.locationCombo)
        self.odometerLabel.setBuddy(self.odometerSpin)
        self.fuelLabel.setBuddy(self.fuelGauge)
        self.damageChargeLabel.setBuddy(self.damageChargeSpin)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.returnDate, self.returnTime)
        QWidget.setTabOrder(self.returnTime, self.locationCombo)
        QWidget.setTabOrder(self.locationCombo, self.odometerSpin)
        QWidget.setTabOrder(self.odometerSpin, self.fuelGauge)
        QWidget.setTabOrder(self.fuelGauge, self.damageChargeSpin)
        QWidget.setTabOrder(self.damageChargeSpin, self.damageDiagram)
        QWidget.setTabOrder(self.damageDiagram, self.cancelButton)
        QWidget.setTabOrder(self.cancelButton, self.confirmButton)

        self.retranslateUi(CheckInDialog)

        self.confirmButton.setDefault(True)


        QMetaObject.connectSlotsByName(CheckInDialog)
    # setupUi

    def retranslateUi(self, CheckInDialog):
        CheckInDialog.setWindowTitle(QCoreApplication.translate("CheckInDialog", u"Check in", None))
        self.titleLabel.setText(QCoreApplication.translate("CheckInDialog", u"Check in", None))
        self.titleLabel.setProperty(u"role", QCoreApplication.translate("CheckInDialog", u"title", None))
        self.infoLabel.setProperty(u"role", QCoreApplication.translate("CheckInDialog", u"subtitle", None))
        self.returnLabel.setText(QCoreApplication.translate("CheckInDialog", u"&Returned", None))
        self.returnTime.setDisplayFormat(QCoreApplication.translate("CheckInDialog", u"HH:mm", None))
        self.errorReturnedAt.setProperty(u"role", QCoreApplication.translate("CheckInDialog", u"error", None))
        self.locationLabel.setText(QCoreApplication.translate("CheckInDialog", u"Return &location", None))
        self.errorZip.setProperty(u"role", QCoreApplication.translate("CheckInDialog", u"error", None))
        self.odometerLabel.setText(QCoreApplication.translate("CheckInDialog", u"&Odometer in", None))
        self.errorOdometer.setProperty(u"role", QCoreApplication.translate("CheckInDialog", u"error", None))
        self.fuelLabel.setText(QCoreApplication.translate("CheckInDialog", u"&Fuel in", None))
        self.errorFuel.setProperty(u"role", QCoreApplication.translate("CheckInDialog", u"error", None))
        self.damageChargeLabel.setText(QCoreApplication.translate("CheckInDialog", u"Damage &charge", None))
        self.damageChargeSpin.setPrefix(QCoreApplication.translate("CheckInDialog", u"$", None))
        self.errorDamageCharge.setProperty(u"role", QCoreApplication.translate("CheckInDialog", u"error", None))
        self.chargesLabel.setText(QCoreApplication.translate("CheckInDialog", u"Charges", None))
        self.chargesLabel.setProperty(u"role", QCoreApplication.translate("CheckInDialog", u"section", None))
        self.totalLabel.setProperty(u"role", QCoreApplication.translate("CheckInDialog", u"price", None))
        self.damageLabel.setText(QCoreApplication.translate("CheckInDialog", u"Damage: the check-out marks in grey; click the car for new ones", None))
        self.damageLabel.setProperty(u"role", QCoreApplication.translate("CheckInDialog", u"section", None))
        self.errorDamage.setProperty(u"role", QCoreApplication.translate("CheckInDialog", u"error", None))
        self.formError.setProperty(u"role", QCoreApplication.translate("CheckInDialog", u"error", None))
        self.cancelButton.setText(QCoreApplication.translate("CheckInDialog", u"Cancel", None))
        self.confirmButton.setText(QCoreApplication.translate("CheckInDialog", u"Confirm check-in", None))
        self.confirmButton.setProperty(u"role", QCoreApplication.translate("CheckInDialog", u"primary", None))
    # retranslateUi

