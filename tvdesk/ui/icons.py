"""The app's icons (SVG package data in tvdesk/resources/icons), with a drawn fallback."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from tvdesk.resources import resources_root


def resources_dir() -> Path:
    """The folder holding icons/: package data, so in an editable install, a wheel and the
    PyInstaller bundle alike (a copy of the repository's resources/icons)."""
    return resources_root()


@cache
def app_icon(demo: bool = False) -> QIcon:
    name = "tvdesk-demo.svg" if demo else "tvdesk.svg"
    path = resources_dir() / "icons" / name
    icon = QIcon(str(path)) if path.exists() else QIcon()
    if icon.isNull():
        from PySide6.QtCore import Qt  # creating Qt's enums costs start-up ~20 ms

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


STATUS_COLOURS = {
    "connected": "#2e7d32",
    "connecting": "#f9a825",
    "in_call": "#1565c0",
    "disconnected": "#9e9e9e",
    "error": "#c62828",
    "dnd": "#6a1b9a",
}


@cache
def status_icon(demo: bool, status: str) -> QIcon:
    """The app icon with a badge for the background phones' state (or DND).

    SVG files (crisp at any size; the white outlines read on light and dark panels) for
    the account; the demo's orange icon gets the same badge painted on.
    """
    colour = STATUS_COLOURS.get(status)
    if colour is None:
        return app_icon(demo)
    svg = resources_dir() / "icons" / f"tvdesk-{status.replace('_', '-')}.svg"
    if not demo and svg.exists():
        return QIcon(str(svg))
    pixmap = app_icon(demo).pixmap(64, 64)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("#ffffff"))   # a white ring keeps the badge readable on any panel
    painter.setBrush(QColor(colour))
    painter.drawEllipse(36, 36, 26, 26)
    if status == "dnd":
        painter.fillRect(42, 47, 14, 4, QColor("#ffffff"))
    painter.end()
    return QIcon(pixmap)
