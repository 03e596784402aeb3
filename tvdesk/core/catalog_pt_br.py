"""Brazilian Portuguese texts, keyed by the English message id."""

PT_BR: dict[str, str] = {
}
