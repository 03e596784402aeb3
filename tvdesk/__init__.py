"""tvdesk: a desktop softphone launcher for TotalVoice (Zenvia Voice)."""

__version__ = "0.1.0"
