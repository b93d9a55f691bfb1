# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'payment_dialog.ui'
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
    QDoubleSpinBox, QGridLayout, QHBoxLayout, QHeaderView,
    QLabel, QLineEdit, QPushButton, QSizePolicy,
    QSpacerItem, QTableView, QVBoxLayout, QWidget)

class Ui_PaymentDialog(object):
    def setupUi(self, PaymentDialog):
        if not PaymentDialog.objectName():
            PaymentDialog.setObjectName(u"PaymentDialog")
        PaymentDialog.resize(640, 520)
        self.rootLayout = QVBoxLayout(PaymentDialog)
        self.rootLayout.setSpacing(8)
        self.rootLayout.setObjectName(u"rootLayout")
        self.titleLabel = QLabel(PaymentDialog)
        self.titleLabel.setObjectName(u"titleLabel")

        self.rootLayout.addWidget(self.titleLabel)

        self.infoLabel = QLabel(PaymentDialog)
        self.infoLabel.setObjectName(u"infoLabel")
        self.infoLabel.setWordWrap(True)

        self.rootLayout.addWidget(self.infoLabel)

        self.balanceLabel = QLabel(PaymentDialog)
        self.balanceLabel.setObjectName(u"balanceLabel")

        self.rootLayout.addWidget(self.balanceLabel)

        self.paymentsTable = QTableView(PaymentDialog)
        self.paymentsTable.setObjectName(u"paymentsTable")
        self.paymentsTable.setMinimumSize(QSize(0, 110))
        self.paymentsTable.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.paymentsTable.setSelectionMode(QAbstractItemView.NoSelection)
        self.paymentsTable.setTabKeyNavigation(False)
        self.paymentsTable.setFocusPolicy(Qt.NoFocus)

        self.rootLayout.addWidget(self.paymentsTable)

        self.formGrid = QGridLayout()
        self.formGrid.setObjectName(u"formGrid")
        self.formGrid.setVerticalSpacing(4)
        self.methodLabel = QLabel(PaymentDialog)
        self.methodLabel.setObjectName(u"methodLabel")

        self.formGrid.addWidget(self.methodLabel, 0, 0, 1, 1)

        self.methodCombo = QComboBox(PaymentDialog)
        self.methodCombo.setObjectName(u"methodCombo")

        self.formGrid.addWidget(self.methodCombo, 0, 1, 1, 1)

        self.errorMethod = QLabel(PaymentDialog)
        self.errorMethod.setObjectName(u"errorMethod")
        self.errorMethod.setWordWrap(True)

        self.formGrid.addWidget(self.errorMethod, 1, 1, 1, 1)

        self.amountLabel = QLabel(PaymentDialog)
        self.amountLabel.setObjectName(u"amountLabel")

        self.formGrid.addWidget(self.amountLabel, 2, 0, 1, 1)

        self.amountSpin = QDoubleSpinBox(PaymentDialog)
        self.amountSpin.setObjectName(u"amountSpin")
        self.amountSpin.setDecimals(2)
        self.amountSpin.setMaximum(99999999.989999994635582)
        self.amountSpin.setGroupSeparatorShown(True)

        self.formGrid.addWidget(self.amountSpin, 2, 1, 1, 1)

        self.errorAmount = QLabel(PaymentDialog)
        self.errorAmount.setObjectName(u"errorAmount")
        self.errorAmount.setWordWrap(True)

        self.formGrid.addWidget(self.errorAmount, 3, 1, 1, 1)

        self.referenceLabel = QLabel(PaymentDialog)
        self.referenceLabel.setObjectName(u"referenceLabel")

        self.formGrid.addWidget(self.referenceLabel, 4, 0, 1, 1)

        self.referenceEdit = QLineEdit(PaymentDialog)
        self.referenceEdit.setObjectName(u"referenceEdit")
        self.referenceEdit.setMaxLength(64)

        self.formGrid.addWidget(self.referenceEdit, 4, 1, 1, 1)

        self.errorReference = QLabel(PaymentDialog)
        self.errorReference.setObjectName(u"errorReference")
        self.errorReference.setWordWrap(True)

        self.formGrid.addWidget(self.errorReference, 5, 1, 1, 1)

        self.depositLabel = QLabel(PaymentDialog)
        self.depositLabel.setObjectName(u"depositLabel")

        self.formGrid.addWidget(self.depositLabel, 6, 0, 1, 1)

        self.depositRow = QHBoxLayout()
        self.depositRow.setObjectName(u"depositRow")
        self.depositStateLabel = QLabel(PaymentDialog)
        self.depositStateLabel.setObjectName(u"depositStateLabel")
        self.depositStateLabel.setWordWrap(True)

        self.depositRow.addWidget(self.depositStateLabel)

        self.captureSpin = QDoubleSpinBox(PaymentDialog)
        self.captureSpin.setObjectName(u"captureSpin")
        self.captureSpin.setDecimals(2)
        self.captureSpin.setMaximum(99999999.989999994635582)
        self.captureSpin.setGroupSeparatorShown(True)

        self.depositRow.addWidget(self.captureSpin)

        self.captureButton = QPushButton(PaymentDialog)
        self.captureButton.setObjectName(u"captureButton")
        self.captureButton.setAutoDefault(False)

        self.depositRow.addWidget(self.captureButton)

        self.releaseButton = QPushButton(PaymentDialog)
        self.releaseButton.setObjectName(u"releaseButton")
        self.releaseButton.setAutoDefault(False)

        self.depositRow.addWidget(self.releaseButton)


        self.formGrid.addLayout(self.depositRow, 6, 1, 1, 1)

        self.errorDeposit = QLabel(PaymentDialog)
        self.errorDeposit.setObjectName(u"errorDeposit")
        self.errorDeposit.setWordWrap(True)

        self.formGrid.addWidget(self.errorDeposit, 7, 1, 1, 1)


        self.rootLayout.addLayout(self.formGrid)

        self.formError = QLabel(PaymentDialog)
        self.formError.setObjectName(u"formError")
        self.formError.setWordWrap(True)

        self.rootLayout.addWidget(self.formError)

        self.bottomSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.rootLayout.addItem(self.bottomSpacer)

        self.actionsLayout = QHBoxLayout()
        self.actionsLayout.setObjectName(u"actionsLayout")
        self.actionsSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.actionsLayout.addItem(self.actionsSpacer)

        self.closeButton = QPushButton(PaymentDialog)
        self.closeButton.setObjectName(u"closeButton")
        self.closeButton.setAutoDefault(False)

        self.actionsLayout.addWidget(self.closeButton)

        self.payButton = QPushButton(PaymentDialog)
        self.payButton.setObjectName(u"payButton")

        self.actionsLayout.addWidget(self.payButton)


        self.rootLayout.addLayout(self.actionsLayout)

#if QT_CONFIG(shortcut)
        self.methodLabel.setBuddy(self.methodCombo)
        self.amountLabel.setBuddy(self.amountSpin)
        self.referenceLabel.setBuddy(self.referenceEdit)
        self.depositLabel.setBuddy(self.captureSpin)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.methodCombo, self.amountSpin)
        QWidget.setTabOrder(self.amountSpin, self.referenceEdit)
        QWidget.setTabOrder(self.referenceEdit, self.captureSpin)
        QWidget.setTabOrder(self.captureSpin, self.captureButton)
        QWidget.setTabOrder(self.captureButton, self.releaseButton)
        QWidget.setTabOrder(self.releaseButton, self.closeButton)
        QWidget.setTabOrder(self.closeButton, self.payButton)

        self.retranslateUi(PaymentDialog)

        self.payButton.setDefault(True)


        QMetaObject.connectSlotsByName(PaymentDialog)
    # setupUi

    def retranslateUi(self, PaymentDialog):
        PaymentDialog.setWindowTitle(QCoreApplication.translate("PaymentDialog", u"Payment", None))
        self.titleLabel.setText(QCoreApplication.translate("PaymentDialog", u"Payment", None))
        self.titleLabel.setProperty(u"role", QCoreApplication.translate("PaymentDialog", u"title", None))
        self.infoLabel.setProperty(u"role", QCoreApplication.translate("PaymentDialog", u"subtitle", None))
        self.balanceLabel.setProperty(u"role", QCoreApplication.translate("PaymentDialog", u"price", None))
        self.methodLabel.setText(QCoreApplication.translate("PaymentDialog", u"&Method", None))
        self.errorMethod.setProperty(u"role", QCoreApplication.translate("PaymentDialog", u"error", None))
        self.amountLabel.setText(QCoreApplication.translate("PaymentDialog", u"&Amount", None))
        self.amountSpin.setPrefix(QCoreApplication.translate("PaymentDialog", u"$", None))
        self.errorAmount.setProperty(u"role", QCoreApplication.translate("PaymentDialog", u"error", None))
        self.referenceLabel.setText(QCoreApplication.translate("PaymentDialog", u"&Reference", None))
        self.referenceEdit.setPlaceholderText(QCoreApplication.translate("PaymentDialog", u"Card slip or voucher number", None))
        self.errorReference.setProperty(u"role", QCoreApplication.translate("PaymentDialog", u"error", None))
        self.depositLabel.setText(QCoreApplication.translate("PaymentDialog", u"&Deposit", None))
        self.captureSpin.setPrefix(QCoreApplication.translate("PaymentDialog", u"$", None))
        self.captureButton.setText(QCoreApplication.translate("PaymentDialog", u"Ca&pture", None))
        self.releaseButton.setText(QCoreApplication.translate("PaymentDialog", u"Re&lease", None))
        self.errorDeposit.setProperty(u"role", QCoreApplication.translate("PaymentDialog", u"error", None))
        self.formError.setProperty(u"role", QCoreApplication.translate("PaymentDialog", u"error", None))
        self.closeButton.setText(QCoreApplication.translate("PaymentDialog", u"Close", None))
        self.payButton.setText(QCoreApplication.translate("PaymentDialog", u"Take payment", None))
        self.payButton.setProperty(u"role", QCoreApplication.translate("PaymentDialog", u"primary", None))
    # retranslateUi

