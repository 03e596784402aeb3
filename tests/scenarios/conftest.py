""""A day in the life": the real tvdesk process on a real X server, driven like a person.

One private X session per test run (Xvfb + openbox + trayer, tests/support/xserver.py);
one app process and one sandbox API per test. The helpers here do what a person does
(answer a confirmation with the keyboard, click a button, read window titles) and
read what the app says it told them (its --debug log: "told the person: ...").
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from support.app_process import AppProcess, tvdesk_cli
from support.xserver import XSession, XSessionError, missing_programs, wait_until

TESTS_DIR = Path(__file__).resolve().parents[1]
CONFIRM_TITLE = "Confirm call — tvdesk"
INCOMING_TITLE = "Incoming call — tvdesk"
MAIN_TITLE = "tvdesk"
DEMO_MAIN_TITLE = "tvdesk — demo (sandbox)"
# Things that must never reach a person or a script.
NEVER_SAID = ("internal error", "Traceback", "unexpected error")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "scenario: the real app on a real X server (Xvfb, openbox, trayer), "
                   "driven with xdotool")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so a fixture can see that a test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _unavailable(reason: str):
    """No X session here: a failure on CI (a green CI means these ran), else a skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"scenario tests cannot run on CI: {reason}", pytrace=False)
    pytest.skip(reason)


def require_programs(*programs: str) -> None:
    """Some scenarios need more X tools than the session (xclip, say): fail on CI, else skip."""
    missing = missing_programs(*programs)
    if missing:
        _unavailable("needs " + ", ".join(missing))


def _missing_xcb_library() -> str:
    """The system library Qt's X11 plugin lacks, asked the app's way in a child process
    (loading the plugin here would put it into the test process's own Qt)."""
    script = ("from tvdesk.ui.qt_environment import choose_display\n"
              "print(choose_display({'DISPLAY': ':0'})[1] or '')\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60)
    return result.stdout.strip() if result.returncode == 0 else f"(check failed: {result.stderr})"


@pytest.fixture(scope="session")
def x_session(tmp_path_factory):
    missing = missing_programs()
    if missing:
        _unavailable("needs " + ", ".join(missing))
    missing_library = _missing_xcb_library()
    if missing_library:
        _unavailable(f"Qt's X11 plugin cannot load: {missing_library} is missing (Debian "
                     "packages libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 "
                     "libxcb-render-util0 libxkbcommon-x11-0)")
    session = XSession(log_dir=tmp_path_factory.mktemp("xsession"))
    try:
        session.start()
    except XSessionError as error:
        _unavailable(f"the X session did not start: {error}")
    yield session
    session.stop()


# --- the app and the API ---------------------------------------------------------------

@dataclass
class Pending:
    """A `tvdesk ...` command still running (it waits for the person's answer)."""

    args: tuple[str, ...]
    process: subprocess.Popen
    result: subprocess.CompletedProcess | None = None

    def done(self) -> bool:
        return self.process.poll() is not None

    def wait(self, timeout: float = 60) -> subprocess.CompletedProcess:
        if self.result is None:
            try:
                out, err = self.process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                out, err = self.process.communicate()
                raise AssertionError(f"tvdesk {' '.join(self.args)} did not finish in "
                                     f"{timeout}s; stdout={out!r} stderr={err!r}") from None
            self.result = subprocess.CompletedProcess(self.process.args, self.process.returncode,
                                                      out, err)
        return self.result


@dataclass
class Desk:
    """One running tvdesk, its sandbox API, and the X session it shows its windows on."""

    x: XSession
    sandbox: object
    home: Path
    env: dict[str, str]
    app: AppProcess | None = None
    commands: list[Pending] = field(default_factory=list)

    # --- starting and stopping --------------------------------------------------------

    def start(self, *args: str, api_base: bool = True, minimized: bool = True) -> Desk:
        """Start tvdesk: by default on the sandbox named with --api-base, in the tray only.
        `api_base=False`: the address comes from settings.json (or, without a token, the
        app starts in demo mode); `minimized=False`: the main window shows at once."""
        options = (["--api-base", self.sandbox.base_url] if api_base else []) + \
            (["--minimized"] if minimized else [])
        self.app = AppProcess(self.home, self.env, [*options, *args])
        self.app.wait_for_log("tvdesk ready", timeout=60)
        return self

    def write_settings(self, **settings) -> None:
        """A settings.json as a person's earlier session left it (before `start`)."""
        (self.home / "config").mkdir(parents=True, exist_ok=True)
        (self.home / "config" / "settings.json").write_text(json.dumps({"version": 1, **settings}))

    def settings(self) -> dict:
        return json.loads((self.home / "config" / "settings.json").read_text())

    def wait_for_extensions(self, ramals=("4000", "4001", "4002"), timeout: float = 30) -> None:
        """The account's extensions are imported (and saved) once the app is up."""
        settings = self.home / "config" / "settings.json"

        def imported() -> bool:
            try:
                found = {e["ramal"] for e in json.loads(settings.read_text())["extensions"]}
            except (OSError, ValueError, KeyError, TypeError):
                return False
            return set(ramals) <= found

        assert wait_until(imported, timeout), f"extensions {ramals} not imported:\n{self.log()[-3000:]}"

    def quit(self) -> None:
        if self.app is None or not self.app.alive():
            return
        result = tvdesk_cli(self.home, self.env, "quit", timeout=30)
        assert result.returncode == 0, result.stderr
        try:
            self.app.process.wait(30)
        except subprocess.TimeoutExpired:
            pass

    # --- commands a person (or a CRM) runs --------------------------------------------

    def run(self, *args: str) -> Pending:
        """`tvdesk --basedir HOME ARGS...` in the background: dials wait for the person."""
        process = subprocess.Popen(
            [sys.executable, "-m", "tvdesk", "--basedir", str(self.home), *args],
            env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        pending = Pending(args, process)
        self.commands.append(pending)
        return pending

    def dial(self, number: str, *options: str) -> Pending:
        return self.run("dial", number, *options)

    def link(self, uri: str) -> Pending:
        """What the desktop runs when a tel:/callto: link is clicked: a second start."""
        return self.run(uri)

    # --- what the person sees ---------------------------------------------------------

    def log(self) -> str:
        return self.app.output() if self.app is not None else ""

    def mark(self) -> int:
        """A point in the log; `since(mark)` is what was logged after it."""
        return len(self.log())

    def since(self, mark: int) -> str:
        return self.log()[mark:]

    def wait_for_log(self, text: str, after: int = 0, timeout: float = 30) -> None:
        def seen() -> bool:
            if self.app is not None and not self.app.alive():
                raise AssertionError(f"tvdesk exited ({self.app.process.returncode}) before "
                                     f"logging {text!r}:\n{self.log()[-3000:]}")
            return text in self.since(after)

        if not wait_until(seen, timeout):
            raise AssertionError(f"tvdesk did not log {text!r} in {timeout}s:\n"
                                 f"{self.since(after)[-3000:]}")

    def told(self, after: int = 0) -> list[str]:
        """Every message shown to the person since `after`, errors marked "(error) "."""
        return [("(error) " if m.group(1) else "") + m.group(2)
                for m in re.finditer(r"told the person( \(error\))?: (.*)", self.since(after))]

    def windows(self, prefix: str) -> dict[str, str]:
        """Visible windows whose title starts with `prefix`: {window id: title}."""
        found = {}
        for window in self.x.search("^" + re.escape(prefix)):
            title = self.x.window_name(window)
            if title is not None and title.startswith(prefix):
                found[window] = title
        return found

    def confirmations(self) -> list[str]:
        return [w for w, title in self.windows("Confirm call").items() if title == CONFIRM_TITLE]

    def wait_for_new_confirmation(self, known=(), timeout: float = 30) -> str:
        """The id of a confirmation dialog that is not among `known`."""
        def new() -> str | None:
            if self.app is not None and not self.app.alive():
                raise AssertionError(f"tvdesk exited:\n{self.log()[-3000:]}")
            fresh = [w for w in self.confirmations() if w not in known]
            return fresh[0] if fresh else None

        window = wait_until(new, timeout)
        assert window, (f"no new '{CONFIRM_TITLE}' window in {timeout}s; windows: "
                        f"{self.windows('')}\n{self.log()[-3000:]}")
        return window

    def activate(self, window: str) -> None:
        """Bring `window` to the front with the keyboard, as a person clicking it would."""
        self.x.xdotool("windowactivate", "--sync", window)
        assert wait_until(lambda: self.x.active_window() == window, 10), \
            f"window {window} did not become active (active: {self.x.active_window()})"

    def press(self, window: str, key: str) -> None:
        """Bring `window` to the front, as a person clicking it would, then press `key`."""
        self.activate(window)
        self.x.xdotool("key", "--clearmodifiers", key)

    def keys(self, *keys: str) -> None:
        """Press `keys` one after the other, wherever the keyboard is now."""
        self.x.xdotool("key", "--clearmodifiers", *keys)

    def type(self, text: str) -> None:
        """Type `text` wherever the keyboard is now."""
        self.x.xdotool("type", "--clearmodifiers", "--delay", "15", text)

    def wait_for_window(self, title: str, timeout: float = 20) -> str:
        """The one visible window titled exactly `title` (waited for)."""
        def found() -> str | None:
            if self.app is not None and not self.app.alive():
                raise AssertionError(f"tvdesk exited:\n{self.log()[-3000:]}")
            matches = [w for w, t in self.windows(title).items() if t == title]
            return matches[0] if len(matches) == 1 else None

        window = wait_until(found, timeout)
        assert window, f"no window {title!r} in {timeout}s; windows: {self.windows('')}"
        return window

    def wait_for_window_gone(self, window: str, timeout: float = 10) -> None:
        assert wait_until(lambda: window not in self.x.search("."), timeout), \
            f"window {window} ({self.x.window_name(window)!r}) is still there"

    # --- the tray icon and the main window --------------------------------------------

    def tray_icon(self, timeout: float = 15) -> str:
        """tvdesk's icon, docked in trayer."""
        icons = wait_until(lambda: self.x.tray_icons("tvdesk"), timeout)
        assert icons and len(icons) == 1, f"tvdesk's tray icon: {icons}\n{self.log()[-3000:]}"
        return icons[0]

    def click_tray_icon(self, button: int = 1) -> None:
        icon = self.tray_icon()
        _x, _y, width, height = self.x.window_geometry(icon)
        self.x.xdotool("mousemove", "--window", icon, str(width // 2), str(height // 2),
                       "click", str(button))

    def tray_menus(self) -> list[str]:
        return [w for w in self.x.windows_of_class("tvdesk")
                if self.x.window_type(w) in ("popup_menu", "dropdown_menu")]

    def choose_in_tray_menu(self, *keys: str) -> None:
        """Right-click the tray icon, then walk its menu with `keys` (the last one picks
        the entry); the menu must close."""
        for _attempt in range(3):
            # Right after a menu closed, a right click may go unanswered: click again,
            # as a person would.
            self.click_tray_icon(button=3)
            if wait_until(self.tray_menus, 3):
                break
        assert self.tray_menus(), f"no tray menu after a right click; windows: {self.windows('')}"
        # The menu takes the keyboard (an X grab) as it maps; give that a moment.
        time.sleep(0.2)
        self.keys(*keys)
        assert wait_until(lambda: not self.tray_menus(), 10), \
            f"the tray menu stayed open after {keys}"

    def main_window(self) -> str | None:
        """The visible main window (titled "tvdesk", or the demo's title), if any."""
        icons = set(self.x.tray_icons("tvdesk"))
        for window in self.x.windows_of_class("tvdesk"):
            if window not in icons and self.x.window_name(window) in (MAIN_TITLE, DEMO_MAIN_TITLE) \
                    and self.x.window_type(window) == "normal":
                return window
        return None

    def wait_for_main_window(self, timeout: float = 20) -> str:
        window = wait_until(self.main_window, timeout)
        assert window, f"the main window is not visible; windows: {self.windows('')}"
        return window

    # --- what the app keeps -----------------------------------------------------------

    def history(self, demo: bool = False) -> list[dict]:
        """The recent calls as saved in the data folder."""
        path = self.home / "data" / ("history-demo.json" if demo else "history.json")
        try:
            return json.loads(path.read_text())["calls"]
        except (OSError, ValueError, KeyError):
            return []

    def keyring(self) -> dict[str, str]:
        """What the test keyring (a JSON file) holds."""
        try:
            return json.loads(Path(self.env["TVDESK_TEST_KEYRING_FILE"]).read_text())
        except FileNotFoundError:
            return {}

    def answer(self, window: str, call: bool, key: str | None = None) -> None:
        """Answer a confirmation: Alt+C calls, Escape (or `key`) cancels; it must close."""
        self.press(window, key or ("alt+c" if call else "Escape"))
        assert wait_until(lambda: window not in self.confirmations(), 10), \
            f"the confirmation {window} stayed open after {key or ('alt+c' if call else 'Escape')}"

    def click(self, window: str, x: int, y: int) -> None:
        """A mouse click at (x, y) inside `window`, without giving it the keyboard first."""
        self.x.xdotool("mousemove", "--window", window, str(x), str(y), "click", "1")

    def watch_titles(self, prefix: str, until, timeout: float = 30) -> list[str]:
        """Every distinct title of windows starting with `prefix`, until `until()` holds."""
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for title in self.windows(prefix).values():
                if title not in seen:
                    seen.append(title)
            if until():
                return seen
            time.sleep(0.05)
        raise AssertionError(f"gave up watching {prefix!r} after {timeout}s; saw {seen}\n"
                             f"{self.log()[-3000:]}")

    # --- what the API saw -------------------------------------------------------------

    def webphone_calls(self) -> list:
        return [r for r in self.sandbox.requests if r.path.rstrip("/") == "/webphone"]

    def dialled(self) -> list[tuple[str, str | None]]:
        """(ramal, ligar_para) of every /webphone request that dialled a number."""
        return [(r.query.get("ramal", [None])[0], r.query.get("ligar_para", [None])[0])
                for r in self.webphone_calls() if r.query.get("ligar_para")]

    # --- a call seen through to its end -----------------------------------------------

    @staticmethod
    def check_phone_titles(ramal: str, display: str, titles: list[str]) -> None:
        """Every title names the extension and the number; some say the call is going."""
        assert titles, f"no window for extension {ramal} was ever visible"
        expected = re.compile(rf"Extension {ramal} → {re.escape(display)}"
                              r"( · (ready|calling…|in call|call ended))? — tvdesk")
        assert all(expected.fullmatch(t) for t in titles), titles
        assert any(t.endswith((" · calling… — tvdesk", " · in call — tvdesk")) for t in titles), \
            titles

    def wait_for_call_state(self, ramal: str, state: str, timeout: float = 30) -> list[str]:
        """Titles of the phone window of `ramal` seen until one shows `state` ("in call")."""
        def showing() -> bool:
            return any(t.endswith(f" · {state} — tvdesk")
                       for t in self.windows(f"Extension {ramal} ").values())

        return self.watch_titles(f"Extension {ramal} ", showing, timeout)

    def wait_for_phone_window_closed(self, ramal: str, after: int, timeout: float = 40) -> None:
        """The call's window closed itself (end of call) and the person was told."""
        self.wait_for_log(f"phone window for {ramal} closed", after=after, timeout=timeout)
        assert wait_until(lambda: not self.windows(f"Extension {ramal} "), 10), \
            f"the phone window of {ramal} is still there: {self.windows('Extension')}"
        self.wait_for_log(f"told the person: The webphone of extension {ramal} was closed.",
                          after=after)

    def follow_floating_call(self, ramal: str, display: str, after: int,
                             timeout: float = 40) -> list[str]:
        """A started floating call: its window shows extension, number and state, and
        closes itself once the sandbox hangs up. Returns the titles seen."""
        closed = f"phone window for {ramal} closed"
        titles = self.watch_titles(f"Extension {ramal} ", lambda: closed in self.since(after),
                                   timeout)
        self.wait_for_phone_window_closed(ramal, after)
        self.check_phone_titles(ramal, display, titles)
        return titles

    def assert_nothing_unexpected(self) -> None:
        """No "internal error" (or traceback) in the log or any command's output."""
        texts = {"the app's --debug output": self.log()}
        log_file = self.home / "logs" / "tvdesk.log"
        if log_file.exists():
            texts["logs/tvdesk.log"] = log_file.read_text(errors="replace")
        for pending in self.commands:
            if pending.result is not None:
                texts[f"tvdesk {' '.join(pending.args)}"] = pending.result.stdout + pending.result.stderr
        for where, text in texts.items():
            for phrase in NEVER_SAID:
                assert phrase.lower() not in text.lower(), f"{phrase!r} in {where}:\n{text[-3000:]}"


@pytest.fixture
def make_desk(x_session, make_sandbox, tmp_path, request):
    """Factory: `make_desk(**SandboxConfig fields)`, a tvdesk not yet started, with its API."""
    desks: list[Desk] = []

    def factory(**sandbox_config) -> Desk:
        sandbox_config.setdefault("answer_after", 0.3)
        sandbox_config.setdefault("hangup_after", 1.0)
        sandbox = make_sandbox(**sandbox_config)
        home = tmp_path / f"home{len(desks)}"
        env = dict(x_session.env)
        env.update({
            "TVDESK_LANG": "en",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS_DIR), env.get("PYTHONPATH")])),
            "PYTHON_KEYRING_BACKEND": "support.memory_keyring.FileKeyring",
            "TVDESK_TEST_KEYRING_FILE": str(tmp_path / f"keyring{len(desks)}.json"),
            "TVDESK_SANDBOX_ANSWER_AFTER": str(sandbox_config["answer_after"]),
            "TVDESK_SANDBOX_HANGUP_AFTER": str(sandbox_config["hangup_after"]),
            "TVDESK_TOKEN": sandbox.token,
        })
        for name in ("TVDESK_API_BASE", "TVDESK_HOME"):
            env.pop(name, None)
        desk = Desk(x_session, sandbox, home, env)
        desks.append(desk)
        return desk

    yield factory
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        # What was on the screen when it went wrong, next to the app's logs.
        shot = x_session.screenshot(tmp_path / "screen-at-failure.png")
        print(f"scenario failed: screenshot {shot}, app output in {tmp_path}/home*/stderr-*.txt")
    for desk in desks:
        for pending in desk.commands:
            if not pending.done():
                pending.process.kill()
                pending.process.communicate()
        try:
            desk.quit()
        finally:
            if desk.app is not None:
                desk.app.stop()


@pytest.fixture
def clipboard(x_session):
    """`clipboard(text)` copies `text` to the X clipboard, as a person does (needs xclip)."""
    require_programs("xclip")
    return x_session.set_clipboard


@pytest.fixture
def desk(make_desk) -> Desk:
    """A running tvdesk (in the tray) with the sandbox account's extensions imported."""
    desk = make_desk().start()
    desk.wait_for_extensions()
    return desk
