"""The token and settings dialogs refuse an API address that would send the token in
clear text, before any request; a local sandbox over plain http still works."""


import pytest
from PySide6.QtCore import Qt

from tvdesk.core.errors import InvalidInputError
from tvdesk.core.settings import Settings
from tvdesk.core.token_store import SERVICE, USERNAME, TokenStore
from tvdesk.ops import BackgroundRunner
from tvdesk.ui.settings_dialog import SettingsDialog
from tvdesk.ui.token_dialog import TokenDialog

CLEAR_TEXT_API = "http://api.tvdesk-test.invalid"


@pytest.fixture
def runner(qapp):
    runner = BackgroundRunner()
    yield runner
    runner.wait()




@pytest.mark.parametrize("address", [CLEAR_TEXT_API, "http://127.evil.invalid:8000",
                                     "http://10.0.0.1"])
def test_the_token_dialog_refuses_plain_http_to_another_computer(qtbot, runner, memory_keyring,
                                                                 network_attempts, address):
    dialog = TokenDialog(TokenStore(environ={}), runner, "https://api.totalvoice.com.br")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.api_combo.setEditText(address)
    qtbot.keyClicks(dialog.token_edit, "clear-text-token-778899")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "clear text" in dialog.message.text()
    assert "clear-text-token-778899" not in dialog.message.text()
    assert dialog.save_button.isEnabled() and dialog.isVisible()
    assert runner.wait(2000)
    assert network_attempts == []
    assert memory_keyring.get_password(SERVICE, USERNAME) is None


def test_the_settings_dialog_refuses_plain_http_to_another_computer(qtbot):
    dialog = SettingsDialog(Settings(), False)
    qtbot.addWidget(dialog)
    dialog.api_combo.setEditText(CLEAR_TEXT_API)
    with pytest.raises(InvalidInputError) as caught:
        dialog.collect()
    assert "clear text" in caught.value.user_message()


def test_the_settings_dialog_keeps_a_local_test_server(qtbot):
    dialog = SettingsDialog(Settings(), False)
    qtbot.addWidget(dialog)
    dialog.api_combo.setEditText("http://127.0.0.1:8000")
    assert dialog.collect().api_base == "http://127.0.0.1:8000"
