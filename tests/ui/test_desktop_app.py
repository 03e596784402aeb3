"""The composed desktop app, in process, against the sandbox."""

import json
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from support.desktop import compose, dial

from tvdesk.core.account import Account
from tvdesk.core.paths import resolve_paths
from tvdesk.core.settings import SettingsStore
from tvdesk.core.token_store import TokenStore
from tvdesk.single_instance import InstanceServer


@pytest.fixture
def paths(tmp_path):
    paths = resolve_paths(tmp_path / "home")
    paths.ensure()
    return paths


def make_app(qapp, qtbot, paths, sandbox, token=None, use_tray=True):
    account = Account(api_base=sandbox.base_url, token=token or sandbox.token, demo=False,
                      settings_store=SettingsStore(paths.settings_file))
    app = compose(qapp, qtbot, paths, account, TokenStore(environ={}), use_tray=use_tray)
    return app


def test_extensions_are_imported_from_the_account_on_first_start(qapp, qtbot, paths, sandbox):
    app = make_app(qapp, qtbot, paths, sandbox)
    qtbot.waitUntil(lambda: app.main_window.extension_list.count() == 3, timeout=5000)
    saved = json.loads(paths.settings_file.read_text())
    assert [e["ramal"] for e in saved["extensions"]] == ["4000", "4001", "4002"]
    assert saved["default_ramal"] == "4000"
    tray_texts = [a.text() for a in app.tray.menu.actions()]
    assert any("4000" in text and "(default)" in text for text in tray_texts)
    app.shutdown.quit()


@pytest.mark.webengine
def test_dial_opens_the_webphone_and_it_closes_at_the_end_of_the_call(qapp, qtbot, paths, sandbox):
    app = make_app(qapp, qtbot, paths, sandbox)
    qtbot.waitUntil(lambda: app.main_window.extension_list.count() == 3, timeout=5000)
    qtbot.keyClicks(app.main_window.number_edit, "(48) 3283-0151")
    with qtbot.waitSignal(app.dialer.window_opened, timeout=10000) as opened:
        qtbot.mouseClick(app.main_window.call_button, Qt.MouseButton.LeftButton)
    window = opened.args[0]
    assert window.windowTitle().startswith("Extension 4000 → (48) 3283-0151")
    with qtbot.waitSignal(app.dialer.window_closed, timeout=20000):
        pass
    assert app.main_window.status_label.text() == "The webphone of extension 4000 was closed."
    webphone_requests = [r for r in sandbox.requests if r.path.rstrip("/") == "/webphone"]
    assert webphone_requests[-1].query["ligar_para"] == ["+554832830151"]
    assert webphone_requests[-1].query["fechar_fim"] == ["true"]
    assert app.dialer.windows == {}
    assert not app.shutdown.quitting                      # the app stays in the tray
    assert json.loads(paths.settings_file.read_text())["phone_window_geometry"]
    app.shutdown.quit()


def test_an_api_error_is_shown_in_plain_words(qapp, qtbot, paths, sandbox):
    app = make_app(qapp, qtbot, paths, sandbox, token="wrong-token-123456")
    app.main_window.show()
    qtbot.waitUntil(lambda: "Access-Token was refused" in app.main_window.status_label.text(),
                    timeout=5000)
    assert "wrong-token-123456" not in app.main_window.status_label.text()
    app.shutdown.quit()


def test_a_bad_number_is_refused_before_anything_is_sent(qapp, qtbot, paths, sandbox):
    app = make_app(qapp, qtbot, paths, sandbox)
    qtbot.waitUntil(lambda: app.main_window.extension_list.count() == 3, timeout=5000)
    before = len(sandbox.requests)
    assert not dial(app, app_request("4000", "12"))[0].started
    assert "too short" in app.main_window.status_label.text()
    assert len(sandbox.requests) == before
    app.shutdown.quit()


def app_request(ramal, number):
    from tvdesk.core.dialing import DialRequest
    return DialRequest(ramal=ramal, number=number)


def test_corrupt_settings_are_set_aside_and_the_person_is_told(qapp, qtbot, paths, sandbox):
    paths.settings_file.write_text("{not json")
    app = make_app(qapp, qtbot, paths, sandbox)
    qtbot.waitUntil(lambda: "damaged" in app.main_window.status_label.text()
                    or app.main_window.extension_list.count() == 3, timeout=5000)
    aside = list(paths.config_dir.glob("settings.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_text() == "{not json"
    app.shutdown.quit()


def test_without_a_tray_the_main_window_is_home_and_closing_it_quits(qapp, qtbot, paths, sandbox):
    app = make_app(qapp, qtbot, paths, sandbox, use_tray=False)
    assert app.tray is None
    app.show_main_window()
    app.main_window.close()
    assert app.exit_codes == [0]


def test_with_a_tray_closing_the_main_window_only_hides_it(qapp, qtbot, paths, sandbox):
    app = make_app(qapp, qtbot, paths, sandbox, use_tray=True)
    app.show_main_window()
    app.main_window.close()
    assert not app.main_window.isVisible()
    assert app.exit_codes == []
    app.shutdown.quit()
    assert app.exit_codes == [0]


def ask_from_another_process(qtbot, name, request):
    """What a second `tvdesk` process gets back (the client blocks, so not in this one)."""
    code = ("import json, sys; from tvdesk.single_instance import send_to_running_instance; "
            "print(json.dumps(send_to_running_instance(sys.argv[1], json.loads(sys.argv[2]))))")
    process = subprocess.Popen([sys.executable, "-c", code, name, json.dumps(request)],
                               stdout=subprocess.PIPE, text=True)
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=10000)
    output, _ = process.communicate()
    return json.loads(output)


def test_a_second_start_reaches_the_running_instance(qapp, qtbot, paths, sandbox):
    app = make_app(qapp, qtbot, paths, sandbox)
    server = InstanceServer(paths.instance_name, app.requests.handle)
    assert server.listen()
    assert ask_from_another_process(qtbot, paths.instance_name, {"command": "show"}) == {"ok": True}
    assert app.main_window.isVisible()
    assert ask_from_another_process(qtbot, paths.instance_name, {"command": "format-disk"}) == \
        {"ok": False, "error": "unknown command"}
    server.close()
    assert ask_from_another_process(qtbot, paths.instance_name, {"command": "show"}) is None
    app.shutdown.quit()


def test_entering_a_token_leaves_demo_mode_and_forgetting_it_returns(qapp, qtbot, paths, sandbox,
                                                                      memory_keyring):
    from tvdesk.core.account import start_demo_account

    demo = start_demo_account(paths)
    app = compose(qapp, qtbot, paths, demo, TokenStore(environ={}), use_tray=True)
    qtbot.waitUntil(lambda: app.main_window.extension_list.count() == 3, timeout=5000)
    assert app.state.account.demo and app.main_window.demo_banner.isVisibleTo(app.main_window)
    assert "Enter Access-Token…" in [a.text() for a in app.tray.menu.actions()]

    memory_keyring.set_password("tvdesk", "access-token", sandbox.token)
    app.accounts._on_token_saved(sandbox.base_url, 42.5)
    assert demo.sandbox is None                      # the embedded sandbox was stopped
    assert not app.state.account.demo and app.state.account.api_base == sandbox.base_url
    qtbot.waitUntil(lambda: app.main_window.extension_list.count() == 3, timeout=5000)
    assert not app.main_window.demo_banner.isVisibleTo(app.main_window)
    assert "Enter Access-Token…" not in [a.text() for a in app.tray.menu.actions()]
    assert paths.settings_file.exists()

    app.accounts.forget_token()
    assert app.state.account.demo
    assert memory_keyring.get_password("tvdesk", "access-token") is None
    assert "Demo mode is on" in app.main_window.status_label.text()
    app.shutdown.quit()


def test_about_shows_where_things_are_and_copies_diagnostics_without_secrets(
        qapp, qtbot, paths, sandbox):
    from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

    from tvdesk.ui.about_dialog import AboutDialog

    app = make_app(qapp, qtbot, paths, sandbox)
    qtbot.waitUntil(lambda: app.main_window.extension_list.count() == 3, timeout=5000)
    app.help.open_about()
    dialog = next(w for w in QApplication.allWidgets()
                  if isinstance(w, AboutDialog) and w.isVisible())
    assert dialog.findChild(QLabel, "aboutApi").text() == sandbox.base_url
    assert dialog.findChild(QLabel, "aboutLogs").text() == str(paths.log_file)
    assert dialog.findChild(QLabel, "aboutKeyring").text()   # the backend keyring picked
    qtbot.mouseClick(dialog.findChild(QAbstractButton, "copyDiagnosticsButton"),
                     Qt.MouseButton.LeftButton)
    report = QApplication.clipboard().text()
    assert report.startswith("tvdesk ")
    assert sandbox.base_url in report and "extensions: 4000 (floating)" in report
    assert "phone process: not running (starts when a call looks likely)" in report
    assert sandbox.token not in report
    dialog.close()
    app.shutdown.quit()


def test_without_tray_messages_a_notice_appears_in_the_corner(qapp, qtbot, paths, sandbox):
    app = make_app(qapp, qtbot, paths, sandbox, use_tray=False)
    assert not app.main_window.isVisible()
    app.messages.error("Missed call from (48) 3283-0151")
    assert app.notifier.toast is not None and app.notifier.toast.isVisible()
    assert "Missed call from (48) 3283-0151" in app.notifier.toast.label.text()
    app.shutdown.quit()
    assert not app.notifier.toast.isVisible()


@pytest.mark.webengine
def test_the_engine_is_warmed_on_intent_only_when_the_setting_says_so(qapp, qtbot, paths,
                                                                      sandbox):
    app = make_app(qapp, qtbot, paths, sandbox)
    app.show_main_window()                          # what a plain start does: not intent
    qtbot.wait(500)
    assert not app.dialer.engine_running()          # start-up itself never loads it
    app.tray.menu.aboutToShow.emit()               # the person opens the tray menu
    qtbot.waitUntil(lambda: app.dialer.engine_running(), timeout=5000)
    link = app.dialer.phone_link()
    qtbot.waitUntil(lambda: link.is_ready, timeout=20000)   # the phone process has Chromium up
    app.shutdown.quit()
    assert not link.running

    app.state.settings.warm_engine = False
    app.state.save_settings()
    again = make_app(qapp, qtbot, paths, sandbox)
    again.tray.menu.aboutToShow.emit()
    again.tray.show_main.emit()
    qtbot.wait(1000)
    assert not again.dialer.engine_running()
    again.shutdown.quit()


def test_a_webphone_on_an_unexpected_host_is_never_opened(qapp, qtbot, paths, sandbox):
    app = make_app(qapp, qtbot, paths, sandbox)
    qtbot.waitUntil(lambda: app.main_window.extension_list.count() == 3, timeout=5000)
    sandbox.inject_fault(path="/webphone", status=200, content_type="application/json",
                         body=json.dumps({"status": 200, "sucesso": True, "motivo": 0,
                                          "mensagem": "url webphone",
                                          "dados": {"url": "https://evil.example.com/w3/?key=k"}}))
    opened = []
    app.dialer.window_opened.connect(opened.append)
    dial(app, app_request("4000", "4001"))
    qtbot.waitUntil(lambda: "will not open" in app.main_window.status_label.text(), timeout=5000)
    assert opened == [] and app.dialer.windows == {}
    app.shutdown.quit()


def test_a_slow_keyring_starts_the_demo_and_says_how_to_fix_it(qapp, qtbot, paths, monkeypatch,
                                                              memory_keyring):
    import tvdesk.core.account as account_module
    from tvdesk.core.account import resolve_account

    def hung(service, username):
        import time
        time.sleep(3)

    monkeypatch.setattr(memory_keyring, "get_password", hung)
    monkeypatch.setattr(account_module, "KEYRING_TIMEOUT", 0.3)
    account = resolve_account(paths, None, False, TokenStore(environ={}))
    assert account.demo and account.keyring_problem == "slow"
    app = compose(qapp, qtbot, paths, account, TokenStore(environ={}), use_tray=True)
    qtbot.waitUntil(lambda: "did not answer in time" in app.main_window.status_label.text(),
                    timeout=3000)
    app.shutdown.quit()
