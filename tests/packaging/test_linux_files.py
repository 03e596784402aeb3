"""Linux desktop files: the .desktop entry and the AppStream metainfo validate."""

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import tvdesk

REPO = Path(__file__).resolve().parents[2]
LINUX = REPO / "packaging" / "linux"
DESKTOP_FILE = LINUX / "tvdesk.desktop"
METAINFO_FILES = sorted(LINUX.glob("*.metainfo.xml"))
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian package {package})")
    return path


def test_the_desktop_file_validates():
    tool = _tool("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([tool, str(DESKTOP_FILE)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in (result.stdout + result.stderr).lower()


def test_the_metainfo_validates():
    tool = _tool("appstreamcli", "appstream")
    assert METAINFO_FILES
    result = subprocess.run([tool, "validate", "--no-net", *map(str, METAINFO_FILES)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_metainfo_describes_this_app():
    (path,) = METAINFO_FILES
    root = ET.parse(path).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    component_id = root.findtext("id")
    assert path.name == f"{component_id}.metainfo.xml"
    assert component_id == "br.com.tvdesk"  # the macOS bundle id too
    launchable = root.find("launchable")
    assert launchable.get("type") == "desktop-id"
    assert (LINUX / launchable.text).is_file()
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == "MIT"
    assert [b.text for b in root.findall("provides/binary")] == ["tvdesk"]
    assert [r.get("version") for r in root.findall("releases/release")] == [tvdesk.__version__]
    assert root.find("content_rating").get("type").startswith("oars-")
    categories = {c.text for c in root.findall("categories/category")}
    desktop_categories = next(line.split("=", 1)[1] for line in DESKTOP_FILE.read_text().splitlines()
                              if line.startswith("Categories="))
    assert categories == set(filter(None, desktop_categories.split(";")))
    for tag in ("summary", "description/p", "description/ul"):
        languages = {element.get(XML_LANG) for element in root.findall(tag)}
        assert languages == {None, "pt_BR"}, tag


def test_screenshots_if_any_are_https_urls():
    # AppStream wants public https images; resources/screenshot-demo.png is not one yet.
    (path,) = METAINFO_FILES
    for image in ET.parse(path).getroot().iter("image"):
        assert image.text.startswith("https://")
