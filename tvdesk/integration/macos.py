"""tel:/callto: links on macOS come from the app bundle, not from a command.

Launch Services reads CFBundleURLTypes from tvdesk.app's Info.plist when the bundle is
in /Applications (or ~/Applications); the person then picks the calling app among
those that declare `tel`. Links arrive as Apple Events (a QFileOpenEvent in Qt), not on
the command line. So `install`/`remove` only explain, and `status` cannot tell for sure
without asking Launch Services, which this Qt-free code does not do.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tvdesk.core.i18n import _
from tvdesk.integration.common import APP_ID, SCHEMES, IntegrationReport

BUNDLE_IDENTIFIER = "br.com.tvdesk"
MICROPHONE_USAGE = ("tvdesk uses the microphone for your calls through the "
                    "TotalVoice / Zenvia Voice webphone.")


def macos_info_plist() -> dict[str, Any]:
    """The Info.plist of tvdesk.app, as committed in packaging/macos/Info.plist.

    No version keys: the build adds CFBundleVersion/CFBundleShortVersionString from
    tvdesk.__version__, so this file does not change with every release.
    """
    return {
        "CFBundleDevelopmentRegion": "en",
        "CFBundleDisplayName": APP_ID,
        "CFBundleExecutable": APP_ID,
        "CFBundleIdentifier": BUNDLE_IDENTIFIER,
        "CFBundleInfoDictionaryVersion": "6.0",
        "CFBundleName": APP_ID,
        "CFBundlePackageType": "APPL",
        "CFBundleURLTypes": [
            {
                "CFBundleTypeRole": "Viewer",
                "CFBundleURLName": f"{BUNDLE_IDENTIFIER}.phone-link",
                "CFBundleURLSchemes": list(SCHEMES),
            },
        ],
        "LSApplicationCategoryType": "public.app-category.business",
        "LSMinimumSystemVersion": "11.0",
        "NSHighResolutionCapable": True,
        "NSMicrophoneUsageDescription": MICROPHONE_USAGE,
    }


def running_bundle(executable: str | None = None) -> Path | None:
    """The .app this interpreter runs from, when it is a bundled tvdesk."""
    path = Path(sys.executable if executable is None else executable)
    for parent in path.parents:
        if parent.suffix == ".app":
            return parent
    return None


class MacIntegration:
    def __init__(self, command: list[str], executable: str | None = None) -> None:
        self.command = list(command)
        self.bundle = running_bundle(executable)

    def _explain(self, report: IntegrationReport) -> IntegrationReport:
        report.handled = {scheme: False for scheme in SCHEMES}
        if self.bundle is not None:
            report.details.append(_("tvdesk runs from {bundle}; its Info.plist declares tel: "
                                    "and callto: links.", bundle=self.bundle))
        else:
            report.details.append(_("This tvdesk is not running from tvdesk.app, so macOS "
                                    "cannot send tel: and callto: links to it."))
        report.details.append(_("On macOS, tvdesk.app declares tel: and callto: in its "
                                "Info.plist; macOS registers it when the app is in "
                                "Applications. Choose tvdesk as the app for calls in "
                                "FaceTime > Settings > Default for calls."))
        report.details.append(_("tvdesk cannot tell from here whether macOS uses it for "
                                "these links."))
        return report

    def status(self) -> IntegrationReport:
        return self._explain(IntegrationReport())

    def install(self) -> IntegrationReport:
        report = IntegrationReport()
        report.details.append(_("Nothing to install on macOS: copy tvdesk.app to Applications."))
        return self._explain(report)

    def remove(self) -> IntegrationReport:
        report = IntegrationReport()
        report.details.append(_("Nothing to remove on macOS: move tvdesk.app to the Trash to "
                                "stop it handling links."))
        return self._explain(report)
