"""The app's icons (SVG from resources/icons), with a drawn fallback."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap


def resources_dir() -> Path:
    bundled = getattr(sys, "_MEIPASS", None)  # PyInstaller one-folder builds
    if bundled:
        return Path(bundled) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


@cache
def app_icon(demo: bool = False) -> QIcon:
    name = "tvdesk-demo.svg" if demo else "tvdesk.svg"
    path = resources_dir() / "icons" / name
    icon = QIcon(str(path)) if path.exists() else QIcon()
    if icon.isNull():
        pixmap = QPixmap(64, 64)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor("#e8710a" if demo else "#0f9d58"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(2, 2, 60, 60, 14, 14)
        painter.end()
        icon = QIcon(pixmap)
    return icon
