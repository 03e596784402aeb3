"""The token and settings dialogs, driven like a person would, against the sandbox."""

import pytest
from PySide6.QtCore import Qt

from tvdesk.core.settings import Extension, Settings
from tvdesk.core.token_store import SERVICE, USERNAME, TokenStore
from tvdesk.ops import BackgroundRunner
from tvdesk.ui.settings_dialog import SettingsDialog
from tvdesk.ui.token_dialog import TokenDialog


@pytest.fixture
def runner(qapp):
    runner = BackgroundRunner()
    yield runner
    runner.wait()


def token_dialog(qtbot, runner, api_base):
    dialog = TokenDialog(TokenStore(environ={}), runner, api_base)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_good_token_is_checked_then_kept_in_the_keyring(qtbot, runner, sandbox, memory_keyring):
    dialog = token_dialog(qtbot, runner, sandbox.base_url)
    qtbot.keyClicks(dialog.token_edit, sandbox.token)
    with qtbot.waitSignal(dialog.token_saved, timeout=5000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0] == sandbox.base_url
    assert saved.args[1] == pytest.approx(42.5)
    assert memory_keyring.get_password(SERVICE, USERNAME) == sandbox.token
    assert dialog.token_edit.text() == ""          # the field does not keep the secret
    assert any(r.path == "/saldo" for r in sandbox.requests)


def test_a_refused_token_is_explained_and_not_stored(qtbot, runner, sandbox, memory_keyring):
    dialog = token_dialog(qtbot, runner, sandbox.base_url)
    qtbot.keyClicks(dialog.token_edit, "not-the-token-000")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "refused" in dialog.message.text(), timeout=5000)
    assert "not-the-token-000" not in dialog.message.text()
    assert memory_keyring.get_password(SERVICE, USERNAME) is None
    assert dialog.save_button.isEnabled()           # the person can try again
    assert dialog.isVisible()


def test_without_a_keyring_the_dialog_says_how_to_fix_it(qtbot, runner, sandbox, no_keyring):
    dialog = token_dialog(qtbot, runner, sandbox.base_url)
    assert "keyring" in dialog.message.text() and "TVDESK_TOKEN" in dialog.message.text()
    qtbot.keyClicks(dialog.token_edit, sandbox.token)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=5000)
    assert "never writes the token to a plain file" in dialog.message.text()


def test_an_api_address_that_is_not_a_url_is_refused_before_any_request(qtbot, runner):
    dialog = token_dialog(qtbot, runner, "https://api.totalvoice.com.br")
    dialog.api_combo.setEditText("ftp://elsewhere")
    qtbot.keyClicks(dialog.token_edit, "some-token-123456")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "not an API address" in dialog.message.text()


def settings_dialog(qtbot, settings, demo=False):
    dialog = SettingsDialog(settings, demo)
    qtbot.addWidget(dialog)
    return dialog


def test_settings_dialog_edits_extensions_default_and_options(qtbot):
    settings = Settings(extensions=[Extension("4000", "Recepção", 101), Extension("4001")],
                        default_ramal="4000")
    dialog = settings_dialog(qtbot, settings)
    dialog._append_row("4002", "Suporte")
    dialog.table.item(1, 1).setText("Vendas")
    dialog.default_combo.setCurrentIndex(dialog.default_combo.findData("4002"))
    dialog.fechar_fim_check.setChecked(False)
    dialog.api_combo.setCurrentIndex(1)
    result = dialog.collect()
    assert [(e.ramal, e.label, e.id_ramal) for e in result.extensions] == [
        ("4000", "Recepção", 101), ("4001", "Vendas", None), ("4002", "Suporte", None)]
    assert result.default_ramal == "4002"
    assert result.fechar_fim is False
    assert result.api_base == "https://voice-api.zenvia.com"
    assert settings.default_ramal == "4000"         # the original is untouched until OK


def test_settings_dialog_refuses_a_bad_extension_and_stays_open(qtbot):
    dialog = settings_dialog(qtbot, Settings())
    dialog.show()
    dialog._append_row("40a", "")
    accepted = []
    dialog.settings_accepted.connect(accepted.append)
    dialog._accept()
    assert accepted == []
    assert "'40a' is not an extension" in dialog.error_label.text()
    assert dialog.isVisible()


def test_settings_dialog_edits_favourites_region_and_confirmation(qtbot):
    from tvdesk.core.settings import Favourite

    dialog = settings_dialog(qtbot, Settings(favourites=[Favourite("Suporte", "(48) 3283-0151")]))
    dialog._append_favourite("Loja", "+1 650 253 0000")
    dialog.confirm_check.setChecked(False)
    dialog.history_spin.setValue(20)
    result = dialog.collect()
    assert [(f.name, f.number) for f in result.favourites] == [
        ("Suporte", "(48) 3283-0151"), ("Loja", "+1 650 253 0000")]
    assert result.confirm_external_dials is False
    assert result.history_limit == 20
    # Numbers written the Brazilian way stop making sense under another region: say so.
    dialog.region_combo.setCurrentIndex(dialog.region_combo.findData("PT"))
    with pytest.raises(Exception) as caught:
        dialog.collect()
    assert "Favourite Suporte" in caught.value.user_message()


def test_settings_dialog_refuses_a_favourite_that_is_not_a_number(qtbot):
    dialog = settings_dialog(qtbot, Settings())
    dialog._append_favourite("Pizza", "ligar depois")
    with pytest.raises(Exception) as caught:
        dialog.collect()
    assert "Favourite Pizza" in caught.value.user_message()


def test_the_hotkey_setting_explains_why_it_is_unavailable_here(qtbot):
    dialog = settings_dialog(qtbot, Settings())   # tests run offscreen: no X11 session
    assert not dialog.hotkey_check.isEnabled()
    assert "X11" in dialog.hotkey_note.text()


class RecordingAutostart:
    """A stand-in for the platform's autostart (the real ones are tested in tests/unit)."""

    def __init__(self, enabled=False, fail=False):
        self.enabled = enabled
        self.fail = fail
        self.calls = []

    def is_enabled(self):
        return self.enabled

    def describe(self):
        return "autostart entry: /tmp/x"

    def enable(self):
        from tvdesk.integration.autostart import AutostartError
        self.calls.append("enable")
        if self.fail:
            raise AutostartError("cannot write the autostart entry")
        self.enabled = True

    def disable(self):
        self.calls.append("disable")
        self.enabled = False


def test_open_at_login_follows_the_system_and_changes_it_on_ok(qtbot):
    autostart = RecordingAutostart(enabled=False)
    dialog = settings_dialog(qtbot, Settings())
    dialog.load_autostart(autostart)
    assert not dialog.autostart_check.isChecked()
    dialog.autostart_check.setChecked(True)
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("pt_BR"))
    accepted = []
    dialog.settings_accepted.connect(accepted.append)
    dialog._accept()
    assert autostart.calls == ["enable"] and autostart.enabled
    assert accepted[0].language == "pt_BR"


def test_an_autostart_failure_is_shown_and_the_dialog_stays(qtbot):
    dialog = settings_dialog(qtbot, Settings())
    dialog.show()
    dialog.load_autostart(RecordingAutostart(fail=True))
    dialog.autostart_check.setChecked(True)
    dialog._accept()
    assert "cannot write the autostart entry" in dialog.error_label.text()
    assert dialog.isVisible()
