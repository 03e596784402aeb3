"""A diagnostics report for support: versions, paths, settings in outline, the log's
tail; with every secret masked (the token, webphone keys and signatures)."""

from __future__ import annotations

import platform
import sys
from collections.abc import Iterable
from pathlib import Path

from tvdesk import __version__
from tvdesk.core.paths import AppPaths
from tvdesk.core.redact import redact
from tvdesk.core.settings import Settings

LOG_LINES = 60


def tail(path: Path, lines: int = LOG_LINES) -> list[str]:
    try:
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            return handle.read().splitlines()[-lines:]
    except OSError:
        return []


def build_report(paths: AppPaths, settings: Settings, *, api_base: str, demo: bool,
                 token_source: str | None, keyring_backend: str,
                 extra: Iterable[tuple[str, str]] = ()) -> str:
    """Plain text, safe to paste into a support ticket."""
    lines = [
        f"tvdesk {__version__}",
        f"Python {platform.python_version()} on {platform.platform()}",
        f"executable: {sys.executable}" + (" (bundled)" if getattr(sys, "frozen", False) else ""),
        "",
        f"API: {api_base}" + (" (demo sandbox)" if demo else ""),
        # Labels avoid "...token:" and "...key:": redact() masks whatever follows those.
        f"Access-Token status: {'set, from ' + token_source if token_source else 'not set'}",
        f"keyring backend: {keyring_backend}",
        "",
        f"settings: {paths.settings_file}",
        f"data: {paths.data_dir}",
        f"logs: {paths.log_file}",
        f"web profile: {paths.web_profile_dir}",
        "",
        f"extensions: {', '.join(f'{e.ramal} ({e.tipo})' for e in settings.extensions) or '-'}",
        f"default extension: {settings.default_ramal or '-'}",
        f"fechar_fim: {settings.fechar_fim}; region: {settings.region}; "
        f"confirm outside dials: {settings.confirm_external_dials}",
        f"favourites: {len(settings.favourites)}; history limit: {settings.history_limit}",
        f"global shortcut: {settings.hotkey if settings.hotkey_enabled else 'off'}; "
        f"do not disturb: {settings.do_not_disturb} ({settings.dnd_action})",
    ]
    lines += [f"{name}: {value}" for name, value in extra]
    lines += ["", f"--- last {LOG_LINES} log lines ---", *tail(paths.log_file)]
    return redact("\n".join(lines)) + "\n"
