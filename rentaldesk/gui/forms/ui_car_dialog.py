# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'car_dialog.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDialog,
    QDialogButtonBox, QGridLayout, QGroupBox, QLabel,
    QLineEdit, QSizePolicy, QVBoxLayout, QWidget)

class Ui_CarDialog(object):
    def setupUi(self, CarDialog):
        if not CarDialog.objectName():
            CarDialog.setObjectName(u"CarDialog")
        CarDialog.resize(480, 640)
        CarDialog.setMinimumSize(QSize(460, 0))
        self.rootLayout = QVBoxLayout(CarDialog)
        self.rootLayout.setSpacing(10)
        self.rootLayout.setObjectName(u"rootLayout")
        self.rootLayout.setContentsMargins(20, 16, 20, 16)
        self.titleLabel = QLabel(CarDialog)
        self.titleLabel.setObjectName(u"titleLabel")

        self.rootLayout.addWidget(self.titleLabel)

        self.hintLabel = QLabel(CarDialog)
        self.hintLabel.setObjectName(u"hintLabel")

        self.rootLayout.addWidget(self.hintLabel)

        self.carGroup = QGroupBox(CarDialog)
        self.carGroup.setObjectName(u"carGroup")
        self.carLayout = QGridLayout(self.carGroup)
        self.carLayout.setObjectName(u"carLayout")
        self.carLayout.setHorizontalSpacing(10)
        self.carLayout.setVerticalSpacing(3)
        self.plateLabel = QLabel(self.carGroup)
        self.plateLabel.setObjectName(u"plateLabel")

        self.carLayout.addWidget(self.plateLabel, 0, 0, 1, 1)

        self.plateEdit = QLineEdit(self.carGroup)
        self.plateEdit.setObjectName(u"plateEdit")

        self.carLayout.addWidget(self.plateEdit, 0, 1, 1, 1)

        self.errorPlate = QLabel(self.carGroup)
        self.errorPlate.setObjectName(u"errorPlate")
        self.errorPlate.setWordWrap(True)

        self.carLayout.addWidget(self.errorPlate, 1, 1, 1, 1)

        self.modelLabel = QLabel(self.carGroup)
        self.modelLabel.setObjectName(u"modelLabel")

        self.carLayout.addWidget(self.modelLabel, 2, 0, 1, 1)

        self.modelEdit = QLineEdit(self.carGroup)
        self.modelEdit.setObjectName(u"modelEdit")

        self.carLayout.addWidget(self.modelEdit, 2, 1, 1, 1)

        self.errorModel = QLabel(self.carGroup)
        self.errorModel.setObjectName(u"errorModel")
        self.errorModel.setWordWrap(True)

        self.carLayout.addWidget(self.errorModel, 3, 1, 1, 1)

        self.yearLabel = QLabel(self.carGroup)
        self.yearLabel.setObjectName(u"yearLabel")

        self.carLayout.addWidget(self.yearLabel, 4, 0, 1, 1)

        self.yearEdit = QLineEdit(self.carGroup)
        self.yearEdit.setObjectName(u"yearEdit")

        self.carLayout.addWidget(self.yearEdit, 4, 1, 1, 1)

        self.errorYear = QLabel(self.carGroup)
        self.errorYear.setObjectName(u"errorYear")
        self.errorYear.setWordWrap(True)

        self.carLayout.addWidget(self.errorYear, 5, 1, 1, 1)

        self.colorLabel = QLabel(self.carGroup)
        self.colorLabel.setObjectName(u"colorLabel")

        self.carLayout.addWidget(self.colorLabel, 6, 0, 1, 1)

        self.colorEdit = QLineEdit(self.carGroup)
        self.colorEdit.setObjectName(u"colorEdit")

        self.carLayout.addWidget(self.colorEdit, 6, 1, 1, 1)

        self.errorColor = QLabel(self.carGroup)
        self.errorColor.setObjectName(u"errorColor")
        self.errorColor.setWordWrap(True)

        self.carLayout.addWidget(self.errorColor, 7, 1, 1, 1)

        self.transmissionLabel = QLabel(self.carGroup)
        self.transmissionLabel.setObjectName(u"transmissionLabel")

        self.carLayout.addWidget(self.transmissionLabel, 8, 0, 1, 1)

        self.transmissionCombo = QComboBox(self.carGroup)
        self.transmissionCombo.setObjectName(u"transmissionCombo")

        self.carLayout.addWidget(self.transmissionCombo, 8, 1, 1, 1)

        self.errorTransmission = QLabel(self.carGroup)
        self.errorTransmission.setObjectName(u"errorTransmission")
        self.errorTransmission.setWordWrap(True)

        self.carLayout.addWidget(self.errorTransmission, 9, 1, 1, 1)

        self.costLabel = QLabel(self.carGroup)
        self.costLabel.setObjectName(u"costLabel")

        self.carLayout.addWidget(self.costLabel, 10, 0, 1, 1)

        self.costEdit = QLineEdit(self.carGroup)
        self.costEdit.setObjectName(u"costEdit")

        self.carLayout.addWidget(self.costEdit, 10, 1, 1, 1)

        self.errorCost = QLabel(self.carGroup)
        self.errorCost.setObjectName(u"errorCost")
        self.errorCost.setWordWrap(True)

        self.carLayout.addWidget(self.errorCost, 11, 1, 1, 1)

        self.classLabel = QLabel(self.carGroup)
        self.classLabel.setObjectName(u"classLabel")

        self.carLayout.addWidget(self.classLabel, 12, 0, 1, 1)

        self.classCombo = QComboBox(self.carGroup)
        self.classCombo.setObjectName(u"classCombo")

        self.carLayout.addWidget(self.classCombo, 12, 1, 1, 1)

        self.errorClass = QLabel(self.carGroup)
        self.errorClass.setObjectName(u"errorClass")
        self.errorClass.setWordWrap(True)

        self.carLayout.addWidget(self.errorClass, 13, 1, 1, 1)

        self.locationLabel = QLabel(self.carGroup)
        self.locationLabel.setObjectName(u"locationLabel")

        self.carLayout.addWidget(self.locationLabel, 14, 0, 1, 1)

        self.locationCombo = QComboBox(self.carGroup)
        self.locationCombo.setObjectName(u"locationCombo")

        self.carLayout.addWidget(self.locationCombo, 14, 1, 1, 1)

        self.errorLocation = QLabel(self.carGroup)
        self.errorLocation.setObjectName(u"errorLocation")
        self.errorLocation.setWordWrap(True)

        self.carLayout.addWidget(self.errorLocation, 15, 1, 1, 1)

        self.statusLabel = QLabel(self.carGroup)
        self.statusLabel.setObjectName(u"statusLabel")

        self.carLayout.addWidget(self.statusLabel, 16, 0, 1, 1)

        self.statusCombo = QComboBox(self.carGroup)
        self.statusCombo.setObjectName(u"statusCombo")

        self.carLayout.addWidget(self.statusCombo, 16, 1, 1, 1)

        self.errorStatus = QLabel(self.carGroup)
        self.errorStatus.setObjectName(u"errorStatus")
        self.errorStatus.setWordWrap(True)

        self.carLayout.addWidget(self.errorStatus, 17, 1, 1, 1)

        self.odometerLabel = QLabel(self.carGroup)
        self.odometerLabel.setObjectName(u"odometerLabel")

        self.carLayout.addWidget(self.odometerLabel, 18, 0, 1, 1)

        self.odometerEdit = QLineEdit(self.carGroup)
        self.odometerEdit.setObjectName(u"odometerEdit")

        self.carLayout.addWidget(self.odometerEdit, 18, 1, 1, 1)

        self.errorOdometer = QLabel(self.carGroup)
        self.errorOdometer.setObjectName(u"errorOdometer")
        self.errorOdometer.setWordWrap(True)

        self.carLayout.addWidget(self.errorOdometer, 19, 1, 1, 1)

        self.driverLabel = QLabel(self.carGroup)
        self.driverLabel.setObjectName(u"driverLabel")

        self.carLayout.addWidget(self.driverLabel, 20, 0, 1, 1)

        self.driverCombo = QComboBox(self.carGroup)
        self.driverCombo.setObjectName(u"driverCombo")

        self.carLayout.addWidget(self.driverCombo, 20, 1, 1, 1)

        self.errorDriver = QLabel(self.carGroup)
        self.errorDriver.setObjectName(u"errorDriver")
        self.errorDriver.setWordWrap(True)

        self.carLayout.addWidget(self.errorDriver, 21, 1, 1, 1)


        self.rootLayout.addWidget(self.carGroup)

        self.formError = QLabel(CarDialog)
        self.formError.setObjectName(u"formError")
        self.formError.setWordWrap(True)

        self.rootLayout.addWidget(self.formError)

        self.buttons = QDialogButtonBox(CarDialog)
        self.buttons.setObjectName(u"buttons")
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Save)

        self.rootLayout.addWidget(self.buttons)

#if QT_CONFIG(shortcut)
        self.plateLabel.setBuddy(self.plateEdit)
        self.modelLabel.setBuddy(self.modelEdit)
        self.yearLabel.setBuddy(self.yearEdit)
        self.colorLabel.setBuddy(self.colorEdit)
        self.transmissionLabel.setBuddy(self.transmissionCombo)
        self.costLabel.setBuddy(self.costEdit)
        self.classLabel.setBuddy(self.classCombo)
        self.locationLabel.setBuddy(self.locationCombo)
        self.statusLabel.setBuddy(self.statusCombo)
        self.odometerLabel.setBuddy(self.odometerEdit)
        self.driverLabel.setBuddy(self.driverCombo)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.plateEdit, self.modelEdit)
        QWidget.setTabOrder(self.modelEdit, self.yearEdit)
        QWidget.setTabOrder(self.yearEdit, self.colorEdit)
        QWidget.setTabOrder(self.colorEdit, self.transmissionCombo)
        QWidget.setTabOrder(self.transmissionCombo, self.costEdit)
        QWidget.setTabOrder(self.costEdit, self.classCombo)
        QWidget.setTabOrder(self.classCombo, self.locationCombo)
        QWidget.setTabOrder(self.locationCombo, self.statusCombo)
        QWidget.setTabOrder(self.statusCombo, self.odometerEdit)
        QWidget.setTabOrder(self.odometerEdit, self.driverCombo)
        QWidget.setTabOrder(self.driverCombo, self.buttons)

        self.retranslateUi(CarDialog)
        self.buttons.rejected.connect(CarDialog.reject)

        QMetaObject.connectSlotsByName(CarDialog)
    # setupUi

    def retranslateUi(self, CarDialog):
        CarDialog.setWindowTitle(QCoreApplication.translate("CarDialog", u"Car", None))
        self.titleLabel.setProperty(u"role", QCoreApplication.translate("CarDialog", u"title", None))
        self.hintLabel.setText(QCoreApplication.translate("CarDialog", u"Checked by the same rules as a row of a fleet CSV file.", None))
        self.hintLabel.setProperty(u"role", QCoreApplication.translate("CarDialog", u"hint", None))
        self.carGroup.setTitle(QCoreApplication.translate("CarDialog", u"Car", None))
        self.plateLabel.setText(QCoreApplication.translate("CarDialog", u"&Plate", None))
        self.errorPlate.setProperty(u"role", QCoreApplication.translate("CarDialog", u"error", None))
        self.modelLabel.setText(QCoreApplication.translate("CarDialog", u"&Model", None))
        self.errorModel.setProperty(u"role", QCoreApplication.translate("CarDialog", u"error", None))
        self.yearLabel.setText(QCoreApplication.translate("CarDialog", u"&Year", None))
        self.errorYear.setProperty(u"role", QCoreApplication.translate("CarDialog", u"error", None))
        self.colorLabel.setText(QCoreApplication.translate("CarDialog", u"&Colour", None))
        self.errorColor.setProperty(u"role", QCoreApplication.translate("CarDialog", u"error", None))
        self.transmissionLabel.setText(QCoreApplication.translate("CarDialog", u"&Gearbox", None))
        self.errorTransmission.setProperty(u"role", QCoreApplication.translate("CarDialog", u"error", None))
        self.costLabel.setText(QCoreApplication.translate("CarDialog", u"Cost per &day", None))
        self.errorCost.setProperty(u"role", QCoreApplication.translate("CarDialog", u"error", None))
        self.classLabel.setText(QCoreApplication.translate("CarDialog", u"C&lass", None))
        self.errorClass.setProperty(u"role", QCoreApplication.translate("CarDialog", u"error", None))
        self.locationLabel.setText(QCoreApplication.translate("CarDialog", u"&Location", None))
        self.errorLocation.setProperty(u"role", QCoreApplication.translate("CarDialog", u"error", None))
        self.statusLabel.setText(QCoreApplication.translate("CarDialog", u"&Status", None))
        self.errorStatus.setProperty(u"role", QCoreApplication.translate("CarDialog", u"error", None))
        self.odometerLabel.setText(QCoreApplication.translate("CarDialog", u"&Odometer (km)", None))
        self.errorOdometer.setProperty(u"role", QCoreApplication.translate("CarDialog", u"error", None))
        self.driverLabel.setText(QCoreApplication.translate("CarDialog", u"Default d&river", None))
        self.errorDriver.setProperty(u"role", QCoreApplication.translate("CarDialog", u"error", None))
        self.formError.setProperty(u"role", QCoreApplication.translate("CarDialog", u"error", None))
    # retranslateUi

