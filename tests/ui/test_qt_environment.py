"""Environment decisions made before Qt starts."""

from tvdesk.ui.qt_environment import (
    FAKE_MEDIA_FLAG,
    NO_THROTTLING_FLAGS,
    choose_display,
    prepare_qt_environment,
)


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
    assert env["QTWEBENGINE_CHROMIUM_FLAGS"].split()[0] == "--foo"
    assert FAKE_MEDIA_FLAG not in env["QTWEBENGINE_CHROMIUM_FLAGS"]


def test_chromium_console_chatter_is_quiet_unless_debugging():
    env = {"TVDESK_FAKE_MICROPHONE": "0"}
    prepare_qt_environment(env, quiet=True)
    assert "--log-level=3" in env["QTWEBENGINE_CHROMIUM_FLAGS"]
    env = {"TVDESK_FAKE_MICROPHONE": "0"}
    prepare_qt_environment(env, quiet=False)
    assert "--log-level" not in env.get("QTWEBENGINE_CHROMIUM_FLAGS", "")


def test_background_pages_are_not_throttled():
    env = {"TVDESK_FAKE_MICROPHONE": "0"}
    prepare_qt_environment(env)
    flags = env["QTWEBENGINE_CHROMIUM_FLAGS"].split()
    for flag in NO_THROTTLING_FLAGS:
        assert flag in flags
    assert "--disable-features=IntensiveWakeUpThrottling" in flags


def test_the_persons_chromium_flags_are_kept_and_ours_appended_once():
    env = {"TVDESK_FAKE_MICROPHONE": "1",
           "QTWEBENGINE_CHROMIUM_FLAGS": "--use-fake-device-for-media-stream --disable-features=Foo,Bar"}
    prepare_qt_environment(env)
    prepare_qt_environment(env)   # a second time adds nothing
    flags = env["QTWEBENGINE_CHROMIUM_FLAGS"].split()
    assert flags[0] == FAKE_MEDIA_FLAG and flags.count(FAKE_MEDIA_FLAG) == 1
    # Chromium reads a single --disable-features: the person's list, with ours added.
    assert [f for f in flags if f.startswith("--disable-features")] == \
        ["--disable-features=Foo,Bar,IntensiveWakeUpThrottling"]
    for flag in NO_THROTTLING_FLAGS:
        assert flags.count(flag) == 1


def test_a_throttling_feature_the_person_names_is_left_as_they_set_it():
    env = {"TVDESK_FAKE_MICROPHONE": "0", "QTWEBENGINE_CHROMIUM_FLAGS":
           "--enable-features=IntensiveWakeUpThrottling:grace_period_seconds/10"}
    prepare_qt_environment(env)
    flags = env["QTWEBENGINE_CHROMIUM_FLAGS"].split()
    assert flags[0] == "--enable-features=IntensiveWakeUpThrottling:grace_period_seconds/10"
    assert not any(f.startswith("--disable-features") for f in flags)
    # The switches still keep background pages awake (measured: no throttling at all).
    for flag in NO_THROTTLING_FLAGS:
        assert flag in flags


def test_a_sound_server_counts_as_a_microphone_without_a_sound_card(tmp_path):
    import glob

    import pytest

    if glob.glob("/dev/snd/pcmC*D*c"):
        pytest.skip("this machine has a sound card: the fake microphone is never chosen")
    env = {"XDG_RUNTIME_DIR": str(tmp_path)}
    prepare_qt_environment(env)                              # no server: simulated microphone
    assert FAKE_MEDIA_FLAG in env["QTWEBENGINE_CHROMIUM_FLAGS"]
    (tmp_path / "pulse").mkdir()
    (tmp_path / "pulse" / "native").touch()                  # PulseAudio (or PipeWire's) socket
    env = {"XDG_RUNTIME_DIR": str(tmp_path)}
    prepare_qt_environment(env)
    assert FAKE_MEDIA_FLAG not in env["QTWEBENGINE_CHROMIUM_FLAGS"]
    env = {"PULSE_SERVER": "unix:/run/somewhere/native"}
    prepare_qt_environment(env)
    assert FAKE_MEDIA_FLAG not in env["QTWEBENGINE_CHROMIUM_FLAGS"]
