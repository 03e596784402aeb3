"""Typed errors raised by the core. Each one carries a sentence for people.

The UI and the CLI show `error.user_message()`; nothing here ever holds the token
or a webphone URL's key/signature (see `redact`).
"""

from __future__ import annotations

from tvdesk.core.exit_codes import ExitCode
from tvdesk.core.i18n import _


class TvdeskError(Exception):
    """Base class of every error tvdesk expects and explains."""

    exit_code: int = ExitCode.UNEXPECTED

    def user_message(self) -> str:
        return _("Something went wrong: {detail}", detail=str(self))


# --- configuration and local state -------------------------------------------------

class NoTokenError(TvdeskError):
    exit_code: int = ExitCode.NO_TOKEN

    def user_message(self) -> str:
        return _(
            "No Access-Token is set up. Run 'tvdesk token set' or set TVDESK_TOKEN. "
            "To try tvdesk without an account, start the app with 'tvdesk --sandbox'."
        )


class KeyringUnavailableError(TvdeskError):
    exit_code: int = ExitCode.NO_KEYRING

    def __init__(self, backend: str = "") -> None:
        super().__init__(backend)
        self.backend = backend

    def user_message(self) -> str:
        return _(
            "No usable system keyring was found, so the Access-Token cannot be stored "
            "safely. Install and unlock a Secret Service keyring (GNOME Keyring or "
            "KWallet), or set TVDESK_TOKEN for this session. tvdesk never writes the "
            "token to a plain file."
        )


class InvalidPhoneNumberError(TvdeskError):
    exit_code: int = ExitCode.BAD_INPUT

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def user_message(self) -> str:
        return self.reason


class InvalidExtensionError(TvdeskError):
    exit_code: int = ExitCode.BAD_INPUT

    def __init__(self, ramal: str) -> None:
        super().__init__("invalid extension")
        self.ramal = ramal

    def user_message(self) -> str:
        return _("An extension (ramal) has 3 or 4 digits.")


class UnknownExtensionError(InvalidExtensionError):
    """A well-formed extension that is not among the account's."""

    def user_message(self) -> str:
        return _("Extension {ramal} is not one of this account's extensions. Import them "
                 "again, or add it in Settings.", ramal=self.ramal)


class UnsafeUrlError(TvdeskError):
    """The API answered with a URL tvdesk refuses to open."""

    exit_code: int = ExitCode.API_ERROR

    def user_message(self) -> str:
        return _("The API answered with a webphone address tvdesk will not open ({reason}).",
                 reason=str(self))


# --- API -----------------------------------------------------------------------

class ApiError(TvdeskError):
    """The API answered, but not with success."""

    exit_code: int = ExitCode.API_ERROR

    def __init__(self, status: int = 0, motivo: int | None = None, mensagem: str = "") -> None:
        super().__init__(f"HTTP {status}, motivo {motivo}")
        self.status = status
        self.motivo = motivo
        self.mensagem = mensagem

    def user_message(self) -> str:
        return _("The TotalVoice API refused the request (HTTP {status}): {mensagem}",
                 status=self.status, mensagem=self.mensagem or "-")


class AuthenticationError(ApiError):
    exit_code: int = ExitCode.NO_TOKEN

    def user_message(self) -> str:
        if "desativ" in self.mensagem.lower():
            return _("This TotalVoice account is disabled. Contact TotalVoice support.")
        return _("The Access-Token was refused. Check it in the TotalVoice panel and set it again.")


class InsufficientBalanceError(ApiError):
    def user_message(self) -> str:
        return _("The TotalVoice account has no balance left. Top it up to make calls.")


class NotFoundError(ApiError):
    def user_message(self) -> str:
        return _("Not found: {mensagem}. Check the extension (ramal) number.",
                 mensagem=self.mensagem or "-")


class InvalidParameterError(ApiError):
    def user_message(self) -> str:
        return _("The API did not accept a parameter: {mensagem}", mensagem=self.mensagem or "-")


class RateLimitError(ApiError):
    retry_after: float | None = None   # seconds, from the Retry-After header when given

    def user_message(self) -> str:
        return _("Too many requests to the TotalVoice API. Wait a few seconds and try again.")


class ServerError(ApiError):
    def user_message(self) -> str:
        return _("The TotalVoice API is having trouble (HTTP {status}). Try again in a moment.",
                 status=self.status)


class UnexpectedResponseError(ApiError):
    """A body that is not the documented JSON envelope."""

    def user_message(self) -> str:
        return _("The server did not answer like the TotalVoice API (HTTP {status}). "
                 "Check the API address in settings.", status=self.status)


# --- transport -----------------------------------------------------------------

class NetworkError(TvdeskError):
    exit_code: int = ExitCode.NETWORK

    def __init__(self, host: str = "") -> None:
        super().__init__(host)
        self.host = host

    def user_message(self) -> str:
        return _("Could not reach {host}. Check your internet connection.", host=self.host)


class TlsError(NetworkError):
    def user_message(self) -> str:
        return _("The secure connection to {host} failed (certificate problem). "
                 "Check the API address and the computer's date.", host=self.host)


class ApiTimeoutError(NetworkError):
    def user_message(self) -> str:
        return _("{host} took too long to answer. Try again.", host=self.host)


class RedirectRefusedError(NetworkError):
    def user_message(self) -> str:
        return _("The API at {host} redirected to another address; tvdesk does not follow it, "
                 "so the Access-Token stays safe. Check the API address.", host=self.host)


class InstanceUnreachableError(TvdeskError):
    exit_code: int = ExitCode.NOT_RUNNING

    def user_message(self) -> str:
        return _("tvdesk is not running and could not be started.")



class InvalidInputError(TvdeskError):
    """Something the person typed does not fit; the sentence is written where it is found."""

    exit_code: int = ExitCode.BAD_INPUT

    def __init__(self, text: str, exit_code: int = ExitCode.BAD_INPUT) -> None:
        super().__init__(text)
        self.text = text
        self.exit_code = exit_code

    def user_message(self) -> str:
        return self.text
