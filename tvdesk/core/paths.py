"""Where tvdesk keeps its files.

Platform conventions via `platformdirs`; `--basedir DIR` or `TVDESK_HOME` moves
everything (config, data, logs, web profile) under one folder, which is how the
tests keep each run apart.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "tvdesk"


@dataclass(frozen=True)
class AppPaths:
    config_dir: Path
    data_dir: Path
    log_dir: Path
    web_profile_dir: Path

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "tvdesk.log"

    @property
    def instance_name(self) -> str:
        """Name of the local socket of the running instance; one per config dir and user.

        The folder's two zlib checksums (64 bits) tell config dirs apart; hashlib would do
        it too, but it loads OpenSSL, ~3 ms of start-up and some 6 MB the tray keeps."""
        folder = str(self.config_dir.resolve()).encode()
        digest = f"{zlib.crc32(folder):08x}{zlib.adler32(folder):08x}"
        user = os.environ.get("USER") or os.environ.get("USERNAME") or "user"
        return f"tvdesk-{user}-{digest}"

    def ensure(self) -> None:
        for folder in (self.config_dir, self.data_dir, self.log_dir, self.web_profile_dir):
            folder.mkdir(parents=True, exist_ok=True)


def resolve_paths(basedir: str | os.PathLike[str] | None = None) -> AppPaths:
    base = basedir or os.environ.get("TVDESK_HOME")
    if base:
        root = Path(base).expanduser().absolute()
        return AppPaths(root / "config", root / "data", root / "logs", root / "webprofile")
    data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return AppPaths(
        config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        data_dir=data,
        log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        web_profile_dir=data / "webprofile",
    )
