# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'customers.ui'
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
from PySide6.QtWidgets import (QApplication, QCheckBox, QFrame, QGridLayout,
    QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPushButton, QScrollArea, QSizePolicy, QSpacerItem,
    QSplitter, QTableView, QVBoxLayout, QWidget)

class Ui_CustomersScreen(object):
    def setupUi(self, CustomersScreen):
        if not CustomersScreen.objectName():
            CustomersScreen.setObjectName(u"CustomersScreen")
        CustomersScreen.resize(1228, 860)
        self.rootLayout = QVBoxLayout(CustomersScreen)
        self.rootLayout.setSpacing(12)
        self.rootLayout.setObjectName(u"rootLayout")
        self.rootLayout.setContentsMargins(24, 18, 24, 16)
        self.headerLayout = QHBoxLayout()
        self.headerLayout.setObjectName(u"headerLayout")
        self.titleLabel = QLabel(CustomersScreen)
        self.titleLabel.setObjectName(u"titleLabel")

        self.headerLayout.addWidget(self.titleLabel)

        self.headerSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.headerLayout.addItem(self.headerSpacer)

        self.countLabel = QLabel(CustomersScreen)
        self.countLabel.setObjectName(u"countLabel")

        self.headerLayout.addWidget(self.countLabel)


        self.rootLayout.addLayout(self.headerLayout)

        self.filterLayout = QHBoxLayout()
        self.filterLayout.setSpacing(8)
        self.filterLayout.setObjectName(u"filterLayout")
        self.searchEdit = QLineEdit(CustomersScreen)
        self.searchEdit.setObjectName(u"searchEdit")
        self.searchEdit.setMinimumSize(QSize(280, 0))
        self.searchEdit.setClearButtonEnabled(True)

        self.filterLayout.addWidget(self.searchEdit)

        self.filterSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.filterLayout.addItem(self.filterSpacer)


        self.rootLayout.addLayout(self.filterLayout)

        self.splitter = QSplitter(CustomersScreen)
        self.splitter.setObjectName(u"splitter")
        self.splitter.setOrientation(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(12)
        self.listSplitter = QSplitter(self.splitter)
        self.listSplitter.setObjectName(u"listSplitter")
        self.listSplitter.setOrientation(Qt.Orientation.Vertical)
        self.listSplitter.setChildrenCollapsible(False)
        self.listSplitter.setHandleWidth(12)
        self.customersView = QTableView(self.listSplitter)
        self.customersView.setObjectName(u"customersView")
        self.customersView.setTabKeyNavigation(False)
        self.listSplitter.addWidget(self.customersView)
        self.historyPane = QWidget(self.listSplitter)
        self.historyPane.setObjectName(u"historyPane")
        self.historyLayout = QVBoxLayout(self.historyPane)
        self.historyLayout.setSpacing(6)
        self.historyLayout.setObjectName(u"historyLayout")
        self.historyLayout.setContentsMargins(0, 0, 0, 0)
        self.historyLabel = QLabel(self.historyPane)
        self.historyLabel.setObjectName(u"historyLabel")

        self.historyLayout.addWidget(self.historyLabel)

        self.historyView = QTableView(self.historyPane)
        self.historyView.setObjectName(u"historyView")
        self.historyView.setTabKeyNavigation(False)

        self.historyLayout.addWidget(self.historyView)

        self.listSplitter.addWidget(self.historyPane)
        self.splitter.addWidget(self.listSplitter)
        self.detailsScroll = QScrollArea(self.splitter)
        self.detailsScroll.setObjectName(u"detailsScroll")
        self.detailsScroll.setWidgetResizable(True)
        self.detailsScroll.setFrameShape(QFrame.Shape.NoFrame)
        self.detailsScroll.setMinimumSize(QSize(340, 0))
        self.detailsPane = QWidget()
        self.detailsPane.setObjectName(u"detailsPane")
        self.detailsLayout = QGridLayout(self.detailsPane)
        self.detailsLayout.setObjectName(u"detailsLayout")
        self.detailsLayout.setHorizontalSpacing(10)
        self.detailsLayout.setVerticalSpacing(4)
        self.detailsLayout.setContentsMargins(0, 0, 8, 0)
        self.emailTitle = QLabel(self.detailsPane)
        self.emailTitle.setObjectName(u"emailTitle")

        self.detailsLayout.addWidget(self.emailTitle, 0, 0, 1, 1)

        self.emailValue = QLabel(self.detailsPane)
        self.emailValue.setObjectName(u"emailValue")
        self.emailValue.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.detailsLayout.addWidget(self.emailValue, 0, 1, 1, 1)

        self.nameLabel = QLabel(self.detailsPane)
        self.nameLabel.setObjectName(u"nameLabel")

        self.detailsLayout.addWidget(self.nameLabel, 1, 0, 1, 1)

        self.nameEdit = QLineEdit(self.detailsPane)
        self.nameEdit.setObjectName(u"nameEdit")

        self.detailsLayout.addWidget(self.nameEdit, 1, 1, 1, 1)

        self.nameMessage = QLabel(self.detailsPane)
        self.nameMessage.setObjectName(u"nameMessage")
        self.nameMessage.setWordWrap(True)

        self.detailsLayout.addWidget(self.nameMessage, 2, 1, 1, 1)

        self.phoneLabel = QLabel(self.detailsPane)
        self.phoneLabel.setObjectName(u"phoneLabel")

        self.detailsLayout.addWidget(self.phoneLabel, 3, 0, 1, 1)

        self.phoneEdit = QLineEdit(self.detailsPane)
        self.phoneEdit.setObjectName(u"phoneEdit")

        self.detailsLayout.addWidget(self.phoneEdit, 3, 1, 1, 1)

        self.phoneMessage = QLabel(self.detailsPane)
        self.phoneMessage.setObjectName(u"phoneMessage")
        self.phoneMessage.setWordWrap(True)

        self.detailsLayout.addWidget(self.phoneMessage, 4, 1, 1, 1)

        self.dateOfBirthLabel = QLabel(self.detailsPane)
        self.dateOfBirthLabel.setObjectName(u"dateOfBirthLabel")

        self.detailsLayout.addWidget(self.dateOfBirthLabel, 5, 0, 1, 1)

        self.dateOfBirthEdit = QLineEdit(self.detailsPane)
        self.dateOfBirthEdit.setObjectName(u"dateOfBirthEdit")

        self.detailsLayout.addWidget(self.dateOfBirthEdit, 5, 1, 1, 1)

        self.dateOfBirthMessage = QLabel(self.detailsPane)
        self.dateOfBirthMessage.setObjectName(u"dateOfBirthMessage")
        self.dateOfBirthMessage.setWordWrap(True)

        self.detailsLayout.addWidget(self.dateOfBirthMessage, 6, 1, 1, 1)

        self.licenceNumberLabel = QLabel(self.detailsPane)
        self.licenceNumberLabel.setObjectName(u"licenceNumberLabel")

        self.detailsLayout.addWidget(self.licenceNumberLabel, 7, 0, 1, 1)

        self.licenceNumberEdit = QLineEdit(self.detailsPane)
        self.licenceNumberEdit.setObjectName(u"licenceNumberEdit")

        self.detailsLayout.addWidget(self.licenceNumberEdit, 7, 1, 1, 1)

        self.licenceNumberMessage = QLabel(self.detailsPane)
        self.licenceNumberMessage.setObjectName(u"licenceNumberMessage")
        self.licenceNumberMessage.setWordWrap(True)

        self.detailsLayout.addWidget(self.licenceNumberMessage, 8, 1, 1, 1)

        self.licenceRegionLabel = QLabel(self.detailsPane)
        self.licenceRegionLabel.setObjectName(u"licenceRegionLabel")

        self.detailsLayout.addWidget(self.licenceRegionLabel, 9, 0, 1, 1)

        self.licenceRegionEdit = QLineEdit(self.detailsPane)
        self.licenceRegionEdit.setObjectName(u"licenceRegionEdit")

        self.detailsLayout.addWidget(self.licenceRegionEdit, 9, 1, 1, 1)

        self.licenceRegionMessage = QLabel(self.detailsPane)
        self.licenceRegionMessage.setObjectName(u"licenceRegionMessage")
        self.licenceRegionMessage.setWordWrap(True)

        self.detailsLayout.addWidget(self.licenceRegionMessage, 10, 1, 1, 1)

        self.licenceExpiryLabel = QLabel(self.detailsPane)
        self.licenceExpiryLabel.setObjectName(u"licenceExpiryLabel")

        self.detailsLayout.addWidget(self.licenceExpiryLabel, 11, 0, 1, 1)

        self.licenceExpiryEdit = QLineEdit(self.detailsPane)
        self.licenceExpiryEdit.setObjectName(u"licenceExpiryEdit")

        self.detailsLayout.addWidget(self.licenceExpiryEdit, 11, 1, 1, 1)

        self.licenceExpiryMessage = QLabel(self.detailsPane)
        self.licenceExpiryMessage.setObjectName(u"licenceExpiryMessage")
        self.licenceExpiryMessage.setWordWrap(True)

        self.detailsLayout.addWidget(self.licenceExpiryMessage, 12, 1, 1, 1)

        self.addressLine1Label = QLabel(self.detailsPane)
        self.addressLine1Label.setObjectName(u"addressLine1Label")

        self.detailsLayout.addWidget(self.addressLine1Label, 13, 0, 1, 1)

        self.addressLine1Edit = QLineEdit(self.detailsPane)
        self.addressLine1Edit.setObjectName(u"addressLine1Edit")

        self.detailsLayout.addWidget(self.addressLine1Edit, 13, 1, 1, 1)

        self.addressLine1Message = QLabel(self.detailsPane)
        self.addressLine1Message.setObjectName(u"addressLine1Message")
        self.addressLine1Message.setWordWrap(True)

        self.detailsLayout.addWidget(self.addressLine1Message, 14, 1, 1, 1)

        self.addressLine2Label = QLabel(self.detailsPane)
        self.addressLine2Label.setObjectName(u"addressLine2Label")

        self.detailsLayout.addWidget(self.addressLine2Label, 15, 0, 1, 1)

        self.addressLine2Edit = QLineEdit(self.detailsPane)
        self.addressLine2Edit.setObjectName(u"addressLine2Edit")

        self.detailsLayout.addWidget(self.addressLine2Edit, 15, 1, 1, 1)

        self.addressLine2Message = QLabel(self.detailsPane)
        self.addressLine2Message.setObjectName(u"addressLine2Message")
        self.addressLine2Message.setWordWrap(True)

        self.detailsLayout.addWidget(self.addressLine2Message, 16, 1, 1, 1)

        self.cityLabel = QLabel(self.detailsPane)
        self.cityLabel.setObjectName(u"cityLabel")

        self.detailsLayout.addWidget(self.cityLabel, 17, 0, 1, 1)

        self.cityEdit = QLineEdit(self.detailsPane)
        self.cityEdit.setObjectName(u"cityEdit")

        self.detailsLayout.addWidget(self.cityEdit, 17, 1, 1, 1)

        self.cityMessage = QLabel(self.detailsPane)
        self.cityMessage.setObjectName(u"cityMessage")
        self.cityMessage.setWordWrap(True)

        self.detailsLayout.addWidget(self.cityMessage, 18, 1, 1, 1)

        self.postcodeLabel = QLabel(self.detailsPane)
        self.postcodeLabel.setObjectName(u"postcodeLabel")

        self.detailsLayout.addWidget(self.postcodeLabel, 19, 0, 1, 1)

        self.postcodeEdit = QLineEdit(self.detailsPane)
        self.postcodeEdit.setObjectName(u"postcodeEdit")

        self.detailsLayout.addWidget(self.postcodeEdit, 19, 1, 1, 1)

        self.postcodeMessage = QLabel(self.detailsPane)
        self.postcodeMessage.setObjectName(u"postcodeMessage")
        self.postcodeMessage.setWordWrap(True)

        self.detailsLayout.addWidget(self.postcodeMessage, 20, 1, 1, 1)

        self.countryLabel = QLabel(self.detailsPane)
        self.countryLabel.setObjectName(u"countryLabel")

        self.detailsLayout.addWidget(self.countryLabel, 21, 0, 1, 1)

        self.countryEdit = QLineEdit(self.detailsPane)
        self.countryEdit.setObjectName(u"countryEdit")

        self.detailsLayout.addWidget(self.countryEdit, 21, 1, 1, 1)

        self.countryMessage = QLabel(self.detailsPane)
        self.countryMessage.setObjectName(u"countryMessage")
        self.countryMessage.setWordWrap(True)

        self.detailsLayout.addWidget(self.countryMessage, 22, 1, 1, 1)

        self.doNotRentCheck = QCheckBox(self.detailsPane)
        self.doNotRentCheck.setObjectName(u"doNotRentCheck")

        self.detailsLayout.addWidget(self.doNotRentCheck, 23, 0, 1, 2)

        self.doNotRentReasonLabel = QLabel(self.detailsPane)
        self.doNotRentReasonLabel.setObjectName(u"doNotRentReasonLabel")

        self.detailsLayout.addWidget(self.doNotRentReasonLabel, 24, 0, 1, 1)

        self.doNotRentReasonEdit = QLineEdit(self.detailsPane)
        self.doNotRentReasonEdit.setObjectName(u"doNotRentReasonEdit")

        self.detailsLayout.addWidget(self.doNotRentReasonEdit, 24, 1, 1, 1)

        self.doNotRentReasonMessage = QLabel(self.detailsPane)
        self.doNotRentReasonMessage.setObjectName(u"doNotRentReasonMessage")
        self.doNotRentReasonMessage.setWordWrap(True)

        self.detailsLayout.addWidget(self.doNotRentReasonMessage, 25, 1, 1, 1)

        self.formMessage = QLabel(self.detailsPane)
        self.formMessage.setObjectName(u"formMessage")
        self.formMessage.setWordWrap(True)

        self.detailsLayout.addWidget(self.formMessage, 26, 0, 1, 2)

        self.buttonsLayout = QHBoxLayout()
        self.buttonsLayout.setObjectName(u"buttonsLayout")
        self.buttonsSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.buttonsLayout.addItem(self.buttonsSpacer)

        self.historyButton = QPushButton(self.detailsPane)
        self.historyButton.setObjectName(u"historyButton")

        self.buttonsLayout.addWidget(self.historyButton)

        self.revertButton = QPushButton(self.detailsPane)
        self.revertButton.setObjectName(u"revertButton")

        self.buttonsLayout.addWidget(self.revertButton)

        self.saveButton = QPushButton(self.detailsPane)
        self.saveButton.setObjectName(u"saveButton")

        self.buttonsLayout.addWidget(self.saveButton)


        self.detailsLayout.addLayout(self.buttonsLayout, 27, 0, 1, 2)

        self.detailsSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.detailsLayout.addItem(self.detailsSpacer, 28, 0, 1, 2)

        self.detailsLayout.setColumnStretch(1, 1)
        self.detailsScroll.setWidget(self.detailsPane)
        self.splitter.addWidget(self.detailsScroll)

        self.rootLayout.addWidget(self.splitter)

        self.rootLayout.setStretch(2, 1)
#if QT_CONFIG(shortcut)
        self.nameLabel.setBuddy(self.nameEdit)
        self.phoneLabel.setBuddy(self.phoneEdit)
        self.dateOfBirthLabel.setBuddy(self.dateOfBirthEdit)
        self.licenceNumberLabel.setBuddy(self.licenceNumberEdit)
        self.licenceRegionLabel.setBuddy(self.licenceRegionEdit)
        self.licenceExpiryLabel.setBuddy(self.licenceExpiryEdit)
        self.addressLine1Label.setBuddy(self.addressLine1Edit)
        self.cityLabel.setBuddy(self.cityEdit)
        self.postcodeLabel.setBuddy(self.postcodeEdit)
        self.countryLabel.setBuddy(self.countryEdit)
        self.doNotRentReasonLabel.setBuddy(self.doNotRentReasonEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.searchEdit, self.customersView)
        QWidget.setTabOrder(self.customersView, self.historyView)
        QWidget.setTabOrder(self.historyView, self.nameEdit)
        QWidget.setTabOrder(self.nameEdit, self.phoneEdit)
        QWidget.setTabOrder(self.phoneEdit, self.dateOfBirthEdit)
        QWidget.setTabOrder(self.dateOfBirthEdit, self.licenceNumberEdit)
        QWidget.setTabOrder(self.licenceNumberEdit, self.licenceRegionEdit)
        QWidget.setTabOrder(self.licenceRegionEdit, self.licenceExpiryEdit)
        QWidget.setTabOrder(self.licenceExpiryEdit, self.addressLine1Edit)
        QWidget.setTabOrder(self.addressLine1Edit, self.addressLine2Edit)
        QWidget.setTabOrder(self.addressLine2Edit, self.cityEdit)
        QWidget.setTabOrder(self.cityEdit, self.postcodeEdit)
        QWidget.setTabOrder(self.postcodeEdit, self.countryEdit)
        QWidget.setTabOrder(self.countryEdit, self.doNotRentCheck)
        QWidget.setTabOrder(self.doNotRentCheck, self.doNotRentReasonEdit)
        QWidget.setTabOrder(self.doNotRentReasonEdit, self.saveButton)
        QWidget.setTabOrder(self.saveButton, self.revertButton)

        self.retranslateUi(CustomersScreen)

        self.saveButton.setDefault(True)


        QMetaObject.connectSlotsByName(CustomersScreen)
    # setupUi

    def retranslateUi(self, CustomersScreen):
        self.titleLabel.setText(QCoreApplication.translate("CustomersScreen", u"Customers", None))
        self.titleLabel.setProperty(u"role", QCoreApplication.translate("CustomersScreen", u"title", None))
        self.countLabel.setProperty(u"role", QCoreApplication.translate("CustomersScreen", u"subtitle", None))
        self.searchEdit.setPlaceholderText(QCoreApplication.translate("CustomersScreen", u"Name, email, phone, licence\u2026  (Ctrl+F)", None))
        self.historyLabel.setText(QCoreApplication.translate("CustomersScreen", u"Select a customer to see their record and history.", None))
        self.historyLabel.setProperty(u"role", QCoreApplication.translate("CustomersScreen", u"section", None))
        self.emailTitle.setText(QCoreApplication.translate("CustomersScreen", u"Email", None))
        self.nameLabel.setText(QCoreApplication.translate("CustomersScreen", u"&Name", None))
        self.nameMessage.setProperty(u"role", QCoreApplication.translate("CustomersScreen", u"error", None))
        self.phoneLabel.setText(QCoreApplication.translate("CustomersScreen", u"&Phone", None))
        self.phoneEdit.setPlaceholderText(QCoreApplication.translate("CustomersScreen", u"digits, spaces and + - ( ) . /", None))
        self.phoneMessage.setProperty(u"role", QCoreApplication.translate("CustomersScreen", u"error", None))
        self.dateOfBirthLabel.setText(QCoreApplication.translate("CustomersScreen", u"&Born", None))
        self.dateOfBirthEdit.setPlaceholderText(QCoreApplication.translate("CustomersScreen", u"e.g. 1990-05-17 or 17 May 1990", None))
        self.dateOfBirthMessage.setProperty(u"role", QCoreApplication.translate("CustomersScreen", u"error", None))
        self.licenceNumberLabel.setText(QCoreApplication.translate("CustomersScreen", u"&Licence", None))
        self.licenceNumberEdit.setPlaceholderText(QCoreApplication.translate("CustomersScreen", u"the number on the driving licence", None))
        self.licenceNumberMessage.setProperty(u"role", QCoreApplication.translate("CustomersScreen", u"error", None))
        self.licenceRegionLabel.setText(QCoreApplication.translate("CustomersScreen", u"Issued &by", None))
        self.licenceRegionEdit.setPlaceholderText(QCoreApplication.translate("CustomersScreen", u"country or state", None))
        self.licenceRegionMessage.setProperty(u"role", QCoreApplication.translate("CustomersScreen", u"error", None))
        self.licenceExpiryLabel.setText(QCoreApplication.translate("CustomersScreen", u"&Valid to", None))
        self.licenceExpiryEdit.setPlaceholderText(QCoreApplication.translate("CustomersScreen", u"the licence's last day", None))
        self.licenceExpiryMessage.setProperty(u"role", QCoreApplication.translate("CustomersScreen", u"error", None))
        self.addressLine1Label.setText(QCoreApplication.translate("CustomersScreen", u"&Address", None))
        self.addressLine1Edit.setPlaceholderText(QCoreApplication.translate("CustomersScreen", u"street and number", None))
        self.addressLine1Message.setProperty(u"role", QCoreApplication.translate("CustomersScreen", u"error", None))
        self.addressLine2Label.setText("")
        self.addressLine2Edit.setPlaceholderText(QCoreApplication.translate("CustomersScreen", u"apartment, building\u2026 (optional)", None))
        self.addressLine2Message.setProperty(u"role", QCoreApplication.translate("CustomersScreen", u"error", None))
        self.cityLabel.setText(QCoreApplication.translate("CustomersScreen", u"&City", None))
        self.cityMessage.setProperty(u"role", QCoreApplication.translate("CustomersScreen", u"error", None))
        self.postcodeLabel.setText(QCoreApplication.translate("CustomersScreen", u"P&ostcode", None))
        self.postcodeMessage.setProperty(u"role", QCoreApplication.translate("CustomersScreen", u"error", None))
        self.countryLabel.setText(QCoreApplication.translate("CustomersScreen", u"Co&untry", None))
        self.countryMessage.setProperty(u"role", QCoreApplication.translate("CustomersScreen", u"error", None))
        self.doNotRentCheck.setText(QCoreApplication.translate("CustomersScreen", u"&Do not rent to this customer", None))
        self.doNotRentReasonLabel.setText(QCoreApplication.translate("CustomersScreen", u"&Reason", None))
        self.doNotRentReasonEdit.setPlaceholderText(QCoreApplication.translate("CustomersScreen", u"for the staff; never shown to the customer", None))
        self.doNotRentReasonMessage.setProperty(u"role", QCoreApplication.translate("CustomersScreen", u"error", None))
        self.formMessage.setProperty(u"role", QCoreApplication.translate("CustomersScreen", u"error", None))
        self.historyButton.setText(QCoreApplication.translate("CustomersScreen", u"Change &history\u2026", None))
#if QT_CONFIG(tooltip)
        self.historyButton.setToolTip(QCoreApplication.translate("CustomersScreen", u"Who changed this customer's record, when, where and what", None))
#endif // QT_CONFIG(tooltip)
        self.revertButton.setText(QCoreApplication.translate("CustomersScreen", u"Re&vert", None))
        self.saveButton.setText(QCoreApplication.translate("CustomersScreen", u"&Save", None))
        self.saveButton.setProperty(u"role", QCoreApplication.translate("CustomersScreen", u"primary", None))
        pass
    # retranslateUi

