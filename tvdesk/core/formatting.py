"""Numbers and amounts in the person's language (the account's currency is the real)."""

from __future__ import annotations

from tvdesk.core.i18n import current_language


def format_decimal(value: float, decimals: int = 2) -> str:
    text = f"{value:,.{decimals}f}"          # 1,234.56
    if current_language() == "pt_BR":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")   # 1.234,56
    return text


def format_money(value: float) -> str:
    """TotalVoice balances are in reais: R$ 1.234,56 in Portuguese, R$1,234.56 in English."""
    sign = "-" if value < 0 else ""
    amount = format_decimal(abs(value))
    return f"{sign}R$ {amount}" if current_language() == "pt_BR" else f"{sign}R${amount}"
