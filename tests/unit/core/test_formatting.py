import pytest

from tvdesk.core import i18n
from tvdesk.core.formatting import format_decimal, format_money


@pytest.fixture
def portuguese():
    i18n.set_language("pt_BR")
    yield
    i18n.set_language("en")


def test_english_amounts():
    assert format_money(1234.5) == "R$1,234.50"
    assert format_money(-3) == "-R$3.00"
    assert format_decimal(0.125, 1) == "0.1"


def test_brazilian_amounts(portuguese):
    assert format_money(1234.5) == "R$ 1.234,50"
    assert format_money(42.5) == "R$ 42,50"
    assert format_decimal(1000000) == "1.000.000,00"
