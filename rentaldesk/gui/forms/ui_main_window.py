# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'main_window.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QAction, QBrush, QColor, QConicalGradient,
    QCursor, QFont, QFontDatabase, QGradient,
    QIcon, QImage, QKeySequence, QLinearGradient,
    QPainter, QPalette, QPixmap, QRadialGradient,
    QTransform)
from PySide6.QtWidgets import (QApplication, QComboBox, QFrame, QHBoxLayout,
    QLabel, QMainWindow, QMenu, QMenuBar,
    QSizePolicy, QSpacerItem, QStackedWidget, QStatusBar,
    QToolButton, QVBoxLayout, QWidget)
from . import resources_rc

class Ui_MainWindow(object):
    def setupUi(self, MainWindow):
        if not MainWindow.objectName():
            MainWindow.setObjectName(u"MainWindow")
        MainWindow.resize(1440, 900)
        MainWindow.setMinimumSize(QSize(1100, 680))
        icon = QIcon()
        icon.addFile(u":/icons/car.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        MainWindow.setWindowIcon(icon)
        self.actionImportFleet = QAction(MainWindow)
        self.actionImportFleet.setObjectName(u"actionImportFleet")
        icon1 = QIcon()
        icon1.addFile(u":/icons/upload.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        self.actionImportFleet.setIcon(icon1)
        self.actionQuit = QAction(MainWindow)
        self.actionQuit.setObjectName(u"actionQuit")
        self.actionBooking = QAction(MainWindow)
        self.actionBooking.setObjectName(u"actionBooking")
        self.actionReservations = QAction(MainWindow)
        self.actionReservations.setObjectName(u"actionReservations")
        self.actionFleet = QAction(MainWindow)
        self.actionFleet.setObjectName(u"actionFleet")
        self.actionDrivers = QAction(MainWindow)
        self.actionDrivers.setObjectName(u"actionDrivers")
        self.actionBoard = QAction(MainWindow)
        self.actionBoard.setObjectName(u"actionBoard")
        self.actionFullScreen = QAction(MainWindow)
        self.actionFullScreen.setObjectName(u"actionFullScreen")
        icon2 = QIcon()
        icon2.addFile(u":/icons/maximize.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        self.actionFullScreen.setIcon(icon2)
        self.actionFullScreen.setCheckable(True)
        self.actionShortcuts = QAction(MainWindow)
        self.actionShortcuts.setObjectName(u"actionShortcuts")
        self.actionAbout = QAction(MainWindow)
        self.actionAbout.setObjectName(u"actionAbout")
        self.central = QWidget(MainWindow)
        self.central.setObjectName(u"central")
        self.centralLayout = QHBoxLayout(self.central)
        self.centralLayout.setSpacing(0)
        self.centralLayout.setObjectName(u"centralLayout")
        self.centralLayout.setContentsMargins(0, 0, 0, 0)
        self.nav = QFrame(self.central)
        self.nav.setObjectName(u"nav")
        self.nav.setMinimumSize(QSize(212, 0))
        self.nav.setMaximumSize(QSize(212, 16777215))
        self.navLayout = QVBoxLayout(self.nav)
        self.navLayout.setSpacing(4)
        self.navLayout.setObjectName(u"navLayout")
        self.navLayout.setContentsMargins(12, 16, 12, 14)
        self.appTitle = QLabel(self.nav)
        self.appTitle.setObjectName(u"appTitle")

        self.navLayout.addWidget(self.appTitle)

        self.appSubtitle = QLabel(self.nav)
        self.appSubtitle.setObjectName(u"appSubtitle")

        self.navLayout.addWidget(self.appSubtitle)

        self.navBooking = QToolButton(self.nav)
        self.navBooking.setObjectName(u"navBooking")
        icon3 = QIcon()
        icon3.addFile(u":/icons/nav-booking.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        self.navBooking.setIcon(icon3)
        self.navBooking.setCheckable(True)
        self.navBooking.setChecked(True)
        self.navBooking.setAutoExclusive(True)
        self.navBooking.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        sizePolicy.setHorizontalStretch(0)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.navBooking.sizePolicy().hasHeightForWidth())
        self.navBooking.setSizePolicy(sizePolicy)

        self.navLayout.addWidget(self.navBooking)

        self.navReservations = QToolButton(self.nav)
        self.navReservations.setObjectName(u"navReservations")
        icon4 = QIcon()
        icon4.addFile(u":/icons/nav-reservations.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        self.navReservations.setIcon(icon4)
        self.navReservations.setCheckable(True)
        self.navReservations.setAutoExclusive(True)
        self.navReservations.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        sizePolicy.setHeightForWidth(self.navReservations.sizePolicy().hasHeightForWidth())
        self.navReservations.setSizePolicy(sizePolicy)

        self.navLayout.addWidget(self.navReservations)

        self.navFleet = QToolButton(self.nav)
        self.navFleet.setObjectName(u"navFleet")
        icon5 = QIcon()
        icon5.addFile(u":/icons/nav-fleet.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        self.navFleet.setIcon(icon5)
        self.navFleet.setCheckable(True)
        self.navFleet.setAutoExclusive(True)
        self.navFleet.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        sizePolicy.setHeightForWidth(self.navFleet.sizePolicy().hasHeightForWidth())
        self.navFleet.setSizePolicy(sizePolicy)

        self.navLayout.addWidget(self.navFleet)

        self.navDrivers = QToolButton(self.nav)
        self.navDrivers.setObjectName(u"navDrivers")
        icon6 = QIcon()
        icon6.addFile(u":/icons/nav-drivers.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        self.navDrivers.setIcon(icon6)
        self.navDrivers.setCheckable(True)
        self.navDrivers.setAutoExclusive(True)
        self.navDrivers.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        sizePolicy.setHeightForWidth(self.navDrivers.sizePolicy().hasHeightForWidth())
        self.navDrivers.setSizePolicy(sizePolicy)

        self.navLayout.addWidget(self.navDrivers)

        self.navBoard = QToolButton(self.nav)
        self.navBoard.setObjectName(u"navBoard")
        icon7 = QIcon()
        icon7.addFile(u":/icons/nav-board.svg", QSize(), QIcon.Mode.Normal, QIcon.State.Off)
        self.navBoard.setIcon(icon7)
        self.navBoard.setCheckable(True)
        self.navBoard.setAutoExclusive(True)
        self.navBoard.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        sizePolicy.setHeightForWidth(self.navBoard.sizePolicy().hasHeightForWidth())
        self.navBoard.setSizePolicy(sizePolicy)

        self.navLayout.addWidget(self.navBoard)

        self.navSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.navLayout.addItem(self.navSpacer)

        self.counterLabel = QLabel(self.nav)
        self.counterLabel.setObjectName(u"counterLabel")

        self.navLayout.addWidget(self.counterLabel)

        self.counterBranch = QComboBox(self.nav)
        self.counterBranch.setObjectName(u"counterBranch")
        self.counterBranch.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

        self.navLayout.addWidget(self.counterBranch)

        self.clockLabel = QLabel(self.nav)
        self.clockLabel.setObjectName(u"clockLabel")

        self.navLayout.addWidget(self.clockLabel)


        self.centralLayout.addWidget(self.nav)

        self.screens = QStackedWidget(self.central)
        self.screens.setObjectName(u"screens")

        self.centralLayout.addWidget(self.screens)

        MainWindow.setCentralWidget(self.central)
        self.menubar = QMenuBar(MainWindow)
        self.menubar.setObjectName(u"menubar")
        self.menuDesk = QMenu(self.menubar)
        self.menuDesk.setObjectName(u"menuDesk")
        self.menuView = QMenu(self.menubar)
        self.menuView.setObjectName(u"menuView")
        self.menuHelp = QMenu(self.menubar)
        self.menuHelp.setObjectName(u"menuHelp")
        MainWindow.setMenuBar(self.menubar)
        self.statusbar = QStatusBar(MainWindow)
        self.statusbar.setObjectName(u"statusbar")
        MainWindow.setStatusBar(self.statusbar)
#if QT_CONFIG(shortcut)
        self.counterLabel.setBuddy(self.counterBranch)
#endif // QT_CONFIG(shortcut)

        self.menubar.addAction(self.menuDesk.menuAction())
        self.menubar.addAction(self.menuView.menuAction())
        self.menubar.addAction(self.menuHelp.menuAction())
        self.menuDesk.addAction(self.actionImportFleet)
        self.menuDesk.addSeparator()
        self.menuDesk.addAction(self.actionQuit)
        self.menuView.addAction(self.actionBooking)
        self.menuView.addAction(self.actionReservations)
        self.menuView.addAction(self.actionFleet)
        self.menuView.addAction(self.actionDrivers)
        self.menuView.addAction(self.actionBoard)
        self.menuView.addSeparator()
        self.menuView.addAction(self.actionFullScreen)
        self.menuHelp.addAction(self.actionShortcuts)
        self.menuHelp.addAction(self.actionAbout)

        self.retranslateUi(MainWindow)

        QMetaObject.connectSlotsByName(MainWindow)
    # setupUi

    def retranslateUi(self, MainWindow):
        MainWindow.setWindowTitle(QCoreApplication.translate("MainWindow", u"rentaldesk", None))
        self.actionImportFleet.setText(QCoreApplication.translate("MainWindow", u"&Import fleet CSV\u2026", None))
#if QT_CONFIG(shortcut)
        self.actionImportFleet.setShortcut(QCoreApplication.translate("MainWindow", u"Ctrl+I", None))
#endif // QT_CONFIG(shortcut)
        self.actionQuit.setText(QCoreApplication.translate("MainWindow", u"&Quit", None))
#if QT_CONFIG(shortcut)
        self.actionQuit.setShortcut(QCoreApplication.translate("MainWindow", u"Ctrl+Q", None))
#endif // QT_CONFIG(shortcut)
        self.actionBooking.setText(QCoreApplication.translate("MainWindow", u"&New reservation", None))
#if QT_CONFIG(shortcut)
        self.actionBooking.setShortcut(QCoreApplication.translate("MainWindow", u"Ctrl+1", None))
#endif // QT_CONFIG(shortcut)
        self.actionReservations.setText(QCoreApplication.translate("MainWindow", u"&Reservations", None))
#if QT_CONFIG(shortcut)
        self.actionReservations.setShortcut(QCoreApplication.translate("MainWindow", u"Ctrl+2", None))
#endif // QT_CONFIG(shortcut)
        self.actionFleet.setText(QCoreApplication.translate("MainWindow", u"&Fleet", None))
#if QT_CONFIG(shortcut)
        self.actionFleet.setShortcut(QCoreApplication.translate("MainWindow", u"Ctrl+3", None))
#endif // QT_CONFIG(shortcut)
        self.actionDrivers.setText(QCoreApplication.translate("MainWindow", u"&Drivers", None))
#if QT_CONFIG(shortcut)
        self.actionDrivers.setShortcut(QCoreApplication.translate("MainWindow", u"Ctrl+4", None))
#endif // QT_CONFIG(shortcut)
        self.actionBoard.setText(QCoreApplication.translate("MainWindow", u"Fleet &board", None))
#if QT_CONFIG(shortcut)
        self.actionBoard.setShortcut(QCoreApplication.translate("MainWindow", u"Ctrl+5", None))
#endif // QT_CONFIG(shortcut)
        self.actionFullScreen.setText(QCoreApplication.translate("MainWindow", u"F&ull screen (wall display)", None))
#if QT_CONFIG(shortcut)
        self.actionFullScreen.setShortcut(QCoreApplication.translate("MainWindow", u"F11", None))
#endif // QT_CONFIG(shortcut)
        self.actionShortcuts.setText(QCoreApplication.translate("MainWindow", u"&Keyboard shortcuts", None))
#if QT_CONFIG(shortcut)
        self.actionShortcuts.setShortcut(QCoreApplication.translate("MainWindow", u"F1", None))
#endif // QT_CONFIG(shortcut)
        self.actionAbout.setText(QCoreApplication.translate("MainWindow", u"&About rentaldesk", None))
        self.appTitle.setText(QCoreApplication.translate("MainWindow", u"rentaldesk", None))
        self.appSubtitle.setText(QCoreApplication.translate("MainWindow", u"Rental counter", None))
#if QT_CONFIG(tooltip)
        self.navBooking.setToolTip(QCoreApplication.translate("MainWindow", u"New reservation (Ctrl+1)", None))
#endif // QT_CONFIG(tooltip)
        self.navBooking.setText(QCoreApplication.translate("MainWindow", u"New reservation", None))
#if QT_CONFIG(tooltip)
        self.navReservations.setToolTip(QCoreApplication.translate("MainWindow", u"Reservations (Ctrl+2)", None))
#endif // QT_CONFIG(tooltip)
        self.navReservations.setText(QCoreApplication.translate("MainWindow", u"Reservations", None))
#if QT_CONFIG(tooltip)
        self.navFleet.setToolTip(QCoreApplication.translate("MainWindow", u"Fleet (Ctrl+3)", None))
#endif // QT_CONFIG(tooltip)
        self.navFleet.setText(QCoreApplication.translate("MainWindow", u"Fleet", None))
#if QT_CONFIG(tooltip)
        self.navDrivers.setToolTip(QCoreApplication.translate("MainWindow", u"Drivers (Ctrl+4)", None))
#endif // QT_CONFIG(tooltip)
        self.navDrivers.setText(QCoreApplication.translate("MainWindow", u"Drivers", None))
#if QT_CONFIG(tooltip)
        self.navBoard.setToolTip(QCoreApplication.translate("MainWindow", u"Fleet board for managers (Ctrl+5)", None))
#endif // QT_CONFIG(tooltip)
        self.navBoard.setText(QCoreApplication.translate("MainWindow", u"Fleet board", None))
        self.counterLabel.setText(QCoreApplication.translate("MainWindow", u"Counter at", None))
#if QT_CONFIG(tooltip)
        self.counterBranch.setToolTip(QCoreApplication.translate("MainWindow", u"The branch this counter works at: its day and time zone for today's list", None))
#endif // QT_CONFIG(tooltip)
        self.clockLabel.setText("")
        self.menuDesk.setTitle(QCoreApplication.translate("MainWindow", u"&Desk", None))
        self.menuView.setTitle(QCoreApplication.translate("MainWindow", u"&View", None))
        self.menuHelp.setTitle(QCoreApplication.translate("MainWindow", u"&Help", None))
    # retranslateUi

