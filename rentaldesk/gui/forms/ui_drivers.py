# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'drivers.ui'
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
from PySide6.QtWidgets import (QApplication, QCheckBox, QHBoxLayout, QHeaderView,
    QLabel, QLineEdit, QSizePolicy, QSpacerItem,
    QSplitter, QTableView, QVBoxLayout, QWidget)

class Ui_DriversScreen(object):
    def setupUi(self, DriversScreen):
        if not DriversScreen.objectName():
            DriversScreen.setObjectName(u"DriversScreen")
        DriversScreen.resize(1228, 860)
        self.rootLayout = QVBoxLayout(DriversScreen)
        self.rootLayout.setSpacing(12)
        self.rootLayout.setObjectName(u"rootLayout")
        self.rootLayout.setContentsMargins(24, 18, 24, 16)
        self.headerLayout = QHBoxLayout()
        self.headerLayout.setObjectName(u"headerLayout")
        self.titleLabel = QLabel(DriversScreen)
        self.titleLabel.setObjectName(u"titleLabel")

        self.headerLayout.addWidget(self.titleLabel)

        self.headerSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.headerLayout.addItem(self.headerSpacer)

        self.countLabel = QLabel(DriversScreen)
        self.countLabel.setObjectName(u"countLabel")

        self.headerLayout.addWidget(self.countLabel)


        self.rootLayout.addLayout(self.headerLayout)

        self.filterLayout = QHBoxLayout()
        self.filterLayout.setSpacing(8)
        self.filterLayout.setObjectName(u"filterLayout")
        self.searchEdit = QLineEdit(DriversScreen)
        self.searchEdit.setObjectName(u"searchEdit")
        self.searchEdit.setMinimumSize(QSize(280, 0))
        self.searchEdit.setClearButtonEnabled(True)

        self.filterLayout.addWidget(self.searchEdit)

        self.freeOnlyCheck = QCheckBox(DriversScreen)
        self.freeOnlyCheck.setObjectName(u"freeOnlyCheck")

        self.filterLayout.addWidget(self.freeOnlyCheck)

        self.filterSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.filterLayout.addItem(self.filterSpacer)


        self.rootLayout.addLayout(self.filterLayout)

        self.splitter = QSplitter(DriversScreen)
        self.splitter.setObjectName(u"splitter")
        self.splitter.setOrientation(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(12)
        self.driversView = QTableView(self.splitter)
        self.driversView.setObjectName(u"driversView")
        self.driversView.setTabKeyNavigation(False)
        self.splitter.addWidget(self.driversView)
        self.assignmentsPane = QWidget(self.splitter)
        self.assignmentsPane.setObjectName(u"assignmentsPane")
        self.assignmentsLayout = QVBoxLayout(self.assignmentsPane)
        self.assignmentsLayout.setSpacing(6)
        self.assignmentsLayout.setObjectName(u"assignmentsLayout")
        self.assignmentsLayout.setContentsMargins(0, 0, 0, 0)
        self.assignmentsLabel = QLabel(self.assignmentsPane)
        self.assignmentsLabel.setObjectName(u"assignmentsLabel")

        self.assignmentsLayout.addWidget(self.assignmentsLabel)

        self.assignmentsView = QTableView(self.assignmentsPane)
        self.assignmentsView.setObjectName(u"assignmentsView")
        self.assignmentsView.setTabKeyNavigation(False)

        self.assignmentsLayout.addWidget(self.assignmentsView)

        self.splitter.addWidget(self.assignmentsPane)

        self.rootLayout.addWidget(self.splitter)

        self.rootLayout.setStretch(2, 1)
        QWidget.setTabOrder(self.searchEdit, self.freeOnlyCheck)
        QWidget.setTabOrder(self.freeOnlyCheck, self.driversView)
        QWidget.setTabOrder(self.driversView, self.assignmentsView)

        self.retranslateUi(DriversScreen)

        QMetaObject.connectSlotsByName(DriversScreen)
    # setupUi

    def retranslateUi(self, DriversScreen):
        self.titleLabel.setText(QCoreApplication.translate("DriversScreen", u"Drivers", None))
        self.titleLabel.setProperty(u"role", QCoreApplication.translate("DriversScreen", u"title", None))
        self.countLabel.setProperty(u"role", QCoreApplication.translate("DriversScreen", u"subtitle", None))
        self.searchEdit.setPlaceholderText(QCoreApplication.translate("DriversScreen", u"Name, phone, licence\u2026  (Ctrl+F)", None))
        self.freeOnlyCheck.setText(QCoreApplication.translate("DriversScreen", u"&Free now only", None))
        self.assignmentsLabel.setText(QCoreApplication.translate("DriversScreen", u"Select a driver to see their assignments.", None))
        self.assignmentsLabel.setProperty(u"role", QCoreApplication.translate("DriversScreen", u"section", None))
        pass
    # retranslateUi

