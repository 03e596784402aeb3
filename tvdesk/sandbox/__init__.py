"""A local stand-in for the TotalVoice (Zenvia Voice) API and its webphone page.

Used by the tests and by ``tvdesk sandbox`` / ``python -m tvdesk.sandbox`` so the
desktop app can be exercised without a real account. Standard library only.

    from tvdesk.sandbox.server import SandboxServer, SandboxConfig
"""

from tvdesk.sandbox.server import RecordedRequest, SandboxConfig, SandboxServer

__all__ = ["RecordedRequest", "SandboxConfig", "SandboxServer"]
