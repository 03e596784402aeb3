"""Baseline for cold start: the least a PySide6 tray program does.

QApplication + QSystemTrayIcon with an icon + show(); once the event loop runs, print
`SHOWN <epoch seconds>` and quit. Same interpreter, same Qt, same display as tvdesk.
"""

import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QSystemTrayIcon


def main() -> int:
    app = QApplication(sys.argv[:1])
    pixmap = QPixmap(32, 32)
    pixmap.fill(QColor("#1565c0"))
    tray = QSystemTrayIcon(QIcon(pixmap))
    tray.show()

    def shown() -> None:
        print(f"SHOWN {time.time():.6f} tray={QSystemTrayIcon.isSystemTrayAvailable()}",
              flush=True)
        QTimer.singleShot(200, app.quit)   # let the dock request reach the tray host

    QTimer.singleShot(0, shown)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
