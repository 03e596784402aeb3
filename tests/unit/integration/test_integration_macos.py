"""macOS: the committed Info.plist is the generated one; install/status only explain."""

from __future__ import annotations

import plistlib
from pathlib import Path

from tvdesk.integration import integration_for_platform
from tvdesk.integration.macos import MacIntegration, macos_info_plist, running_bundle

REPO = Path(__file__).resolve().parents[3]
COMMITTED_PLIST = REPO / "packaging" / "macos" / "Info.plist"


def test_the_committed_plist_is_the_generated_one():
    with COMMITTED_PLIST.open("rb") as handle:
        committed = plistlib.load(handle)
    assert committed == macos_info_plist()
    # and it is the XML flavour, byte for byte what plistlib writes
    assert COMMITTED_PLIST.read_bytes() == plistlib.dumps(macos_info_plist(), sort_keys=True)


def test_the_plist_declares_the_schemes_and_the_microphone():
    plist = macos_info_plist()
    assert plist["CFBundleIdentifier"] == "br.com.tvdesk"
    assert plist["CFBundleName"] == "tvdesk"
    assert plist["CFBundleExecutable"] == "tvdesk"
    assert plist["CFBundlePackageType"] == "APPL"
    assert plist["LSApplicationCategoryType"] == "public.app-category.business"
    (url_type,) = plist["CFBundleURLTypes"]
    assert url_type["CFBundleURLName"]
    assert url_type["CFBundleURLSchemes"] == ["tel", "callto"]
    microphone = plist["NSMicrophoneUsageDescription"]
    assert "microphone" in microphone and microphone.isascii()


def test_status_install_and_remove_only_explain(tmp_path):
    integration = MacIntegration(["/Applications/tvdesk.app/Contents/MacOS/tvdesk"],
                                 executable="/Applications/tvdesk.app/Contents/MacOS/tvdesk")
    for report in (integration.status(), integration.install(), integration.remove()):
        assert report.handled == {"tel": False, "callto": False}
        assert any("Info.plist" in line for line in report.details)
        assert any("/Applications/tvdesk.app" in line for line in report.details)
    assert list(tmp_path.iterdir()) == []


def test_the_running_bundle():
    assert running_bundle("/Applications/tvdesk.app/Contents/MacOS/tvdesk") == \
        Path("/Applications/tvdesk.app")
    assert running_bundle("/usr/local/bin/python3") is None
    report = MacIntegration(["python3"], executable="/usr/local/bin/python3").status()
    assert any("not running from tvdesk.app" in line for line in report.details)


def test_integration_for_macos():
    assert isinstance(integration_for_platform("darwin", command=["tvdesk"]), MacIntegration)
