"""From a dial request to an open webphone window.

Normalises the number, asks the API for a fresh webphone URL off the GUI thread,
and opens one PhoneWindow per extension. Qt WebEngine is imported and its profile
created on the first call, so the tray comes up without paying for it.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QDesktopServices

from tvdesk.core.account import Account
from tvdesk.core.errors import InvalidExtensionError, NoTokenError, TvdeskError
from tvdesk.core.i18n import _
from tvdesk.core.paths import AppPaths
from tvdesk.core.phone_numbers import DialTarget, normalize
from tvdesk.core.settings import Settings, is_valid_ramal
from tvdesk.ui.background import BackgroundRunner
from tvdesk.ui.icons import app_icon

log = logging.getLogger("tvdesk.calls")


def give_memory_back() -> None:
    """After a call window is gone, hand the freed heap back to the system.

    A page and its view free tens of MB that glibc keeps in its arenas; without this,
    a tray app that makes hundreds of calls a day keeps looking bigger than it is.
    """
    gc.collect()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass   # not glibc: nothing to do


@dataclass(frozen=True)
class DialRequest:
    ramal: str | None = None   # None: the default extension
    number: str | None = None  # as typed or copied; None: just open the phone
    source: str = "app"        # app | clipboard | link | hotkey | cli
    confirmed: bool = False    # the person (or `tvdesk dial --yes`) already said yes

    def needs_confirmation(self, target: DialTarget | None, confirm_setting: bool) -> bool:
        """Numbers from outside are shown before dialling; premium-rate ones from links always."""
        if target is None or self.confirmed or self.source in ("app", "clipboard"):
            return False
        return confirm_setting or (self.source == "link" and target.is_premium_rate)


@dataclass(frozen=True)
class StartedCall:
    ramal: str
    target: DialTarget


# (target, ramal, source, answer) -> shows the question; answer(True) dials.
AskConfirmation = Callable[[DialTarget, str, str, Callable[[bool], None]], None]


class CallManager(QObject):
    message = Signal(str, bool)        # text for people, is_error
    window_opened = Signal(object)     # PhoneWindow
    window_closed = Signal(str)        # ramal
    call_started = Signal(object)      # StartedCall, once the API gave a webphone URL
    call_bar_requested = Signal(str)   # ramal of a hidden phone whose controls should show
    background_phone_added = Signal(object)   # BackgroundPhone
    embedded_opened = Signal(str)      # ramal
    busy_changed = Signal(bool)

    def __init__(self, paths: AppPaths, account: Account, settings: Settings,
                 save_settings: Callable[[], None], runner: BackgroundRunner,
                 ask_confirmation: AskConfirmation | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.account = account
        self.settings = settings
        self._save_settings = save_settings
        self._runner = runner
        self._ask_confirmation = ask_confirmation
        self._profile = None
        self.last_dial_asked = False   # whether the last dial() waits for the person's yes
        self.windows: dict[str, object] = {}
        self.background: dict[str, object] = {}   # ramal -> BackgroundPhone
        self.embedded_panel = None                # set by the owner of the main window
        self._spare_page = None                   # keeps the warmed-up engine running
        self.open_external = QDesktopServices.openUrl
        self._pending = 0

    def set_account(self, account: Account, settings: Settings) -> None:
        self.account = account
        self.settings = settings

    def dial(self, request: DialRequest) -> bool:
        """Start a call; False (and a message) when it cannot even start."""
        self.last_dial_asked = False
        try:
            ramal, target = self._validate(request)
        except TvdeskError as error:
            self.message.emit(error.user_message(), True)
            return False
        if request.needs_confirmation(target, self.settings.confirm_external_dials):
            if self._ask_confirmation is None:
                self.message.emit(_("Calls from outside tvdesk need a confirmation, and "
                                    "none can be shown."), True)
                return False
            log.info("asking before dialling a number from %s", request.source)

            def answered(yes: bool) -> None:
                if yes:
                    self.dial(replace(request, confirmed=True))
                else:
                    log.info("the person declined a call from %s", request.source)
                    self.message.emit(_("Call cancelled."), False)

            self._ask_confirmation(target, ramal, request.source, answered)
            self.last_dial_asked = True
            return True
        extension = self.settings.find_extension(ramal)
        tipo = extension.tipo if extension is not None else "floating"
        if tipo == "hidden":
            return self._dial_hidden(ramal, target)
        if tipo == "embedded" and self.embedded_panel is not None:
            if self.embedded_panel.in_call():
                self.message.emit(_("Extension {ramal} is already in a call. Hang up first.",
                                    ramal=self.embedded_panel.ramal), True)
                return False
        else:
            tipo = "floating"
        existing = self.windows.get(ramal)
        if existing is not None and existing.in_call():
            existing.show()
            existing.raise_()
            existing.activateWindow()
            self.message.emit(_("Extension {ramal} is already in a call. Hang up first.",
                                ramal=ramal), True)
            return False
        account = self.account
        fechar_fim = self.settings.fechar_fim
        number = target.api_value if target else None

        def fetch() -> str:
            url = account.client().webphone_url(ramal=ramal, ligar_para=number,
                                                fechar_fim=fechar_fim, tipo=tipo)
            from tvdesk.core.api import check_webphone_host

            check_webphone_host(url, account.api_base)   # before any web view sees it
            return url

        shown = target.display if target else ""
        log.info("dial requested on %s%s", ramal, " with a number" if target else "")
        self.message.emit(_("Calling {number} from extension {ramal}…", number=shown, ramal=ramal)
                          if target else _("Opening extension {ramal}…", ramal=ramal), False)
        self._set_pending(+1)
        def opened(url: str) -> None:
            if tipo == "embedded":
                self._set_pending(-1)
                self.embedded_panel.show_webphone(self.web_profile(), url, ramal, fechar_fim)
                self.embedded_opened.emit(ramal)
            else:
                self._open_window(url, ramal, shown, fechar_fim)
            if target is not None:
                self.call_started.emit(StartedCall(ramal, target))

        self._runner.run(fetch, opened, self._on_failure)
        return True

    def _dial_hidden(self, ramal: str, target: DialTarget | None) -> bool:
        phone = self.background.get(ramal)
        if phone is None or phone.session is None or phone.connection != "connected":
            self.message.emit(_("The background phone of extension {ramal} is not connected "
                                "yet. Try again in a moment.", ramal=ramal), True)
            return False
        if target is None:
            self.call_bar_requested.emit(ramal)   # nothing to dial: show the controls
            return True
        if phone.in_call():
            self.message.emit(_("Extension {ramal} is already in a call. Hang up first.",
                                ramal=ramal), True)
            return False
        log.info("dial on the background phone of %s", ramal)
        if not phone.session.dial(target.api_value):
            self.message.emit(_("That number cannot be dialled."), True)
            return False
        self.message.emit(_("Calling {number} from extension {ramal}…", number=target.display,
                            ramal=ramal), False)
        self.call_bar_requested.emit(ramal)
        self.call_started.emit(StartedCall(ramal, target))
        return True

    # --- background (hidden) phones ----------------------------------------------------

    def sync_background_phones(self) -> None:
        """One connected hidden webphone per extension configured as hidden."""
        wanted = {e.ramal for e in self.settings.extensions if e.tipo == "hidden"} \
            if self.account.token else set()
        if not wanted and not self.background:
            return   # nothing hidden: do not even load the web engine
        from tvdesk.ui.background_phone import BackgroundPhone

        for ramal in list(self.background):
            if ramal not in wanted:
                self.background.pop(ramal).stop()
        for ramal in sorted(wanted - set(self.background)):
            phone = BackgroundPhone(ramal, self._hidden_url_fetcher(ramal), self.web_profile,
                                    self.open_external, self)
            self.background[ramal] = phone
            self.background_phone_added.emit(phone)
            phone.start()

    def _hidden_url_fetcher(self, ramal: str):
        def fetch(on_url, on_error) -> None:
            account = self.account

            def work() -> str:
                url = account.client().webphone_url(ramal=ramal, fechar_fim=False,
                                                    tipo="hidden")
                from tvdesk.core.api import check_webphone_host

                check_webphone_host(url, account.api_base)
                return url

            self._runner.run(work, on_url, on_error)
        return fetch

    def stop_background_phones(self) -> None:
        for phone in self.background.values():
            phone.stop()
        self.background.clear()

    def _validate(self, request: DialRequest) -> tuple[str, DialTarget | None]:
        if not self.account.token:
            raise NoTokenError()
        ramal = request.ramal
        if not ramal:
            default = self.settings.default_extension()
            if default is None:
                raise InvalidExtensionError("")
            ramal = default.ramal
        if not is_valid_ramal(ramal):
            raise InvalidExtensionError(ramal)
        target = normalize(request.number, self.settings.region) \
            if request.number and request.number.strip() else None
        return ramal, target

    def _on_failure(self, error: TvdeskError) -> None:
        self._set_pending(-1)
        log.info("dial failed: %s", type(error).__name__)
        self.message.emit(error.user_message(), True)

    def _set_pending(self, delta: int) -> None:
        self._pending += delta
        self.busy_changed.emit(self._pending > 0)

    def warm_up(self) -> None:
        """Start the web engine ahead of the first call: load its modules, create the
        profile and keep one blank page alive, so the browser and zygote processes are
        already running when the person clicks. Called once the tray is up."""
        if self._spare_page is not None:
            return
        from PySide6.QtWebEngineCore import QWebEnginePage

        import tvdesk.ui.phone_window  # noqa: F401 - the imports are part of the cost
        self._spare_page = QWebEnginePage(self.web_profile(), self)
        self._spare_page.setHtml("<!doctype html><title>tvdesk</title>")
        log.info("web engine warmed up")

    def release_engine(self) -> None:
        """Pages must go before their profile does; called when quitting."""
        if self._spare_page is not None:
            page, self._spare_page = self._spare_page, None
            page.setParent(None)   # now owned by Python alone: deleted right here
            del page

    def web_profile(self):
        if self._profile is None:
            from tvdesk.ui.web_profile import create_web_profile
            self._profile = create_web_profile(self.paths.web_profile_dir, self)
        return self._profile

    def _open_window(self, url: str, ramal: str, shown: str, fechar_fim: bool) -> None:
        self._set_pending(-1)
        from tvdesk.ui.phone_window import PhoneWindow

        old = self.windows.pop(ramal, None)
        if old is not None:
            old.closed.disconnect()
            old.close()
        window = PhoneWindow(self.web_profile(), url, ramal, shown, fechar_fim,
                             geometry=self.settings.phone_window_geometry,
                             icon=app_icon(self.account.demo))
        window.geometry_changed.connect(self._remember_geometry)
        window.closed.connect(self._on_window_closed)
        # A crashed page is replaced by a fresh webphone of the same extension, without
        # dialling again on its own: the person decides whether to call back.
        window.reload_requested.connect(lambda r: self.dial(DialRequest(ramal=r)))
        self.windows[ramal] = window
        window.show()
        window.raise_()
        window.activateWindow()
        self.window_opened.emit(window)

    def _remember_geometry(self, geometry: str) -> None:
        if geometry and geometry != self.settings.phone_window_geometry:
            self.settings.phone_window_geometry = geometry
            self._save_settings()

    def _on_window_closed(self, ramal: str) -> None:
        self.windows.pop(ramal, None)
        log.info("phone window for %s closed", ramal)
        QTimer.singleShot(1000, give_memory_back)
        self.message.emit(_("The webphone of extension {ramal} was closed.", ramal=ramal), False)
        self.window_closed.emit(ramal)

    def close_all(self) -> None:
        for window in list(self.windows.values()):
            window.close()
        if self.embedded_panel is not None:
            self.embedded_panel.return_to_idle()
