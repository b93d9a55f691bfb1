# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'checkout_dialog.ui'
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
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QDialog,
    QFrame, QGridLayout, QHBoxLayout, QLabel,
    QLineEdit, QPushButton, QScrollArea, QSizePolicy,
    QSpacerItem, QSpinBox, QVBoxLayout, QWidget)

from rentaldesk.gui.damage_diagram import DamageDiagram
from rentaldesk.gui.extras_picker import ExtrasPicker
from rentaldesk.gui.fuel_gauge import FuelGauge
from rentaldesk.gui.signature_pad import SignaturePad

class Ui_CheckOutDialog(object):
    def setupUi(self, CheckOutDialog):
        if not CheckOutDialog.objectName():
            CheckOutDialog.setObjectName(u"CheckOutDialog")
        CheckOutDialog.resize(960, 660)
        self.rootLayout = QVBoxLayout(CheckOutDialog)
        self.rootLayout.setSpacing(8)
        self.rootLayout.setObjectName(u"rootLayout")
        self.titleLabel = QLabel(CheckOutDialog)
        self.titleLabel.setObjectName(u"titleLabel")

        self.rootLayout.addWidget(self.titleLabel)

        self.infoLabel = QLabel(CheckOutDialog)
        self.infoLabel.setObjectName(u"infoLabel")
        self.infoLabel.setWordWrap(True)

        self.rootLayout.addWidget(self.infoLabel)

        self.scrollArea = QScrollArea(CheckOutDialog)
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
        self.carLabel = QLabel(self.scrollContents)
        self.carLabel.setObjectName(u"carLabel")

        self.formGrid.addWidget(self.carLabel, 0, 0, 1, 1)

        self.carCombo = QComboBox(self.scrollContents)
        self.carCombo.setObjectName(u"carCombo")

        self.formGrid.addWidget(self.carCombo, 0, 1, 1, 1)

        self.errorCar = QLabel(self.scrollContents)
        self.errorCar.setObjectName(u"errorCar")
        self.errorCar.setWordWrap(True)

        self.formGrid.addWidget(self.errorCar, 1, 1, 1, 1)

        self.upgradeReasonLabel = QLabel(self.scrollContents)
        self.upgradeReasonLabel.setObjectName(u"upgradeReasonLabel")

        self.formGrid.addWidget(self.upgradeReasonLabel, 2, 0, 1, 1)

        self.upgradeReasonEdit = QLineEdit(self.scrollContents)
        self.upgradeReasonEdit.setObjectName(u"upgradeReasonEdit")
        self.upgradeReasonEdit.setMaxLength(200)

        self.formGrid.addWidget(self.upgradeReasonEdit, 2, 1, 1, 1)

        self.errorUpgradeReason = QLabel(self.scrollContents)
        self.errorUpgradeReason.setObjectName(u"errorUpgradeReason")
        self.errorUpgradeReason.setWordWrap(True)

        self.formGrid.addWidget(self.errorUpgradeReason, 3, 1, 1, 1)

        self.licenceCheck = QCheckBox(self.scrollContents)
        self.licenceCheck.setObjectName(u"licenceCheck")

        self.formGrid.addWidget(self.licenceCheck, 4, 1, 1, 1)

        self.errorLicence = QLabel(self.scrollContents)
        self.errorLicence.setObjectName(u"errorLicence")
        self.errorLicence.setWordWrap(True)

        self.formGrid.addWidget(self.errorLicence, 5, 1, 1, 1)

        self.odometerLabel = QLabel(self.scrollContents)
        self.odometerLabel.setObjectName(u"odometerLabel")

        self.formGrid.addWidget(self.odometerLabel, 6, 0, 1, 1)

        self.odometerSpin = QSpinBox(self.scrollContents)
        self.odometerSpin.setObjectName(u"odometerSpin")
        self.odometerSpin.setMaximum(9999999)
        self.odometerSpin.setGroupSeparatorShown(True)

        self.formGrid.addWidget(self.odometerSpin, 6, 1, 1, 1)

        self.errorOdometer = QLabel(self.scrollContents)
        self.errorOdometer.setObjectName(u"errorOdometer")
        self.errorOdometer.setWordWrap(True)

        self.formGrid.addWidget(self.errorOdometer, 7, 1, 1, 1)

        self.fuelLabel = QLabel(self.scrollContents)
        self.fuelLabel.setObjectName(u"fuelLabel")

        self.formGrid.addWidget(self.fuelLabel, 8, 0, 1, 1)

        self.fuelGauge = FuelGauge(self.scrollContents)
        self.fuelGauge.setObjectName(u"fuelGauge")

        self.formGrid.addWidget(self.fuelGauge, 8, 1, 1, 1)

        self.errorFuel = QLabel(self.scrollContents)
        self.errorFuel.setObjectName(u"errorFuel")
        self.errorFuel.setWordWrap(True)

        self.formGrid.addWidget(self.errorFuel, 9, 1, 1, 1)

        self.extrasLabel = QLabel(self.scrollContents)
        self.extrasLabel.setObjectName(u"extrasLabel")
        self.extrasLabel.setAlignment(Qt.AlignLeading|Qt.AlignTop)

        self.formGrid.addWidget(self.extrasLabel, 10, 0, 1, 1)

        self.extrasPicker = ExtrasPicker(self.scrollContents)
        self.extrasPicker.setObjectName(u"extrasPicker")

        self.formGrid.addWidget(self.extrasPicker, 10, 1, 1, 1)

        self.errorExtras = QLabel(self.scrollContents)
        self.errorExtras.setObjectName(u"errorExtras")
        self.errorExtras.setWordWrap(True)

        self.formGrid.addWidget(self.errorExtras, 11, 1, 1, 1)

        self.depositLabel = QLabel(self.scrollContents)
        self.depositLabel.setObjectName(u"depositLabel")

        self.formGrid.addWidget(self.depositLabel, 12, 0, 1, 1)

        self.depositRow = QHBoxLayout()
        self.depositRow.setObjectName(u"depositRow")
        self.depositAmountLabel = QLabel(self.scrollContents)
        self.depositAmountLabel.setObjectName(u"depositAmountLabel")

        self.depositRow.addWidget(self.depositAmountLabel)

        self.depositMethodCombo = QComboBox(self.scrollContents)
        self.depositMethodCombo.setObjectName(u"depositMethodCombo")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        sizePolicy.setHorizontalStretch(1)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.depositMethodCombo.sizePolicy().hasHeightForWidth())
        self.depositMethodCombo.setSizePolicy(sizePolicy)

        self.depositRow.addWidget(self.depositMethodCombo)


        self.formGrid.addLayout(self.depositRow, 12, 1, 1, 1)

        self.depositReferenceEdit = QLineEdit(self.scrollContents)
        self.depositReferenceEdit.setObjectName(u"depositReferenceEdit")
        self.depositReferenceEdit.setMaxLength(64)

        self.formGrid.addWidget(self.depositReferenceEdit, 13, 1, 1, 1)

        self.errorDeposit = QLabel(self.scrollContents)
        self.errorDeposit.setObjectName(u"errorDeposit")
        self.errorDeposit.setWordWrap(True)

        self.formGrid.addWidget(self.errorDeposit, 14, 1, 1, 1)

        self.formSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.formGrid.addItem(self.formSpacer, 15, 0, 1, 1)


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

        self.signatureHeader = QHBoxLayout()
        self.signatureHeader.setObjectName(u"signatureHeader")
        self.signatureLabel = QLabel(self.scrollContents)
        self.signatureLabel.setObjectName(u"signatureLabel")

        self.signatureHeader.addWidget(self.signatureLabel)

        self.signatureSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.signatureHeader.addItem(self.signatureSpacer)

        self.clearSignatureButton = QPushButton(self.scrollContents)
        self.clearSignatureButton.setObjectName(u"clearSignatureButton")
        self.clearSignatureButton.setAutoDefault(False)

        self.signatureHeader.addWidget(self.clearSignatureButton)


        self.inspectionColumn.addLayout(self.signatureHeader)

        self.signaturePad = SignaturePad(self.scrollContents)
        self.signaturePad.setObjectName(u"signaturePad")

        self.inspectionColumn.addWidget(self.signaturePad)

        self.errorSignature = QLabel(self.scrollContents)
        self.errorSignature.setObjectName(u"errorSignature")
        self.errorSignature.setWordWrap(True)

        self.inspectionColumn.addWidget(self.errorSignature)


        self.columnsLayout.addLayout(self.inspectionColumn)

        self.scrollArea.setWidget(self.scrollContents)

        self.rootLayout.addWidget(self.scrollArea)

        self.formError = QLabel(CheckOutDialog)
        self.formError.setObjectName(u"formError")
        self.formError.setWordWrap(True)

        self.rootLayout.addWidget(self.formError)

        self.actionsLayout = QHBoxLayout()
        self.actionsLayout.setObjectName(u"actionsLayout")
        self.actionsSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.actionsLayout.addItem(self.actionsSpacer)

        self.cancelButton = QPushButton(CheckOutDialog)
        self.cancelButton.setObjectName(u"cancelButton")
        self.cancelButton.setAutoDefault(False)

        self.actionsLayout.addWidget(self.cancelButton)

        self.confirmButton = QPushButton(CheckOutDialog)
        self.confirmButton.setObjectName(u"confirmButton")

        self.actionsLayout.addWidget(self.confirmButton)


        self.rootLayout.addLayout(self.actionsLayout)

#if QT_CONFIG(shortcut)
        self.carLabel.setBuddy(self.carCombo)
        self.upgradeReasonLabel.setBuddy(self.upgradeReasonEdit)
        self.odometerLabel.setBuddy(self.odometerSpin)
        self.fuelLabel.setBuddy(self.fuelGauge)
        self.extrasLabel.setBuddy(self.extrasPicker)
        self.depositLabel.setBuddy(self.depositMethodCombo)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.carCombo, self.upgradeReasonEdit)
        QWidget.setTabOrder(self.upgradeReasonEdit, self.licenceCheck)
        QWidget.setTabOrder(self.licenceCheck, self.odometerSpin)
        QWidget.setTabOrder(self.odometerSpin, self.fuelGauge)
        QWidget.setTabOrder(self.fuelGauge, self.depositMethodCombo)
        QWidget.setTabOrder(self.depositMethodCombo, self.depositReferenceEdit)
        QWidget.setTabOrder(self.depositReferenceEdit, self.damageDiagram)
        QWidget.setTabOrder(self.damageDiagram, self.signaturePad)
        QWidget.setTabOrder(self.signaturePad, self.clearSignatureButton)
        QWidget.setTabOrder(self.clearSignatureButton, self.cancelButton)
        QWidget.setTabOrder(self.cancelButton, self.confirmButton)

        self.retranslateUi(CheckOutDialog)

        self.confirmButton.setDefault(True)


        QMetaObject.connectSlotsByName(CheckOutDialog)
    # setupUi

    def retranslateUi(self, CheckOutDialog):
        CheckOutDialog.setWindowTitle(QCoreApplication.translate("CheckOutDialog", u"Check out", None))
        self.titleLabel.setText(QCoreApplication.translate("CheckOutDialog", u"Check out", None))
        self.titleLabel.setProperty(u"role", QCoreApplication.translate("CheckOutDialog", u"title", None))
        self.infoLabel.setProperty(u"role", QCoreApplication.translate("CheckOutDialog", u"subtitle", None))
        self.carLabel.setText(QCoreApplication.translate("CheckOutDialog", u"&Car", None))
        self.errorCar.setProperty(u"role", QCoreApplication.translate("CheckOutDialog", u"error", None))
        self.upgradeReasonLabel.setText(QCoreApplication.translate("CheckOutDialog", u"&Why this car", None))
        self.upgradeReasonEdit.setPlaceholderText(QCoreApplication.translate("CheckOutDialog", u"e.g. booked car not back yet", None))
        self.errorUpgradeReason.setProperty(u"role", QCoreApplication.translate("CheckOutDialog", u"error", None))
        self.licenceCheck.setText(QCoreApplication.translate("CheckOutDialog", u"Driving &licence seen and valid", None))
        self.errorLicence.setProperty(u"role", QCoreApplication.translate("CheckOutDialog", u"error", None))
        self.odometerLabel.setText(QCoreApplication.translate("CheckOutDialog", u"&Odometer out", None))
        self.errorOdometer.setProperty(u"role", QCoreApplication.translate("CheckOutDialog", u"error", None))
        self.fuelLabel.setText(QCoreApplication.translate("CheckOutDialog", u"&Fuel out", None))
        self.errorFuel.setProperty(u"role", QCoreApplication.translate("CheckOutDialog", u"error", None))
        self.extrasLabel.setText(QCoreApplication.translate("CheckOutDialog", u"E&xtras", None))
        self.errorExtras.setProperty(u"role", QCoreApplication.translate("CheckOutDialog", u"error", None))
        self.depositLabel.setText(QCoreApplication.translate("CheckOutDialog", u"&Deposit", None))
        self.depositReferenceEdit.setPlaceholderText(QCoreApplication.translate("CheckOutDialog", u"Card pre-authorisation reference", None))
        self.errorDeposit.setProperty(u"role", QCoreApplication.translate("CheckOutDialog", u"error", None))
        self.damageLabel.setText(QCoreApplication.translate("CheckOutDialog", u"Damage: click the car where it is, or pick a zone", None))
        self.damageLabel.setProperty(u"role", QCoreApplication.translate("CheckOutDialog", u"section", None))
        self.errorDamage.setProperty(u"role", QCoreApplication.translate("CheckOutDialog", u"error", None))
        self.signatureLabel.setText(QCoreApplication.translate("CheckOutDialog", u"The renter's signature", None))
        self.signatureLabel.setProperty(u"role", QCoreApplication.translate("CheckOutDialog", u"section", None))
        self.clearSignatureButton.setText(QCoreApplication.translate("CheckOutDialog", u"Clear", None))
        self.errorSignature.setProperty(u"role", QCoreApplication.translate("CheckOutDialog", u"error", None))
        self.formError.setProperty(u"role", QCoreApplication.translate("CheckOutDialog", u"error", None))
        self.cancelButton.setText(QCoreApplication.translate("CheckOutDialog", u"Cancel", None))
        self.confirmButton.setText(QCoreApplication.translate("CheckOutDialog", u"Confirm check-out", None))
        self.confirmButton.setProperty(u"role", QCoreApplication.translate("CheckOutDialog", u"primary", None))
    # retranslateUi

