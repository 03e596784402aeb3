"""Baseline for cold start: the least a PySide6 tray program does.

QApplication + QSystemTrayIcon with an icon + show(); once the event loop runs, print
`SHOWN <epoch seconds>` and quit. Same interpreter, same Qt, same display as tvdesk.
`--stay SECONDS`: quit that long after SHOWN instead (the memory baseline).
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
        stay = float(sys.argv[sys.argv.index("--stay") + 1]) if "--stay" in sys.argv else 0.2
        QTimer.singleShot(int(stay * 1000), app.quit)   # 0.2 s: the dock request arrives

    QTimer.singleShot(0, shown)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
