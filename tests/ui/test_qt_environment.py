"""Environment decisions made before Qt starts."""

from tvdesk.ui.qt_environment import FAKE_MEDIA_FLAG, choose_display, prepare_qt_environment


def test_without_any_display_tvdesk_runs_offscreen():
    env = {}
    note, problem = choose_display(env)
    assert env["QT_QPA_PLATFORM"] == "offscreen"
    assert note and problem is None


def test_an_explicit_platform_is_respected():
    env = {"QT_QPA_PLATFORM": "xcb"}
    assert choose_display(env) == (None, None)
    assert env == {"QT_QPA_PLATFORM": "xcb"}


def test_simulated_microphone_can_be_forced_and_refused():
    env = {"TVDESK_FAKE_MICROPHONE": "1"}
    prepare_qt_environment(env)
    assert FAKE_MEDIA_FLAG in env["QTWEBENGINE_CHROMIUM_FLAGS"]
    env = {"TVDESK_FAKE_MICROPHONE": "0", "QTWEBENGINE_CHROMIUM_FLAGS": "--foo"}
    prepare_qt_environment(env)
    assert env["QTWEBENGINE_CHROMIUM_FLAGS"] == "--foo"


def test_chromium_console_chatter_is_quiet_unless_debugging():
    env = {"TVDESK_FAKE_MICROPHONE": "0"}
    prepare_qt_environment(env, quiet=True)
    assert "--log-level=3" in env["QTWEBENGINE_CHROMIUM_FLAGS"]
    env = {"TVDESK_FAKE_MICROPHONE": "0"}
    prepare_qt_environment(env, quiet=False)
    assert "--log-level" not in env.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
