"""From a dial request to a webphone, with exactly one typed outcome per request.

The number is normalised, the person is asked when the number came from outside,
the API is asked for a fresh webphone URL off the GUI thread, and the URL goes to
the extension's host: a window (floating), the main window's panel (embedded) or
the background phone (hidden). Every request ends in one `DialOutcome`, handed to
the caller's `on_outcome` and announced on `outcome`; `tvdesk dial` prints it.

Qt WebEngine is imported and its profile created on the first call, so the tray
comes up without paying for it.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QIcon

from tvdesk.core.account import Account
from tvdesk.core.dialing import (
    NUMBER_TOPIC,
    ConfirmationAnswer,
    DialOutcome,
    DialRequest,
    DialResult,
    DialSource,
    call_topic,
    is_international,
)
from tvdesk.core.errors import (
    InvalidExtensionError,
    InvalidPhoneNumberError,
    NoTokenError,
    TvdeskError,
    UnknownExtensionError,
)
from tvdesk.core.exit_codes import ExitCode
from tvdesk.core.i18n import _
from tvdesk.core.paths import AppPaths
from tvdesk.core.phone_numbers import DialTarget, normalize
from tvdesk.core.settings import Settings, WebphoneType, is_valid_ramal
from tvdesk.ops import BackgroundRunner, QueryOp
from tvdesk.phone.states import ConnectionState

if TYPE_CHECKING:
    from PySide6.QtWebEngineCore import QWebEngineProfile

    from tvdesk.phone.background_host import BackgroundPhone
    from tvdesk.phone.panel_host import EmbeddedPanel
    from tvdesk.phone.process_host import PhoneProcessLink, RemoteWindow
    from tvdesk.phone.window_host import PhoneWindow

log = logging.getLogger("tvdesk.calls")

OnOutcome = Callable[[DialOutcome], None]


class DialContext(Protocol):
    """The account and settings as they are now (never a copy that can go stale)."""

    @property
    def account(self) -> Account: ...

    @property
    def settings(self) -> Settings: ...

    def save_settings(self) -> None: ...


class Messenger(Protocol):
    """What the dialer tells and asks the person (tvdesk.ui.messages.MessageBus)."""

    def info(self, text: str, topic: str = "") -> None: ...

    def error(self, text: str, topic: str = "") -> None: ...

    def clear(self, topic: str) -> None: ...

    def can_ask(self) -> bool: ...

    def ask_dial_confirmation(self, target: DialTarget, ramal: str, request: DialRequest,
                              on_answer: Callable[[ConfirmationAnswer], None],
                              international: bool = False) -> None: ...


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
class StartedCall:
    ramal: str
    target: DialTarget


@dataclass(frozen=True)
class _Pending:
    """A dial waiting for its webphone URL."""

    request: DialRequest
    ramal: str
    target: DialTarget | None
    tipo: WebphoneType
    fechar_fim: bool
    on_outcome: OnOutcome | None


class Dialer(QObject):
    outcome = Signal(object)           # DialOutcome, every one
    window_opened = Signal(object)     # PhoneWindow
    window_closed = Signal(str)        # ramal
    call_started = Signal(object)      # StartedCall: an outgoing call went out (for the history)
    call_bar_requested = Signal(str)   # ramal of a hidden phone whose controls should show
    background_phone_added = Signal(object)   # BackgroundPhone
    background_phone_removed = Signal(str)    # ramal: its extension is no longer hidden
    embedded_opened = Signal(str)      # ramal
    busy_changed = Signal(bool)

    def __init__(self, paths: AppPaths, context: DialContext, runner: BackgroundRunner,
                 messages: Messenger, icon: Callable[[bool], QIcon],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.context = context
        self._runner = runner
        self._messages = messages
        self._icon = icon
        self._profile: QWebEngineProfile | None = None
        self._link: PhoneProcessLink | None = None
        self.windows: dict[str, PhoneWindow | RemoteWindow] = {}
        self.background: dict[str, BackgroundPhone] = {}
        self.embedded_panel: EmbeddedPanel | None = None   # set by the composition root
        # Builds the main window, whose panel then becomes `embedded_panel`.
        self.embedded_panel_needed: Callable[[], object] | None = None
        self._spare_page: Any = None                       # keeps the warmed-up engine running
        self.open_external: Callable[[QUrl], object] = QDesktopServices.openUrl
        self._pending = 0

    # --- dialling ----------------------------------------------------------------------

    def dial(self, request: DialRequest, on_outcome: OnOutcome | None = None) -> None:
        """Start a call; `on_outcome` (and `outcome`) get exactly one DialOutcome."""
        try:
            ramal, target = self._validate(request)
        except TvdeskError as error:
            self._finish(DialOutcome(DialResult.REFUSED, error.user_message(),
                                     ExitCode(error.exit_code), request.ramal), on_outcome,
                         topic=NUMBER_TOPIC if isinstance(error, InvalidPhoneNumberError) else None)
            return
        settings = self.context.settings
        if request.needs_confirmation(target, settings.confirm_external_dials, settings.region):
            assert target is not None
            self._confirm_then_dial(request, ramal, target, on_outcome)
            return
        tipo = settings.type_of(ramal)
        if tipo is WebphoneType.HIDDEN:
            self._dial_hidden(ramal, target, on_outcome)
            return
        busy = self._busy_host(ramal, tipo)
        if busy is not None:
            self._finish(DialOutcome(DialResult.REFUSED, _(
                "Extension {ramal} is already in a call. Hang up first.", ramal=busy),
                ExitCode.BAD_INPUT, ramal), on_outcome)
            return
        pending = _Pending(request, ramal, target, tipo, settings.fechar_fim, on_outcome)
        log.info("dial requested on %s%s", ramal, " with a number" if target else "")
        self._messages.info(
            _("Calling {number} from extension {ramal}…", number=target.display, ramal=ramal)
            if target else _("Opening extension {ramal}…", ramal=ramal), call_topic(ramal))
        self._set_pending(+1)
        number = target.api_value if target else None

        self._fetch_url(ramal, number, pending.fechar_fim, pending.tipo,
                        lambda url: self._on_url(pending, url),
                        lambda error: self._on_failure(pending, error))

    def _fetch_url(self, ramal: str, number: str | None, fechar_fim: bool, tipo: WebphoneType,
                   on_url: Callable[[str], None],
                   on_error: Callable[[TvdeskError], None]) -> None:
        """A fresh webphone URL, off the GUI thread. A page the phone process will show is
        asked for there too, so this process never loads the HTTP stack for calls; an
        embedded page (shown here) is asked for here."""
        account = self.context.account
        if self.context.settings.phone_process and tipo is not WebphoneType.EMBEDDED \
                and account.token:
            self.phone_link().fetch_url(
                account.api_base, account.token,
                {"ramal": ramal, "ligar_para": number, "fechar_fim": fechar_fim,
                 "tipo": tipo.value}, on_url, on_error)
            return

        def fetch() -> str:
            # The client refuses a URL on a host the person would not expect.
            return account.client().webphone_url(ramal=ramal, ligar_para=number,
                                                 fechar_fim=fechar_fim, tipo=tipo.value)

        QueryOp("webphone URL", fetch, on_url, on_error).run_in(self._runner)

    def refuse(self, ramal: str | None, text: str, on_outcome: OnOutcome | None) -> None:
        """A dial that cannot even be formed (nothing on the clipboard, say)."""
        self._finish(DialOutcome(DialResult.REFUSED, text, ExitCode.BAD_INPUT, ramal), on_outcome)

    def _confirm_then_dial(self, request: DialRequest, ramal: str, target: DialTarget,
                           on_outcome: OnOutcome | None) -> None:
        settings = self.context.settings
        if not self._messages.can_ask():
            log.info("a dial from %s needs a confirmation, and none can be shown",
                     request.source.value)
            text = _("tvdesk runs without a screen here, so it cannot ask you to confirm the "
                     "call. To call without asking, run the command again with --yes.") \
                if request.source is DialSource.CLI else \
                _("tvdesk runs without a screen here, so it cannot ask you to confirm the call, "
                  "and it was not made.")
            self._finish(DialOutcome(DialResult.REFUSED, text, ExitCode.NEEDS_CONFIRMATION,
                                     ramal), on_outcome)
            return
        log.info("asking before dialling a number from %s", request.source.value)

        def answered(answer: ConfirmationAnswer) -> None:
            if answer is ConfirmationAnswer.YES:
                self.dial(replace(request, ramal=ramal, confirmed=True), on_outcome)
                return
            log.info("no call from %s: %s", request.source.value, answer.value)
            text = _("Call cancelled.") if answer is ConfirmationAnswer.NO else \
                _("Call not made: nobody confirmed it in time.")
            self._finish(DialOutcome(DialResult.CANCELLED, text, ExitCode.CANCELLED, ramal),
                         on_outcome)

        self._messages.ask_dial_confirmation(target, ramal, request, answered,
                                             is_international(target, settings.region))

    def _busy_host(self, ramal: str, tipo: WebphoneType) -> str | None:
        """The extension whose call is in the way of a new one on this host, if any."""
        if tipo is WebphoneType.EMBEDDED and self.embedded_panel is not None:
            return self.embedded_panel.ramal if self.embedded_panel.in_call() else None
        existing = self.windows.get(ramal)
        if existing is not None and existing.in_call():
            existing.present()
            return ramal
        return None

    def _on_url(self, pending: _Pending, url: str) -> None:
        self._set_pending(-1)
        if pending.tipo is WebphoneType.EMBEDDED and self.embedded_panel is None \
                and self.embedded_panel_needed is not None:
            self.embedded_panel_needed()
        if pending.tipo is WebphoneType.EMBEDDED and self.embedded_panel is not None:
            self.embedded_panel.show_webphone(self.web_profile(), url, pending.ramal,
                                              pending.fechar_fim)
            self.embedded_opened.emit(pending.ramal)
        else:
            self._open_window(url, pending.ramal,
                              pending.target.display if pending.target else "",
                              pending.fechar_fim)
        if pending.target is not None:
            self.call_started.emit(StartedCall(pending.ramal, pending.target))
        message = _("Calling {number} from extension {ramal}…", number=pending.target.display,
                    ramal=pending.ramal) if pending.target else \
            _("Extension {ramal} is open.", ramal=pending.ramal)
        self._finish(DialOutcome(DialResult.STARTED, message, ExitCode.OK, pending.ramal),
                     pending.on_outcome, announce=False)

    def _on_failure(self, pending: _Pending, error: TvdeskError) -> None:
        self._set_pending(-1)
        log.info("dial failed: %s", type(error).__name__)
        self._finish(DialOutcome(DialResult.FAILED, error.user_message(),
                                 ExitCode(error.exit_code), pending.ramal), pending.on_outcome)

    def _finish(self, outcome: DialOutcome, on_outcome: OnOutcome | None,
                announce: bool = True, topic: str | None = None) -> None:
        """Every dial ends here, once: the person is told, the caller hears back."""
        if announce:
            if topic is None:
                topic = call_topic(outcome.ramal) if outcome.ramal else ""
            if outcome.result is DialResult.CANCELLED:
                self._messages.info(outcome.message, topic)
            elif not outcome.started:
                self._messages.error(outcome.message, topic)
        self.outcome.emit(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    def _dial_hidden(self, ramal: str, target: DialTarget | None,
                     on_outcome: OnOutcome | None) -> None:
        phone = self.background.get(ramal)
        if phone is None or phone.session is None \
                or phone.connection is not ConnectionState.CONNECTED:
            self._finish(DialOutcome(DialResult.REFUSED, _(
                "The background phone of extension {ramal} is not connected yet. Try again in "
                "a moment.", ramal=ramal), ExitCode.NOT_RUNNING, ramal), on_outcome)
            return
        if target is None:
            self.call_bar_requested.emit(ramal)   # nothing to dial: show the controls
            self._finish(DialOutcome(DialResult.STARTED, _(
                "Extension {ramal} is open.", ramal=ramal), ExitCode.OK, ramal),
                on_outcome, announce=False)
            return
        if phone.in_call():
            self._finish(DialOutcome(DialResult.REFUSED, _(
                "Extension {ramal} is already in a call. Hang up first.", ramal=ramal),
                ExitCode.BAD_INPUT, ramal), on_outcome)
            return
        log.info("dial on the background phone of %s", ramal)
        if not phone.session.dial(target.api_value):
            self._finish(DialOutcome(DialResult.REFUSED, _("That number cannot be dialled."),
                                     ExitCode.BAD_INPUT, ramal), on_outcome)
            return
        message = _("Calling {number} from extension {ramal}…", number=target.display,
                    ramal=ramal)
        self._messages.info(message, call_topic(ramal))
        self.call_bar_requested.emit(ramal)
        # The history hears of it from the session (`dialled`), like a call-bar dial.
        self._finish(DialOutcome(DialResult.STARTED, message, ExitCode.OK, ramal), on_outcome,
                     announce=False)

    def _validate(self, request: DialRequest) -> tuple[str, DialTarget | None]:
        account, settings = self.context.account, self.context.settings
        if not account.token:
            raise NoTokenError()
        ramal = request.ramal
        if not ramal:
            default = settings.default_extension()
            if default is None:
                raise InvalidExtensionError("")
            ramal = default.ramal
        if not is_valid_ramal(ramal):
            raise InvalidExtensionError(ramal)
        if settings.extensions and settings.find_extension(ramal) is None:
            raise UnknownExtensionError(ramal)
        target = normalize(request.number, settings.region) \
            if request.number and request.number.strip() else None
        return ramal, target

    @property
    def busy(self) -> bool:
        """A dial is waiting for its webphone URL."""
        return self._pending > 0

    def _set_pending(self, delta: int) -> None:
        self._pending += delta
        self.busy_changed.emit(self._pending > 0)

    # --- background (hidden) phones ----------------------------------------------------

    def sync_background_phones(self) -> None:
        """One connected hidden webphone per extension configured as hidden, now."""
        account, settings = self.context.account, self.context.settings
        wanted = set(settings.ramals_of_type(WebphoneType.HIDDEN)) if account.token else set()
        if not wanted and not self.background:
            return   # nothing hidden: do not even load the web engine
        from tvdesk.phone.background_host import BackgroundPhone

        page_factory = self._remote_page_factory() if settings.phone_process else None
        for ramal in list(self.background):
            if ramal not in wanted:
                self.background.pop(ramal).stop()
                self.background_phone_removed.emit(ramal)
        for ramal in sorted(wanted - set(self.background)):
            phone = BackgroundPhone(ramal, self._hidden_url_fetcher(ramal), self.web_profile,
                                    self.open_external, self, page_factory=page_factory)
            self.background[ramal] = phone
            self.background_phone_added.emit(phone)
            phone.start()

    def _hidden_url_fetcher(self, ramal: str) -> Callable[[Callable[[str], None],
                                                            Callable[[TvdeskError], None]], None]:
        def fetch(on_url: Callable[[str], None], on_error: Callable[[TvdeskError], None]) -> None:
            self._fetch_url(ramal, None, False, WebphoneType.HIDDEN, on_url, on_error)
        return fetch

    def stop_background_phones(self) -> None:
        for ramal, phone in list(self.background.items()):
            phone.stop()
            self.background_phone_removed.emit(ramal)
        self.background.clear()

    # --- the web engine ----------------------------------------------------------------

    def warm_up(self) -> None:
        """Start the web engine ahead of the first call, on a sign of intent.

        With the phone process (the default) that process is started, or kept a while
        longer; it quits on its own when no call follows. In this process: load the
        modules, create the profile and keep one blank page alive, so the browser and
        zygote processes are already running when the person clicks."""
        if self.context.settings.phone_process:
            self.phone_link().ensure_running()
            return
        if self._spare_page is not None:
            return
        from PySide6.QtWebEngineCore import QWebEnginePage

        import tvdesk.phone.window_host  # noqa: F401 - the imports are part of the cost
        self._spare_page = QWebEnginePage(self.web_profile(), self)
        self._spare_page.setHtml("<!doctype html><title>tvdesk</title>")
        log.info("web engine warmed up")

    def phone_process_status(self) -> str:
        """For diagnostics (English, like the rest of the report)."""
        if not self.context.settings.phone_process:
            return "off: web pages run in tvdesk's own process"
        link = self._link
        if link is None or not link.running:
            return "not running (starts when a call looks likely)"
        return f"running, pid {link.pid()}, {link.page_count()} page(s), started " \
               f"{link.starts} time(s)"

    def engine_running(self) -> bool:
        """Whether a web engine runs for webphones now: the phone process, or this one's."""
        return self._spare_page is not None or self._profile is not None \
            or (self._link is not None and self._link.running)

    def release_engine(self) -> None:
        """Pages must go before their profile does; called when quitting."""
        if self._link is not None:
            self._link.stop()
        if self._spare_page is not None:
            page, self._spare_page = self._spare_page, None
            page.setParent(None)   # now owned by Python alone: deleted right here
            del page

    def phone_link(self) -> PhoneProcessLink:
        """The phone process (started only when a page or a warm-up needs it)."""
        if self._link is None:
            from tvdesk.phone.process_host import PhoneProcessLink

            context = self.context
            self._link = PhoneProcessLink(
                lambda: context.settings.phone_process_linger, self,
                # A background phone's page lives all day: then no shared renderer.
                one_renderer=lambda: not context.settings.ramals_of_type(WebphoneType.HIDDEN))
            self._link.open_external.connect(lambda url: self.open_external(url))
        return self._link

    def _remote_page_factory(self) -> Callable[[str, QObject], Any]:
        from tvdesk.phone.process_host import RemotePage

        link = self.phone_link()
        return lambda url, parent: RemotePage(link, url, parent)

    def web_profile(self) -> QWebEngineProfile:
        if self._profile is None:
            from tvdesk.phone.profile import create_web_profile
            self._profile = create_web_profile(self.paths.web_profile_dir, self)
        return self._profile

    # --- floating windows --------------------------------------------------------------

    def _open_window(self, url: str, ramal: str, shown: str, fechar_fim: bool) -> None:
        old = self.windows.pop(ramal, None)
        if old is not None:
            old.closed.disconnect()
            old.close()
        geometry = self.context.settings.phone_window_geometry
        from tvdesk.phone.process_host import RemoteWindow

        window: PhoneWindow | RemoteWindow
        if self.context.settings.phone_process:
            window = RemoteWindow(self.phone_link(), url, ramal, shown, fechar_fim,
                                  geometry=geometry, demo=self.context.account.demo)
        else:
            from tvdesk.phone.window_host import PhoneWindow

            window = PhoneWindow(self.web_profile(), url, ramal, shown, fechar_fim,
                                 geometry=geometry, icon=self._icon(self.context.account.demo))
        window.geometry_changed.connect(self._remember_geometry)
        window.closed.connect(self._on_window_closed)
        # A crashed page is replaced by a fresh webphone of the same extension, without
        # dialling again on its own: the person decides whether to call back.
        window.reload_requested.connect(lambda r: self.dial(DialRequest(ramal=r)))
        self.windows[ramal] = window
        if isinstance(window, RemoteWindow):   # opened once the phone process shows it
            window.shown.connect(lambda: self.window_opened.emit(window))
        else:
            window.present()
            self.window_opened.emit(window)

    def _remember_geometry(self, geometry: str) -> None:
        settings = self.context.settings
        if geometry and geometry != settings.phone_window_geometry:
            settings.phone_window_geometry = geometry
            self.context.save_settings()

    def _on_window_closed(self, ramal: str) -> None:
        window = self.windows.pop(ramal, None)
        log.info("phone window for %s closed", ramal)
        QTimer.singleShot(1000, give_memory_back)
        self._messages.clear(call_topic(ramal))
        if getattr(window, "lost", False):   # the phone process died under it
            self._messages.error(_("The webphone of extension {ramal} stopped working and was "
                                   "closed. Call again to open it.", ramal=ramal),
                                 call_topic(ramal))
        else:
            self._messages.info(_("The webphone of extension {ramal} was closed.", ramal=ramal),
                                call_topic(ramal))
        self.window_closed.emit(ramal)

    def close_all(self) -> None:
        for window in list(self.windows.values()):
            window.close()
        if self.embedded_panel is not None:
            self.embedded_panel.return_to_idle()

