"""The one browser profile tvdesk's webphones share, under the app's data dir."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWebEngineCore import QWebEngineDownloadRequest, QWebEngineProfile

from tvdesk import __version__

log = logging.getLogger("tvdesk.webphone")


def create_web_profile(storage_dir: Path, parent: QObject | None = None) -> QWebEngineProfile:
    storage_dir.mkdir(parents=True, exist_ok=True)
    profile = QWebEngineProfile("tvdesk", parent)
    profile.setPersistentStoragePath(str(storage_dir / "storage"))
    profile.setCachePath(str(storage_dir / "cache"))
    # Every permission request reaches WebphonePage's policy; nothing is remembered.
    profile.setPersistentPermissionsPolicy(
        QWebEngineProfile.PersistentPermissionsPolicy.AskEveryTime)
    profile.setHttpUserAgent(profile.httpUserAgent() + f" tvdesk/{__version__}")
    profile.downloadRequested.connect(_refuse_download)
    return profile


def _refuse_download(download: QWebEngineDownloadRequest) -> None:
    # A webphone has nothing to download; a page that tries is not doing its job.
    log.warning("refused a download offered by a web page")
    download.cancel()
