# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'booking_form.ui'
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
from PySide6.QtWidgets import (QApplication, QComboBox, QFrame, QGridLayout,
    QGroupBox, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QPushButton, QSizePolicy, QSpacerItem,
    QToolButton, QVBoxLayout, QWidget)

from rentaldesk.gui.extras_picker import ExtrasPicker
from rentaldesk.gui.widgets import (DateField, PickGrid, RangeCalendar, TimeField)
from . import resources_rc

class Ui_BookingForm(object):
    def setupUi(self, BookingForm):
        if not BookingForm.objectName():
            BookingForm.setObjectName(u"BookingForm")
        BookingForm.resize(1228, 860)
        self.rootLayout = QVBoxLayout(BookingForm)
        self.rootLayout.setSpacing(12)
        self.rootLayout.setObjectName(u"rootLayout")
        self.rootLayout.setContentsMargins(24, 18, 24, 16)
        self.headerLayout = QHBoxLayout()
        self.headerLayout.setObjectName(u"headerLayout")
        self.titleLabel = QLabel(BookingForm)
        self.titleLabel.setObjectName(u"titleLabel")

        self.headerLayout.addWidget(self.titleLabel)

        self.headerSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.headerLayout.addItem(self.headerSpacer)

        self.zoneLabel = QLabel(BookingForm)
        self.zoneLabel.setObjectName(u"zoneLabel")

        self.headerLayout.addWidget(self.zoneLabel)


        self.rootLayout.addLayout(self.headerLayout)

        self.bodyLayout = QHBoxLayout()
        self.bodyLayout.setSpacing(14)
        self.bodyLayout.setObjectName(u"bodyLayout")
        self.leftColumn = QVBoxLayout()
        self.leftColumn.setSpacing(12)
        self.leftColumn.setObjectName(u"leftColumn")
        self.tripGroup = QGroupBox(BookingForm)
        self.tripGroup.setObjectName(u"tripGroup")
        self.tripGroup.setMinimumSize(QSize(350, 0))
        self.tripGroup.setMaximumSize(QSize(350, 16777215))
        self.tripLayout = QGridLayout(self.tripGroup)
        self.tripLayout.setObjectName(u"tripLayout")
        self.tripLayout.setHorizontalSpacing(10)
        self.tripLayout.setVerticalSpacing(4)
        self.locationLabel = QLabel(self.tripGroup)
        self.locationLabel.setObjectName(u"locationLabel")

        self.tripLayout.addWidget(self.locationLabel, 0, 0, 1, 1)

        self.locationCombo = QComboBox(self.tripGroup)
        self.locationCombo.setObjectName(u"locationCombo")

        self.tripLayout.addWidget(self.locationCombo, 0, 1, 1, 1)

        self.errorZip = QLabel(self.tripGroup)
        self.errorZip.setObjectName(u"errorZip")
        self.errorZip.setWordWrap(True)

        self.tripLayout.addWidget(self.errorZip, 1, 1, 1, 1)

        self.classLabel = QLabel(self.tripGroup)
        self.classLabel.setObjectName(u"classLabel")

        self.tripLayout.addWidget(self.classLabel, 2, 0, 1, 1)

        self.classCombo = QComboBox(self.tripGroup)
        self.classCombo.setObjectName(u"classCombo")

        self.tripLayout.addWidget(self.classCombo, 2, 1, 1, 1)

        self.errorClass = QLabel(self.tripGroup)
        self.errorClass.setObjectName(u"errorClass")
        self.errorClass.setWordWrap(True)

        self.tripLayout.addWidget(self.errorClass, 3, 1, 1, 1)

        self.calendar = RangeCalendar(self.tripGroup)
        self.calendar.setObjectName(u"calendar")
        self.calendar.setMinimumSize(QSize(0, 140))
        self.calendar.setMaximumSize(QSize(16777215, 460))
        self.calendar.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

        self.tripLayout.addWidget(self.calendar, 4, 0, 1, 2)

        self.calendarHint = QLabel(self.tripGroup)
        self.calendarHint.setObjectName(u"calendarHint")

        self.tripLayout.addWidget(self.calendarHint, 5, 0, 1, 2)

        self.startLabel = QLabel(self.tripGroup)
        self.startLabel.setObjectName(u"startLabel")

        self.tripLayout.addWidget(self.startLabel, 6, 0, 1, 1)

        self.startLayout = QHBoxLayout()
        self.startLayout.setObjectName(u"startLayout")
        self.startDate = DateField(self.tripGroup)
        self.startDate.setObjectName(u"startDate")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        sizePolicy.setHorizontalStretch(0)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.startDate.sizePolicy().hasHeightForWidth())
        self.startDate.setSizePolicy(sizePolicy)

        self.startLayout.addWidget(self.startDate)

        self.startTime = TimeField(self.tripGroup)
        self.startTime.setObjectName(u"startTime")
        sizePolicy1 = QSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        sizePolicy1.setHorizontalStretch(0)
        sizePolicy1.setVerticalStretch(0)
        sizePolicy1.setHeightForWidth(self.startTime.sizePolicy().hasHeightForWidth())
        self.startTime.setSizePolicy(sizePolicy1)

        self.startLayout.addWidget(self.startTime)


        self.tripLayout.addLayout(self.startLayout, 6, 1, 1, 1)

        self.errorStart = QLabel(self.tripGroup)
        self.errorStart.setObjectName(u"errorStart")
        self.errorStart.setWordWrap(True)

        self.tripLayout.addWidget(self.errorStart, 7, 0, 1, 2)

        self.returnButton = QToolButton(self.tripGroup)
        self.returnButton.setObjectName(u"returnButton")
        sizePolicy1.setHeightForWidth(self.returnButton.sizePolicy().hasHeightForWidth())
        self.returnButton.setSizePolicy(sizePolicy1)
        self.returnButton.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.returnButton.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.returnButton.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.returnButton.setAutoRaise(True)

        self.tripLayout.addWidget(self.returnButton, 8, 0, 1, 1, Qt.AlignmentFlag.AlignLeft|Qt.AlignmentFlag.AlignVCenter)

        self.endLayout = QHBoxLayout()
        self.endLayout.setObjectName(u"endLayout")
        self.endDate = DateField(self.tripGroup)
        self.endDate.setObjectName(u"endDate")
        sizePolicy.setHeightForWidth(self.endDate.sizePolicy().hasHeightForWidth())
        self.endDate.setSizePolicy(sizePolicy)

        self.endLayout.addWidget(self.endDate)

        self.endTime = TimeField(self.tripGroup)
        self.endTime.setObjectName(u"endTime")
        sizePolicy1.setHeightForWidth(self.endTime.sizePolicy().hasHeightForWidth())
        self.endTime.setSizePolicy(sizePolicy1)

        self.endLayout.addWidget(self.endTime)


        self.tripLayout.addLayout(self.endLayout, 8, 1, 1, 1)

        self.errorEnd = QLabel(self.tripGroup)
        self.errorEnd.setObjectName(u"errorEnd")
        self.errorEnd.setWordWrap(True)

        self.tripLayout.addWidget(self.errorEnd, 9, 0, 1, 2)

        self.durationLabel = QLabel(self.tripGroup)
        self.durationLabel.setObjectName(u"durationLabel")

        self.tripLayout.addWidget(self.durationLabel, 10, 1, 1, 1)

        self.tripSpacer = QSpacerItem(10, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.tripLayout.addItem(self.tripSpacer, 11, 0, 1, 2)

        self.tripLayout.setRowStretch(4, 1)
        self.tripLayout.setRowStretch(11, 1)

        self.leftColumn.addWidget(self.tripGroup)


        self.bodyLayout.addLayout(self.leftColumn)

        self.middleLayout = QVBoxLayout()
        self.middleLayout.setSpacing(12)
        self.middleLayout.setObjectName(u"middleLayout")
        self.customerGroup = QGroupBox(BookingForm)
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
        self.emailEdit.setClearButtonEnabled(True)

        self.customerLayout.addWidget(self.emailEdit, 0, 1, 1, 1)

        self.customerHint = QLabel(self.customerGroup)
        self.customerHint.setObjectName(u"customerHint")
        self.customerHint.setWordWrap(True)

        self.customerLayout.addWidget(self.customerHint, 1, 1, 1, 1)

        self.errorEmail = QLabel(self.customerGroup)
        self.errorEmail.setObjectName(u"errorEmail")
        self.errorEmail.setWordWrap(True)

        self.customerLayout.addWidget(self.errorEmail, 2, 1, 1, 1)

        self.nameLabel = QLabel(self.customerGroup)
        self.nameLabel.setObjectName(u"nameLabel")

        self.customerLayout.addWidget(self.nameLabel, 3, 0, 1, 1)

        self.nameEdit = QLineEdit(self.customerGroup)
        self.nameEdit.setObjectName(u"nameEdit")

        self.customerLayout.addWidget(self.nameEdit, 3, 1, 1, 1)

        self.errorName = QLabel(self.customerGroup)
        self.errorName.setObjectName(u"errorName")
        self.errorName.setWordWrap(True)

        self.customerLayout.addWidget(self.errorName, 4, 1, 1, 1)

        self.phoneLabel = QLabel(self.customerGroup)
        self.phoneLabel.setObjectName(u"phoneLabel")

        self.customerLayout.addWidget(self.phoneLabel, 5, 0, 1, 1)

        self.phoneEdit = QLineEdit(self.customerGroup)
        self.phoneEdit.setObjectName(u"phoneEdit")

        self.customerLayout.addWidget(self.phoneEdit, 5, 1, 1, 1)

        self.errorPhone = QLabel(self.customerGroup)
        self.errorPhone.setObjectName(u"errorPhone")
        self.errorPhone.setWordWrap(True)

        self.customerLayout.addWidget(self.errorPhone, 6, 1, 1, 1)

        self.driverLabel = QLabel(self.customerGroup)
        self.driverLabel.setObjectName(u"driverLabel")

        self.customerLayout.addWidget(self.driverLabel, 7, 0, 1, 1)

        self.driverCombo = QComboBox(self.customerGroup)
        self.driverCombo.setObjectName(u"driverCombo")

        self.customerLayout.addWidget(self.driverCombo, 7, 1, 1, 1)

        self.errorDriver = QLabel(self.customerGroup)
        self.errorDriver.setObjectName(u"errorDriver")
        self.errorDriver.setWordWrap(True)

        self.customerLayout.addWidget(self.errorDriver, 8, 1, 1, 1)


        self.middleLayout.addWidget(self.customerGroup)

        self.extrasGroup = QGroupBox(BookingForm)
        self.extrasGroup.setObjectName(u"extrasGroup")
        self.extrasLayout = QVBoxLayout(self.extrasGroup)
        self.extrasLayout.setSpacing(2)
        self.extrasLayout.setObjectName(u"extrasLayout")
        self.extrasPicker = ExtrasPicker(self.extrasGroup)
        self.extrasPicker.setObjectName(u"extrasPicker")

        self.extrasLayout.addWidget(self.extrasPicker)

        self.errorExtras = QLabel(self.extrasGroup)
        self.errorExtras.setObjectName(u"errorExtras")
        self.errorExtras.setWordWrap(True)

        self.extrasLayout.addWidget(self.errorExtras)


        self.middleLayout.addWidget(self.extrasGroup)

        self.priceGroup = QGroupBox(BookingForm)
        self.priceGroup.setObjectName(u"priceGroup")
        self.priceLayout = QVBoxLayout(self.priceGroup)
        self.priceLayout.setSpacing(2)
        self.priceLayout.setObjectName(u"priceLayout")
        self.summaryLabel = QLabel(self.priceGroup)
        self.summaryLabel.setObjectName(u"summaryLabel")
        self.summaryLabel.setWordWrap(True)
        self.summaryLabel.setTextFormat(Qt.TextFormat.RichText)

        self.priceLayout.addWidget(self.summaryLabel)

        self.summarySpacer = QSpacerItem(10, 8, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)

        self.priceLayout.addItem(self.summarySpacer)

        self.priceLabel = QLabel(self.priceGroup)
        self.priceLabel.setObjectName(u"priceLabel")

        self.priceLayout.addWidget(self.priceLabel)

        self.priceDetail = QLabel(self.priceGroup)
        self.priceDetail.setObjectName(u"priceDetail")
        self.priceDetail.setWordWrap(True)

        self.priceLayout.addWidget(self.priceDetail)


        self.middleLayout.addWidget(self.priceGroup)

        self.formError = QLabel(BookingForm)
        self.formError.setObjectName(u"formError")
        self.formError.setWordWrap(True)

        self.middleLayout.addWidget(self.formError)

        self.actionsBar = QWidget(BookingForm)
        self.actionsBar.setObjectName(u"actionsBar")
        self.actionsLayout = QHBoxLayout(self.actionsBar)
        self.actionsLayout.setObjectName(u"actionsLayout")
        self.actionsLayout.setContentsMargins(0, 0, 0, 0)
        self.clearButton = QPushButton(self.actionsBar)
        self.clearButton.setObjectName(u"clearButton")

        self.actionsLayout.addWidget(self.clearButton)

        self.actionsSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.actionsLayout.addItem(self.actionsSpacer)

        self.reserveButton = QPushButton(self.actionsBar)
        self.reserveButton.setObjectName(u"reserveButton")
        icon = QIcon()
        icon.addFile(u":/icons/check-white.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        self.reserveButton.setIcon(icon)
        self.reserveButton.setMinimumSize(QSize(150, 36))

        self.actionsLayout.addWidget(self.reserveButton)


        self.middleLayout.addWidget(self.actionsBar)

        self.resultBanner = QFrame(BookingForm)
        self.resultBanner.setObjectName(u"resultBanner")
        self.resultLayout = QHBoxLayout(self.resultBanner)
        self.resultLayout.setObjectName(u"resultLayout")
        self.resultLayout.setContentsMargins(14, 10, 10, 10)
        self.resultTextLayout = QVBoxLayout()
        self.resultTextLayout.setSpacing(2)
        self.resultTextLayout.setObjectName(u"resultTextLayout")
        self.referenceLabel = QLabel(self.resultBanner)
        self.referenceLabel.setObjectName(u"referenceLabel")
        self.referenceLabel.setWordWrap(True)
        self.referenceLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse|Qt.TextInteractionFlag.TextSelectableByKeyboard)

        self.resultTextLayout.addWidget(self.referenceLabel)

        self.resultText = QLabel(self.resultBanner)
        self.resultText.setObjectName(u"resultText")
        self.resultText.setWordWrap(True)

        self.resultTextLayout.addWidget(self.resultText)


        self.resultLayout.addLayout(self.resultTextLayout)

        self.copyButton = QPushButton(self.resultBanner)
        self.copyButton.setObjectName(u"copyButton")
        icon1 = QIcon()
        icon1.addFile(u":/icons/copy.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        self.copyButton.setIcon(icon1)

        self.resultLayout.addWidget(self.copyButton)


        self.middleLayout.addWidget(self.resultBanner)


        self.bodyLayout.addLayout(self.middleLayout)

        self.rightColumn = QVBoxLayout()
        self.rightColumn.setObjectName(u"rightColumn")
        self.carsGroup = QGroupBox(BookingForm)
        self.carsGroup.setObjectName(u"carsGroup")
        self.carsLayout = QVBoxLayout(self.carsGroup)
        self.carsLayout.setSpacing(6)
        self.carsLayout.setObjectName(u"carsLayout")
        self.carsHeaderLayout = QHBoxLayout()
        self.carsHeaderLayout.setObjectName(u"carsHeaderLayout")
        self.freeCarsLabel = QLabel(self.carsGroup)
        self.freeCarsLabel.setObjectName(u"freeCarsLabel")
        self.freeCarsLabel.setWordWrap(True)

        self.carsHeaderLayout.addWidget(self.freeCarsLabel)


        self.carsLayout.addLayout(self.carsHeaderLayout)

        self.freeCarsView = PickGrid(self.carsGroup)
        self.freeCarsView.setObjectName(u"freeCarsView")

        self.carsLayout.addWidget(self.freeCarsView)

        self.carChoiceLayout = QHBoxLayout()
        self.carChoiceLayout.setObjectName(u"carChoiceLayout")
        self.carChoiceLabel = QLabel(self.carsGroup)
        self.carChoiceLabel.setObjectName(u"carChoiceLabel")
        self.carChoiceLabel.setWordWrap(True)

        self.carChoiceLayout.addWidget(self.carChoiceLabel)

        self.anyCarButton = QPushButton(self.carsGroup)
        self.anyCarButton.setObjectName(u"anyCarButton")

        self.carChoiceLayout.addWidget(self.anyCarButton)

        self.carChoiceLayout.setStretch(0, 1)

        self.carsLayout.addLayout(self.carChoiceLayout)

        self.errorCar = QLabel(self.carsGroup)
        self.errorCar.setObjectName(u"errorCar")
        self.errorCar.setWordWrap(True)

        self.carsLayout.addWidget(self.errorCar)


        self.rightColumn.addWidget(self.carsGroup)


        self.bodyLayout.addLayout(self.rightColumn)

        self.bodyLayout.setStretch(2, 1)

        self.rootLayout.addLayout(self.bodyLayout)

        self.rootLayout.setStretch(1, 1)
#if QT_CONFIG(shortcut)
        self.locationLabel.setBuddy(self.locationCombo)
        self.classLabel.setBuddy(self.classCombo)
        self.startLabel.setBuddy(self.startDate)
        self.emailLabel.setBuddy(self.emailEdit)
        self.nameLabel.setBuddy(self.nameEdit)
        self.phoneLabel.setBuddy(self.phoneEdit)
        self.driverLabel.setBuddy(self.driverCombo)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.locationCombo, self.classCombo)
        QWidget.setTabOrder(self.classCombo, self.startDate)
        QWidget.setTabOrder(self.startDate, self.startTime)
        QWidget.setTabOrder(self.startTime, self.endDate)
        QWidget.setTabOrder(self.endDate, self.endTime)
        QWidget.setTabOrder(self.endTime, self.emailEdit)
        QWidget.setTabOrder(self.emailEdit, self.nameEdit)
        QWidget.setTabOrder(self.nameEdit, self.phoneEdit)
        QWidget.setTabOrder(self.phoneEdit, self.driverCombo)
        QWidget.setTabOrder(self.driverCombo, self.freeCarsView)
        QWidget.setTabOrder(self.freeCarsView, self.anyCarButton)
        QWidget.setTabOrder(self.anyCarButton, self.reserveButton)
        QWidget.setTabOrder(self.reserveButton, self.clearButton)
        QWidget.setTabOrder(self.clearButton, self.copyButton)

        self.retranslateUi(BookingForm)

        QMetaObject.connectSlotsByName(BookingForm)
    # setupUi

    def retranslateUi(self, BookingForm):
        self.titleLabel.setText(QCoreApplication.translate("BookingForm", u"New reservation", None))
        self.titleLabel.setProperty(u"role", QCoreApplication.translate("BookingForm", u"title", None))
        self.zoneLabel.setText("")
        self.zoneLabel.setProperty(u"role", QCoreApplication.translate("BookingForm", u"subtitle", None))
        self.tripGroup.setTitle(QCoreApplication.translate("BookingForm", u"Trip", None))
        self.locationLabel.setText(QCoreApplication.translate("BookingForm", u"&Location", None))
        self.errorZip.setProperty(u"role", QCoreApplication.translate("BookingForm", u"error", None))
        self.classLabel.setText(QCoreApplication.translate("BookingForm", u"Vehicle &class", None))
        self.errorClass.setProperty(u"role", QCoreApplication.translate("BookingForm", u"error", None))
        self.calendarHint.setText(QCoreApplication.translate("BookingForm", u"Click the pick-up day, then the return day.", None))
        self.calendarHint.setProperty(u"role", QCoreApplication.translate("BookingForm", u"hint", None))
        self.startLabel.setText(QCoreApplication.translate("BookingForm", u"&Pick-up", None))
        self.startTime.setDisplayFormat(QCoreApplication.translate("BookingForm", u"HH:mm", None))
        self.errorStart.setProperty(u"role", QCoreApplication.translate("BookingForm", u"error", None))
        self.returnButton.setText(QCoreApplication.translate("BookingForm", u"Return", None))
#if QT_CONFIG(accessibility)
        self.returnButton.setAccessibleName(QCoreApplication.translate("BookingForm", u"Return location", None))
#endif // QT_CONFIG(accessibility)
        self.endTime.setDisplayFormat(QCoreApplication.translate("BookingForm", u"HH:mm", None))
        self.errorEnd.setProperty(u"role", QCoreApplication.translate("BookingForm", u"error", None))
        self.durationLabel.setProperty(u"role", QCoreApplication.translate("BookingForm", u"hint", None))
        self.customerGroup.setTitle(QCoreApplication.translate("BookingForm", u"Customer", None))
        self.emailLabel.setText(QCoreApplication.translate("BookingForm", u"&Email", None))
        self.emailEdit.setPlaceholderText(QCoreApplication.translate("BookingForm", u"customer@example.com", None))
        self.customerHint.setProperty(u"role", QCoreApplication.translate("BookingForm", u"hint", None))
        self.errorEmail.setProperty(u"role", QCoreApplication.translate("BookingForm", u"error", None))
        self.nameLabel.setText(QCoreApplication.translate("BookingForm", u"&Name", None))
        self.errorName.setProperty(u"role", QCoreApplication.translate("BookingForm", u"error", None))
        self.phoneLabel.setText(QCoreApplication.translate("BookingForm", u"P&hone", None))
        self.phoneEdit.setPlaceholderText(QCoreApplication.translate("BookingForm", u"optional", None))
        self.errorPhone.setProperty(u"role", QCoreApplication.translate("BookingForm", u"error", None))
        self.driverLabel.setText(QCoreApplication.translate("BookingForm", u"&Driver", None))
        self.errorDriver.setProperty(u"role", QCoreApplication.translate("BookingForm", u"error", None))
        self.extrasGroup.setTitle(QCoreApplication.translate("BookingForm", u"E&xtras and cover", None))
        self.errorExtras.setProperty(u"role", QCoreApplication.translate("BookingForm", u"error", None))
        self.priceGroup.setTitle(QCoreApplication.translate("BookingForm", u"Summary", None))
        self.priceLabel.setText(QCoreApplication.translate("BookingForm", u"\u2014", None))
        self.priceLabel.setProperty(u"role", QCoreApplication.translate("BookingForm", u"price", None))
        self.priceDetail.setProperty(u"role", QCoreApplication.translate("BookingForm", u"hint", None))
        self.formError.setProperty(u"role", QCoreApplication.translate("BookingForm", u"error", None))
#if QT_CONFIG(tooltip)
        self.clearButton.setToolTip(QCoreApplication.translate("BookingForm", u"Start a new reservation (Esc)", None))
#endif // QT_CONFIG(tooltip)
        self.clearButton.setText(QCoreApplication.translate("BookingForm", u"Clear", None))
#if QT_CONFIG(tooltip)
        self.reserveButton.setToolTip(QCoreApplication.translate("BookingForm", u"Book it (Enter)", None))
#endif // QT_CONFIG(tooltip)
        self.reserveButton.setText(QCoreApplication.translate("BookingForm", u"Reserve", None))
        self.reserveButton.setProperty(u"role", QCoreApplication.translate("BookingForm", u"primary", None))
#if QT_CONFIG(tooltip)
        self.copyButton.setToolTip(QCoreApplication.translate("BookingForm", u"Copy the reference (Ctrl+Shift+C)", None))
#endif // QT_CONFIG(tooltip)
        self.copyButton.setText(QCoreApplication.translate("BookingForm", u"&Copy", None))
        self.carsGroup.setTitle(QCoreApplication.translate("BookingForm", u"Free cars", None))
        self.freeCarsLabel.setProperty(u"role", QCoreApplication.translate("BookingForm", u"hint", None))
        self.carChoiceLabel.setProperty(u"role", QCoreApplication.translate("BookingForm", u"hint", None))
#if QT_CONFIG(tooltip)
        self.anyCarButton.setToolTip(QCoreApplication.translate("BookingForm", u"Let the counter pick any car of the class", None))
#endif // QT_CONFIG(tooltip)
        self.anyCarButton.setText(QCoreApplication.translate("BookingForm", u"Any car", None))
        self.errorCar.setProperty(u"role", QCoreApplication.translate("BookingForm", u"error", None))
        pass
    # retranslateUi

