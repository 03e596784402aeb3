"""The one browser profile tvdesk's webphones share: off the record.

A webphone URL carries its credentials (`key`, `signature`), and Chromium's disk cache
would keep that URL and the page's body; cookies and local storage would stay too.
Nothing of a webphone needs to outlive the app (the URL is one-time and signed, and
neither the sandbox page nor the documented TotalVoice page relies on stored state), so
the profile keeps everything in memory and writes nothing to disk.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWebEngineCore import QWebEngineDownloadRequest, QWebEngineProfile

from tvdesk import __version__

log = logging.getLogger("tvdesk.webphone")

# What versions before the off-the-record profile left in the web profile folder.
_OLD_STORAGE = ("storage", "cache")


def create_web_profile(storage_dir: Path | None = None,
                       parent: QObject | None = None) -> QWebEngineProfile:
    """An off-the-record profile; `storage_dir` is only cleared of an older version's files."""
    if storage_dir is not None:
        remove_old_storage(storage_dir)
    profile = QWebEngineProfile(parent)   # no storage name: off the record
    # Every permission request reaches WebphonePage's policy; nothing is remembered.
    profile.setPersistentPermissionsPolicy(
        QWebEngineProfile.PersistentPermissionsPolicy.AskEveryTime)
    profile.setHttpUserAgent(profile.httpUserAgent() + f" tvdesk/{__version__}")
    profile.downloadRequested.connect(_refuse_download)
    return profile


def remove_old_storage(storage_dir: Path) -> None:
    """Delete the disk cache and storage an older tvdesk kept (signed URLs included)."""
    for name in _OLD_STORAGE:
        folder = storage_dir / name
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
            log.info("removed the web profile's old %s folder", name)


def _refuse_download(download: QWebEngineDownloadRequest) -> None:
    # A webphone has nothing to download; a page that tries is not doing its job.
    log.warning("refused a download offered by a web page")
    download.cancel()
