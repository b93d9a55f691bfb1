# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'cash_up.ui'
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
from PySide6.QtWidgets import (QApplication, QComboBox, QGridLayout, QHBoxLayout,
    QHeaderView, QLabel, QPushButton, QSizePolicy,
    QSpacerItem, QTableView, QToolButton, QVBoxLayout,
    QWidget)

from rentaldesk.gui.widgets import DateField

class Ui_CashUpScreen(object):
    def setupUi(self, CashUpScreen):
        if not CashUpScreen.objectName():
            CashUpScreen.setObjectName(u"CashUpScreen")
        CashUpScreen.resize(1228, 860)
        self.rootLayout = QVBoxLayout(CashUpScreen)
        self.rootLayout.setSpacing(10)
        self.rootLayout.setObjectName(u"rootLayout")
        self.rootLayout.setContentsMargins(24, 18, 24, 16)
        self.headerLayout = QHBoxLayout()
        self.headerLayout.setObjectName(u"headerLayout")
        self.titleLabel = QLabel(CashUpScreen)
        self.titleLabel.setObjectName(u"titleLabel")

        self.headerLayout.addWidget(self.titleLabel)

        self.headerSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.headerLayout.addItem(self.headerSpacer)

        self.subtitleLabel = QLabel(CashUpScreen)
        self.subtitleLabel.setObjectName(u"subtitleLabel")

        self.headerLayout.addWidget(self.subtitleLabel)


        self.rootLayout.addLayout(self.headerLayout)

        self.filterLayout = QHBoxLayout()
        self.filterLayout.setSpacing(8)
        self.filterLayout.setObjectName(u"filterLayout")
        self.branchTitle = QLabel(CashUpScreen)
        self.branchTitle.setObjectName(u"branchTitle")

        self.filterLayout.addWidget(self.branchTitle)

        self.branchCombo = QComboBox(CashUpScreen)
        self.branchCombo.setObjectName(u"branchCombo")
        self.branchCombo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

        self.filterLayout.addWidget(self.branchCombo)

        self.branchGap = QSpacerItem(12, 0, QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum)

        self.filterLayout.addItem(self.branchGap)

        self.dayTitle = QLabel(CashUpScreen)
        self.dayTitle.setObjectName(u"dayTitle")

        self.filterLayout.addWidget(self.dayTitle)

        self.previousDayButton = QToolButton(CashUpScreen)
        self.previousDayButton.setObjectName(u"previousDayButton")

        self.filterLayout.addWidget(self.previousDayButton)

        self.dayEdit = DateField(CashUpScreen)
        self.dayEdit.setObjectName(u"dayEdit")

        self.filterLayout.addWidget(self.dayEdit)

        self.nextDayButton = QToolButton(CashUpScreen)
        self.nextDayButton.setObjectName(u"nextDayButton")

        self.filterLayout.addWidget(self.nextDayButton)

        self.todayButton = QPushButton(CashUpScreen)
        self.todayButton.setObjectName(u"todayButton")

        self.filterLayout.addWidget(self.todayButton)

        self.filterSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.filterLayout.addItem(self.filterSpacer)

        self.printButton = QPushButton(CashUpScreen)
        self.printButton.setObjectName(u"printButton")

        self.filterLayout.addWidget(self.printButton)

        self.saveButton = QPushButton(CashUpScreen)
        self.saveButton.setObjectName(u"saveButton")

        self.filterLayout.addWidget(self.saveButton)


        self.rootLayout.addLayout(self.filterLayout)

        self.dayError = QLabel(CashUpScreen)
        self.dayError.setObjectName(u"dayError")
        self.dayError.setWordWrap(True)

        self.rootLayout.addWidget(self.dayError)

        self.summaryLayout = QHBoxLayout()
        self.summaryLayout.setSpacing(16)
        self.summaryLayout.setObjectName(u"summaryLayout")
        self.methodsView = QTableView(CashUpScreen)
        self.methodsView.setObjectName(u"methodsView")
        self.methodsView.setTabKeyNavigation(False)

        self.summaryLayout.addWidget(self.methodsView)

        self.figuresLayout = QGridLayout()
        self.figuresLayout.setObjectName(u"figuresLayout")
        self.figuresLayout.setHorizontalSpacing(14)
        self.figuresLayout.setVerticalSpacing(6)
        self.netTitle = QLabel(CashUpScreen)
        self.netTitle.setObjectName(u"netTitle")

        self.figuresLayout.addWidget(self.netTitle, 0, 0, 1, 2)

        self.netValue = QLabel(CashUpScreen)
        self.netValue.setObjectName(u"netValue")
        self.netValue.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.figuresLayout.addWidget(self.netValue, 1, 0, 1, 2)

        self.cashHeldTitle = QLabel(CashUpScreen)
        self.cashHeldTitle.setObjectName(u"cashHeldTitle")

        self.figuresLayout.addWidget(self.cashHeldTitle, 2, 0, 1, 1)

        self.cashHeldValue = QLabel(CashUpScreen)
        self.cashHeldValue.setObjectName(u"cashHeldValue")
        self.cashHeldValue.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)

        self.figuresLayout.addWidget(self.cashHeldValue, 2, 1, 1, 1)

        self.cashReleasedTitle = QLabel(CashUpScreen)
        self.cashReleasedTitle.setObjectName(u"cashReleasedTitle")

        self.figuresLayout.addWidget(self.cashReleasedTitle, 3, 0, 1, 1)

        self.cashReleasedValue = QLabel(CashUpScreen)
        self.cashReleasedValue.setObjectName(u"cashReleasedValue")
        self.cashReleasedValue.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)

        self.figuresLayout.addWidget(self.cashReleasedValue, 3, 1, 1, 1)

        self.drawerTitle = QLabel(CashUpScreen)
        self.drawerTitle.setObjectName(u"drawerTitle")

        self.figuresLayout.addWidget(self.drawerTitle, 4, 0, 1, 1)

        self.drawerValue = QLabel(CashUpScreen)
        self.drawerValue.setObjectName(u"drawerValue")
        self.drawerValue.setAlignment(Qt.AlignmentFlag.AlignRight|Qt.AlignmentFlag.AlignVCenter)

        self.figuresLayout.addWidget(self.drawerValue, 4, 1, 1, 1)

        self.figuresSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.figuresLayout.addItem(self.figuresSpacer, 5, 0, 1, 2)


        self.summaryLayout.addLayout(self.figuresLayout)

        self.summarySpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.summaryLayout.addItem(self.summarySpacer)

        self.summaryLayout.setStretch(2, 1)

        self.rootLayout.addLayout(self.summaryLayout)

        self.ledgerLabel = QLabel(CashUpScreen)
        self.ledgerLabel.setObjectName(u"ledgerLabel")

        self.rootLayout.addWidget(self.ledgerLabel)

        self.ledgerView = QTableView(CashUpScreen)
        self.ledgerView.setObjectName(u"ledgerView")
        self.ledgerView.setTabKeyNavigation(False)

        self.rootLayout.addWidget(self.ledgerView)

        self.rootLayout.setStretch(5, 1)
#if QT_CONFIG(shortcut)
        self.branchTitle.setBuddy(self.branchCombo)
        self.dayTitle.setBuddy(self.dayEdit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(CashUpScreen)

        QMetaObject.connectSlotsByName(CashUpScreen)
    # setupUi

    def retranslateUi(self, CashUpScreen):
        self.titleLabel.setText(QCoreApplication.translate("CashUpScreen", u"Cash-up", None))
        self.titleLabel.setProperty(u"role", QCoreApplication.translate("CashUpScreen", u"title", None))
        self.subtitleLabel.setProperty(u"role", QCoreApplication.translate("CashUpScreen", u"subtitle", None))
        self.branchTitle.setText(QCoreApplication.translate("CashUpScreen", u"&Branch", None))
        self.dayTitle.setText(QCoreApplication.translate("CashUpScreen", u"&Day", None))
        self.previousDayButton.setText(QCoreApplication.translate("CashUpScreen", u"\u2039", None))
#if QT_CONFIG(tooltip)
        self.previousDayButton.setToolTip(QCoreApplication.translate("CashUpScreen", u"The day before (Alt+Left)", None))
#endif // QT_CONFIG(tooltip)
        self.nextDayButton.setText(QCoreApplication.translate("CashUpScreen", u"\u203a", None))
#if QT_CONFIG(tooltip)
        self.nextDayButton.setToolTip(QCoreApplication.translate("CashUpScreen", u"The day after (Alt+Right)", None))
#endif // QT_CONFIG(tooltip)
        self.todayButton.setText(QCoreApplication.translate("CashUpScreen", u"&Today", None))
#if QT_CONFIG(tooltip)
        self.todayButton.setToolTip(QCoreApplication.translate("CashUpScreen", u"Today at the branch (its time zone)", None))
#endif // QT_CONFIG(tooltip)
        self.printButton.setText(QCoreApplication.translate("CashUpScreen", u"&Print\u2026", None))
#if QT_CONFIG(tooltip)
        self.printButton.setToolTip(QCoreApplication.translate("CashUpScreen", u"Print the cash-up (Ctrl+P)", None))
#endif // QT_CONFIG(tooltip)
        self.saveButton.setText(QCoreApplication.translate("CashUpScreen", u"&Save PDF\u2026", None))
#if QT_CONFIG(tooltip)
        self.saveButton.setToolTip(QCoreApplication.translate("CashUpScreen", u"Save the cash-up as a PDF (Ctrl+S)", None))
#endif // QT_CONFIG(tooltip)
        self.saveButton.setProperty(u"role", QCoreApplication.translate("CashUpScreen", u"primary", None))
        self.dayError.setProperty(u"role", QCoreApplication.translate("CashUpScreen", u"error", None))
        self.netTitle.setText(QCoreApplication.translate("CashUpScreen", u"Net taken", None))
        self.netTitle.setProperty(u"role", QCoreApplication.translate("CashUpScreen", u"section", None))
        self.netValue.setProperty(u"role", QCoreApplication.translate("CashUpScreen", u"price", None))
        self.cashHeldTitle.setText(QCoreApplication.translate("CashUpScreen", u"Cash deposits taken", None))
        self.cashReleasedTitle.setText(QCoreApplication.translate("CashUpScreen", u"Cash deposits given back", None))
        self.drawerTitle.setText(QCoreApplication.translate("CashUpScreen", u"Cash in the drawer", None))
#if QT_CONFIG(tooltip)
        self.drawerTitle.setToolTip(QCoreApplication.translate("CashUpScreen", u"Cash taken less cash given back, with the cash deposits held and given back", None))
#endif // QT_CONFIG(tooltip)
        self.ledgerLabel.setText(QCoreApplication.translate("CashUpScreen", u"The day's ledger", None))
        self.ledgerLabel.setProperty(u"role", QCoreApplication.translate("CashUpScreen", u"section", None))
        pass
    # retranslateUi

