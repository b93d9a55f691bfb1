# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'import_report.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QDialog,
    QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel,
    QPushButton, QSizePolicy, QTableView, QVBoxLayout,
    QWidget)

class Ui_ImportReport(object):
    def setupUi(self, ImportReport):
        if not ImportReport.objectName():
            ImportReport.setObjectName(u"ImportReport")
        ImportReport.resize(900, 420)
        self.rootLayout = QVBoxLayout(ImportReport)
        self.rootLayout.setSpacing(10)
        self.rootLayout.setObjectName(u"rootLayout")
        self.rootLayout.setContentsMargins(20, 16, 20, 16)
        self.summaryLabel = QLabel(ImportReport)
        self.summaryLabel.setObjectName(u"summaryLabel")
        self.summaryLabel.setWordWrap(True)

        self.rootLayout.addWidget(self.summaryLabel)

        self.problemsView = QTableView(ImportReport)
        self.problemsView.setObjectName(u"problemsView")

        self.rootLayout.addWidget(self.problemsView)

        self.allowNewLayout = QHBoxLayout()
        self.allowNewLayout.setObjectName(u"allowNewLayout")
        self.allowNewCheck = QCheckBox(ImportReport)
        self.allowNewCheck.setObjectName(u"allowNewCheck")

        self.allowNewLayout.addWidget(self.allowNewCheck)

        self.importAgainButton = QPushButton(ImportReport)
        self.importAgainButton.setObjectName(u"importAgainButton")
        self.importAgainButton.setEnabled(False)
        self.importAgainButton.setAutoDefault(False)

        self.allowNewLayout.addWidget(self.importAgainButton)


        self.rootLayout.addLayout(self.allowNewLayout)

        self.buttons = QDialogButtonBox(ImportReport)
        self.buttons.setObjectName(u"buttons")
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)

        self.rootLayout.addWidget(self.buttons)


        self.retranslateUi(ImportReport)
        self.buttons.rejected.connect(ImportReport.accept)

        QMetaObject.connectSlotsByName(ImportReport)
    # setupUi

    def retranslateUi(self, ImportReport):
        ImportReport.setWindowTitle(QCoreApplication.translate("ImportReport", u"Fleet import", None))
        self.summaryLabel.setProperty(u"role", QCoreApplication.translate("ImportReport", u"subtitle", None))
        self.allowNewCheck.setText(QCoreApplication.translate("ImportReport", u"&Allow the new classes and locations named above (they are not typos)", None))
        self.importAgainButton.setText(QCoreApplication.translate("ImportReport", u"&Import again", None))
    # retranslateUi

