"""The running desktop app's controllers: small objects with one job each.

They are built and wired by the composition root (`tvdesk.app`); none of them builds
another or reaches for a global. They speak to the person through the injected
`MessageBus` and read the account and settings from the shared `AppState`.
"""
