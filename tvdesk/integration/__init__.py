"""Make tvdesk the program that opens tel: and callto: links (`tvdesk integrate ...`).

    integ = integration_for_platform(sys.platform, command=launcher_command(),
                                     environ=os.environ, home=Path.home())
    integ.status() / integ.install() / integ.remove()  -> IntegrationReport

Per user on every platform; no administrator rights, no Qt.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from tvdesk.integration.common import (
    SCHEMES,
    Integration,
    IntegrationReport,
    launcher_command,
)

__all__ = ["SCHEMES", "Integration", "IntegrationReport", "integration_for_platform",
           "launcher_command"]


def integration_for_platform(platform: str, *, command: list[str] | None = None,
                             environ: Mapping[str, str] | None = None,
                             home: Path | None = None) -> Integration:
    """The integration for `platform` (a `sys.platform` value); XDG for every other Unix."""
    command = launcher_command(platform=platform) if command is None else list(command)
    if platform == "win32":
        from tvdesk.integration.windows import WindowsIntegration

        return WindowsIntegration(command)
    if platform == "darwin":
        from tvdesk.integration.macos import MacIntegration

        return MacIntegration(command)
    from tvdesk.integration.linux import LinuxIntegration

    return LinuxIntegration(command, os.environ if environ is None else environ,
                            Path.home() if home is None else Path(home))
