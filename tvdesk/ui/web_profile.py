"""The one browser profile tvdesk's webphones share, under the app's data dir."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWebEngineCore import QWebEngineProfile

from tvdesk import __version__


def create_web_profile(storage_dir: Path, parent: QObject | None = None) -> QWebEngineProfile:
    storage_dir.mkdir(parents=True, exist_ok=True)
    profile = QWebEngineProfile("tvdesk", parent)
    profile.setPersistentStoragePath(str(storage_dir / "storage"))
    profile.setCachePath(str(storage_dir / "cache"))
    # Every permission request reaches WebphonePage's policy; nothing is remembered.
    profile.setPersistentPermissionsPolicy(
        QWebEngineProfile.PersistentPermissionsPolicy.AskEveryTime)
    profile.setHttpUserAgent(profile.httpUserAgent() + f" tvdesk/{__version__}")
    return profile
