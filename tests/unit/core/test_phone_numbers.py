"""normalize(): what people copy and paste becomes what the API dials, or a clear refusal."""

from __future__ import annotations

import random
import time

import pytest

from tvdesk.core import i18n
from tvdesk.core.errors import InvalidPhoneNumberError
from tvdesk.core.phone_numbers import DialTarget, find_dialable, normalize

SP_MOBILE = "+5511987654321"


@pytest.mark.parametrize("text", [
    "(11) 98765-4321",
    "+55 11 98765-4321",
    "+55 (11) 98765-4321",
    "011 98765 4321",
    "11987654321",
    "5511987654321",
    "11.98765.4321",
    "tel:+55-11-98765-4321",
    "TEL:+55-11-98765-4321",
    "tel://+55-11-98765-4321",
    "tel:+55-11-98765-4321;ext=12",
    "callto:+5511987654321",
    "  (11) 98765-4321\n",
])
def test_brazilian_mobile_formats(text):
    target = normalize(text)
    assert target == DialTarget(api_value=SP_MOBILE, display="(11) 98765-4321", is_extension=False,
                                region_code="BR")


def test_landline_matches_the_api_example():
    assert normalize("(48) 3283-0151").api_value == "+554832830151"
    assert normalize("048 3283 0151").display == "(48) 3283-0151"


def test_toll_free():
    target = normalize("0800 123 4567")
    assert target.api_value == "+558001234567"
    assert target.display == "0800 123 4567"


@pytest.mark.parametrize("text, e164, display", [
    ("+1 650 253 0000", "+16502530000", "+1 650-253-0000"),
    ("+44 20 7946 0958", "+442079460958", "+44 20 7946 0958"),
    ("+351 21 234 5678", "+351212345678", "+351 21 234 5678"),
])
def test_international_numbers_show_in_international_format(text, e164, display):
    target = normalize(text)
    assert (target.api_value, target.display, target.is_extension) == (e164, display, False)


@pytest.mark.parametrize("text", ["123", "4000", " 4001 ", "40-01"])
def test_extensions_are_kept_as_they_are(text):
    digits = "".join(ch for ch in text if ch.isdigit())
    assert normalize(text) == DialTarget(digits, digits, is_extension=True)


def test_a_plus_sign_is_not_an_extension():
    with pytest.raises(InvalidPhoneNumberError, match="too short"):
        normalize("+4000")


def test_other_default_region():
    assert normalize("(650) 253-0000", region="US").api_value == "+16502530000"


@pytest.mark.parametrize("text, words", [
    ("", "no number"),
    ("   ", "no number"),
    (None, "no number"),
    ("tel:", "no number"),
    ("abc", "No valid phone number"),
    ("0800-FLOWERS", "has letters"),
    ("12345", "too short"),
    ("1234567", "too short"),
    ("1234567890123456", "too long"),
    ("+55 11 98765-4321 0000 0000", "too long"),
    ("32830151", "not a valid phone number"),
    ("+55 11 1234-5678 9", "not a valid phone number"),
    ("11 98765*4321", "is not a phone number"),
    ("#11987654321", "is not a phone number"),
])
def test_junk_is_refused_with_a_reason(text, words):
    with pytest.raises(InvalidPhoneNumberError) as caught:
        normalize(text)
    message = caught.value.user_message()
    assert words in message
    assert caught.value.exit_code == 2


def test_refusal_quotes_the_text_but_shortens_it():
    with pytest.raises(InvalidPhoneNumberError) as caught:
        normalize("x" * 500)
    message = caught.value.user_message()
    assert "'" + "x" * 39 + "…'" in message
    assert len(message) < 120


@pytest.mark.parametrize("text", ["٤٠٠٠", "４０００"])
def test_non_ascii_digits_never_reach_the_api(text):
    with pytest.raises(InvalidPhoneNumberError, match="only look like 0-9"):
        normalize(text)


@pytest.mark.parametrize("text", ["abc\ndef", "(11)\n98765-4321x", "\x1b[31m1234\x1b[0m"])
def test_refusal_message_is_one_printable_line(text):
    with pytest.raises(InvalidPhoneNumberError) as caught:
        normalize(text)
    assert caught.value.user_message().isprintable()


def test_number_inside_text():
    assert normalize("Ligue para (11) 98765-4321 amanhã").api_value == SP_MOBILE


def test_number_with_a_label():
    assert normalize("Cel: (11) 98765-4321").api_value == SP_MOBILE


# --- what people actually copy ---------------------------------------------------------

FLORIANOPOLIS = ("+554832830151", "(48) 3283-0151")
SAO_PAULO = (SP_MOBILE, "(11) 98765-4321")
LONDON = ("+442079460958", "+44 20 7946 0958")


@pytest.mark.parametrize("text, expected", [
    # plain numbers, spaced and punctuated the ways people do
    ("(11) 98765-4321", SAO_PAULO),
    ("+55 11 98765-4321", SAO_PAULO),
    ("011 98765 4321", SAO_PAULO),
    ("(11)98765-4321", SAO_PAULO),
    ("11 9 8765-4321", SAO_PAULO),
    ("(48) 3283-0151.", FLORIANOPOLIS),
    ("48 3283 0151", FLORIANOPOLIS),
    ("+55 48 3283-0151", FLORIANOPOLIS),
    # Brazilian carrier selection codes (0 + carrier + area code)
    ("0 21 11 98765-4321", SAO_PAULO),
    ("015 11 98765-4321", SAO_PAULO),
    ("041 48 3283-0151", FLORIANOPOLIS),
    # odd whitespace and dashes from web pages and word processors
    ("(11)\u00a098765-4321", SAO_PAULO),
    ("(11) 98765\u20104321", SAO_PAULO),
    ("(11) 98765\u20114321", SAO_PAULO),
    ("(11) 98765\u20134321", SAO_PAULO),
    ("(11) 98765\u20144321", SAO_PAULO),
    ("\t(11)\u202f98765-4321\r\n", SAO_PAULO),
    ("\u202a+55 11 98765-4321\u202c", SAO_PAULO),  # WhatsApp's left-to-right wrapping
    ("(11) 98765-\u200b4321", SAO_PAULO),
    # URIs from links
    ("tel:+55-11-98765-4321", SAO_PAULO),
    ("tel:+55-11-98765-4321;phone-context=example.com", SAO_PAULO),
    ("callto:+5511987654321", SAO_PAULO),
    ("callto://+5511987654321", SAO_PAULO),
    ("sip:+5511987654321", SAO_PAULO),
    # numbers inside sentences and behind labels
    ("Ligar para: (48) 3283-0151 amanhã", FLORIANOPOLIS),
    ("Cel: (11) 98765-4321", SAO_PAULO),
    ("Cel:(11)98765-4321", SAO_PAULO),
    ("Tel.: 48 3283 0151", FLORIANOPOLIS),
    ("WhatsApp +55 (11) 98765-4321", SAO_PAULO),
    ("📞 (11) 98765-4321", SAO_PAULO),
    ("Fulano de Tal\nCel: (11) 98765-4321\nfulano@example.com.br", SAO_PAULO),
    ("Ligue (11) 98765-4321 ou, se preferir, (11) 98765-4321.", SAO_PAULO),
    ("(11) 98765-4321 (11) 98765-4321", SAO_PAULO),  # the same number twice
    # dates, CPFs, CEPs and money beside the number are not numbers to call
    ("Em 26/11/2026 ligar (48) 3283-0151", FLORIANOPOLIS),
    ("CPF 119.876.543-21, cel (48) 3283-0151", FLORIANOPOLIS),
    ("CNPJ 12.345.678/0001-90 Tel (48) 3283-0151", FLORIANOPOLIS),
    ("CEP 88015-100, fone (48) 3283-0151", FLORIANOPOLIS),
    ("Valor R$ 1.234,56 - dúvidas (48) 3283-0151", FLORIANOPOLIS),
    ("Reunião 14:30 - (48) 3283-0151", FLORIANOPOLIS),
    # international numbers
    ("+44 20 7946 0958", LONDON),
    ("00 44 20 7946 0958", LONDON),
    ("0021 44 20 7946 0958", LONDON),
    ("Escritório em Londres: +44 20 7946 0958", LONDON),
    ("+1 (650) 253-0000", ("+16502530000", "+1 650-253-0000")),
])
def test_real_world_numbers_are_accepted(text, expected):
    target = normalize(text)
    assert (target.api_value, target.display) == expected
    assert not target.is_extension
    assert target.api_value.isascii() and target.api_value[1:].isdigit()


@pytest.mark.parametrize("text, e164, display, premium", [
    ("0800 123 4567", "+558001234567", "0800 123 4567", False),
    ("0300 789 0123", "+553007890123", "0300 789 0123", False),
    ("4003-1234", "+5540031234", "4003-1234", False),
    ("0900 123 4567", "+559001234567", "0900 123 4567", True),
    ("Concorra! Ligue 0900 123 4567", "+559001234567", "0900 123 4567", True),
])
def test_non_geographic_numbers_and_premium_rate(text, e164, display, premium):
    target = normalize(text)
    assert (target.api_value, target.display, target.is_premium_rate) == (e164, display, premium)
    assert target.region_code == "BR"


@pytest.mark.parametrize("text, region_code", [
    ("(11) 98765-4321", "BR"), ("+1 650 253 0000", "US"), ("+44 20 7946 0958", "GB"),
    ("4000", ""),
])
def test_region_code(text, region_code):
    assert normalize(text).region_code == region_code


@pytest.mark.parametrize("text, digits", [
    ("4000", "4000"), (" 4001 ", "4001"), ("tel:4000", "4000"), ("4000.", "4000"),
    ("\u00a04002\u00a0", "4002"),
])
def test_a_whole_text_extension(text, digits):
    assert normalize(text) == DialTarget(digits, digits, is_extension=True)


@pytest.mark.parametrize("text, words", [
    ("\u00a0\u2003", "no number"),
    ("ligue amanhã", "No valid phone number"),
    ("ramal 4000", "No valid phone number"),  # an extension counts only as the whole text
    ("Pedido 4000 confirmado", "No valid phone number"),
    ("CPF 123.456.789-09", "No valid phone number"),
    ("CPF 119.876.543-21", "No valid phone number"),  # a CPF that also parses as a phone
    ("Vencimento 26/11/2026", "No valid phone number"),
    ("CEP 88015-100", "No valid phone number"),
    ("Total R$ 1.234,56", "No valid phone number"),
    ("Cel: (48) 3283-015", "No valid phone number"),
    ("(11) 98765-4321 ou (11) 91234-5678", "more than one phone number"),
    ("(11) 98765-4321 / (11) 91234-5678", "more than one phone number"),
    ("(11) 98765-4321, (11) 91234-5678", "more than one phone number"),
    ("Tel (48) 3283-0151 Cel (11) 98765-4321", "more than one phone number"),
    ("11 9876A-4321", "has letters"),
    ("1-800-FLOWERS", "has letters"),
    ("+55 11 98765-4321x", "has letters"),
    ("tel:+55-11-CALL-NOW", "has letters"),
    ("(48) 3283-015", "not a valid phone number"),
    ("(00) 1234-5678", "not a valid phone number"),
    ("00 99 1234 5678", "is not a phone number"),  # no country +99
    ("sip:4000@pbx.example.com", "SIP address"),
    ("SIP:ana@example.com", "SIP address"),
    ("x" * 100_000, "too long"),
    ("1" * 1001, "too long"),
    ("\u200f(11) 98765-4321", "hidden control characters"),  # right-to-left mark
    ("\u202e1234-5678 11", "hidden control characters"),  # right-to-left override
    ("(11) 98765-4321\x00", "hidden control characters"),
    ("٤٠٠٠", "only look like 0-9"),
    ("+55 11 ９８７６５-４３２１", "only look like 0-9"),
    ("＋55 11 98765-4321", "only look like 0-9"),
    ("(11) 98765-4321 \U0001d7d9", "only look like 0-9"),  # mathematical double-struck 1
])
def test_real_world_junk_is_refused(text, words):
    with pytest.raises(InvalidPhoneNumberError) as caught:
        normalize(text)
    message = caught.value.user_message()
    assert words in message
    assert message.isprintable() and len(message) < 200


# --- separators: signatures, web pages, chats and vCards ----------------------------
# No shell ever sees the text, so ";" and "|" are the separators they are on the page.

@pytest.mark.parametrize("text, expected", [
    # one number with a separator after or around it
    ("Tel.: (48) 3283-0151;", FLORIANOPOLIS),
    ("(48) 3283-0151;", FLORIANOPOLIS),
    ("(48) 3283-0151 ; ", FLORIANOPOLIS),
    ("(11) 98765-4321 | Comercial", SAO_PAULO),
    ("(11) 98765-4321|Comercial", SAO_PAULO),
    ("| (11) 98765-4321 |", SAO_PAULO),
    ("Comercial | (11) 98765-4321", SAO_PAULO),
    ("(48) 3283-0151 • Florianópolis/SC", FLORIANOPOLIS),
    ("• (48) 3283-0151", FLORIANOPOLIS),
    ("Fone: (48) 3283-0151 · Seg. a Sex., 8h–18h", FLORIANOPOLIS),
    ("(48) 3283-0151 – Ramal 2034", FLORIANOPOLIS),
    ("(48) 3283-0151 — Florianópolis/SC", FLORIANOPOLIS),
    ("(48) 3283-0151\t|\tFlorianópolis", FLORIANOPOLIS),
    ("(48) 3283-0151, Florianópolis", FLORIANOPOLIS),
    ("Tel./Fax: (48) 3283-0151", FLORIANOPOLIS),
    ("Fone/Fax: (48) 3283-0151 Ramal 2034", FLORIANOPOLIS),
    ("Cel.: +55 (11) 98765-4321 (WhatsApp)", SAO_PAULO),
    ("WhatsApp: (11) 98765-4321 • Seg. a Sex.", SAO_PAULO),
    ("+55 (48) 3283-0151 [Comercial]", FLORIANOPOLIS),
    ("...(48) 3283-0151...", FLORIANOPOLIS),
    ("14:30 (48) 3283-0151", FLORIANOPOLIS),
    # brackets and quotes from chats, Markdown and word processors
    ('"(48) 3283-0151"', FLORIANOPOLIS),
    ("'(48) 3283-0151'", FLORIANOPOLIS),
    ("“(48) 3283-0151”", FLORIANOPOLIS),
    ("«(48) 3283-0151»", FLORIANOPOLIS),
    ("[(48) 3283-0151]", FLORIANOPOLIS),
    ("{(48) 3283-0151}", FLORIANOPOLIS),
    ("`(11) 98765-4321`", SAO_PAULO),
    ("<tel:+554832830151>", FLORIANOPOLIS),
    ("Tel.: (48) 3283-0151 <tel:+554832830151>", FLORIANOPOLIS),  # Outlook's plain text
    ("tel:+554832830151|tel:+554832830151", FLORIANOPOLIS),
    # the same number twice is still one number
    ("(11) 98765-4321 | (11) 98765-4321", SAO_PAULO),
    ("(11)98765-4321|(11)98765-4321", SAO_PAULO),
    ("Tel.: (48) 3283-0151; Tel.: (48) 3283-0151", FLORIANOPOLIS),
    # "Tel:" is a label here, not a tel: URI
    ("Tel: (48) 3283-0151 Comercial", FLORIANOPOLIS),
    ("TEL: (48) 3283-0151 | Comercial", FLORIANOPOLIS),
    # e-mail signatures, several lines and one number
    ("Fulano de Tal\nGerente Comercial | Empresa Ltda.\nTel.: (48) 3283-0151 | www.empresa.com.br\n",
     FLORIANOPOLIS),
    ("Ana Souza\r\nAnalista de Suporte\r\nEmpresa Ltda. – Florianópolis/SC\r\n"
     "Cel./WhatsApp: +55 (11) 98765-4321\r\nana@empresa.com.br", SAO_PAULO),
    ("--\nAna Souza | Comercial\nT: (48) 3283-0151 | E: ana@empresa.com.br\n"
     "Av. Beira-Mar Norte, 2500 – Sala 301 – CEP 88015-100", FLORIANOPOLIS),
    ("Contato: Ana Souza · Cel/WhatsApp: (11) 98765-4321 · ana@empresa.com.br", SAO_PAULO),
    ("Atenciosamente,\n\nAna Souza\nTel.: (48) 3283-0151;\nEnviado do meu iPhone", FLORIANOPOLIS),
    # a web-page footer
    ("© 2026 Empresa Ltda. • CNPJ 12.345.678/0001-90 • Rua Felipe Schmidt, 515 – "
     "Centro, Florianópolis/SC • CEP 88010-001 • Tel.: (48) 3283-0151", FLORIANOPOLIS),
    ("Atendimento: (48) 3283-0151 | Seg. a Sex. das 8h às 18h | Política de Privacidade",
     FLORIANOPOLIS),
    # vCard lines
    ("TEL;TYPE=CELL:+55 11 98765-4321", SAO_PAULO),
    ("TEL;TYPE=work,voice;VALUE=uri:tel:+55-48-3283-0151", FLORIANOPOLIS),
    ("item1.TEL;type=CELL:(11) 98765-4321", SAO_PAULO),
    # tel: links: RFC 3966 parameters after ";", percent-encoded spaces
    ("tel:+55-48-3283-0151;phone-context=example.com", FLORIANOPOLIS),
    ("tel:4832830151;phone-context=+55", FLORIANOPOLIS),
    ("tel:+55-48-3283-0151;ext=2034", FLORIANOPOLIS),
    ("tel:+55%2048%203283%200151", FLORIANOPOLIS),
    ("tel:%2B5548%2032830151", FLORIANOPOLIS),
    # shell-looking characters do nothing here: the number beside them is the number
    ("(11) 98765-4321; rm -rf /", SAO_PAULO),
])
def test_a_number_between_separators_is_found(text, expected):
    target = normalize(text)
    assert (target.api_value, target.display) == expected
    assert find_dialable(text) == target


@pytest.mark.parametrize("text, digits", [
    ("4000;", "4000"), ("'4000'", "4000"), (":4000", "4000"), ("“4000”", "4000"),
    ("tel:4000;phone-context=pbx.example.com", "4000"),
])
def test_an_extension_between_separators(text, digits):
    assert normalize(text) == DialTarget(digits, digits, is_extension=True)


@pytest.mark.parametrize("text, words", [
    # two different numbers, however they are separated
    ("Tel.: (48) 3283-0151 | Cel.: (11) 98765-4321", "more than one phone number"),
    ("Tel: 48 3283-0151 · Cel: 11 98765-4321", "more than one phone number"),
    ("(11) 98765-4321; (11) 91234-5678", "more than one phone number"),
    ("tel:+5511987654321|tel:+5511912345678", "more than one phone number"),
    ("tel:+5511987654321,+5511912345678", "more than one phone number"),
    ("(11) 98765-4321 | (11) 91234-5678", "more than one phone number"),
    ("(11) 98765-4321 • (11) 91234-5678", "more than one phone number"),
    ("(11) 98765-4321 — (11) 91234-5678", "more than one phone number"),
    ("Tel: (48) 3283-0151 ou (11) 98765-4321", "more than one phone number"),
    ("Tel.: (48) 3283-0151;\nCel.: (11) 98765-4321;", "more than one phone number"),
    ("TEL;TYPE=WORK:+55 48 3283-0151\nTEL;TYPE=CELL:+55 11 98765-4321", "more than one phone number"),
    # a second number written without its area code, as signatures list them
    ("Tel.: (48) 3283-0151 / 3283-0152", "more than one phone number"),
    ("(48) 3283-0151 | 3283-0152", "more than one phone number"),
    ("(11) 98765-4321; 9 1234-5678", "more than one phone number"),
    # no number, or not a number, whatever the separators
    ("; ;", "no number"),
    ("tel:;phone-context=+55", "no number"),
    ("4000 | 4001", "No valid phone number"),
    ("11 98765;4321", "No valid phone number"),
    ("(48) 3283-015;", "not a valid phone number"),
    ("#11987654321;", "is not a phone number"),
    ("11 98765*4321 |", "is not a phone number"),
    ("1-800-FLOWERS;", "has letters"),
    ("(11) 9876A-4321 |", "has letters"),
    ("tel:+55%2011%209876A-4321", "has letters"),
    ("tel:+55-11-CALL-NOW;ext=1", "has letters"),
    ("(11) 98765-4321;\u202e", "hidden control characters"),
    ("tel:+554832830151%E2%80%AE", "hidden control characters"),  # encoded right-to-left override
    ("tel:+55%00", "hidden control characters"),
    ("٤٠٠٠;", "only look like 0-9"),
    ("1234567890123456;", "too long"),
])
def test_separators_do_not_hide_what_is_wrong(text, words):
    with pytest.raises(InvalidPhoneNumberError) as caught:
        normalize(text)
    message = caught.value.user_message()
    assert words in message
    assert message.isprintable() and len(message) < 200


@pytest.mark.parametrize("text, words", [
    ("4000; rm -rf /", "No valid phone number"),
    ("$(reboot)", "No valid phone number"),
    ("`reboot`", "No valid phone number"),
    ("4000 | sh", "No valid phone number"),
    ("4000 && reboot", "No valid phone number"),
    ("${IFS}4000", "No valid phone number"),
    ("tel:4000`id`", "No valid phone number"),
    ("11987654321\\", "is not a phone number"),
])
def test_shell_looking_text_without_a_number_is_refused_as_such(text, words):
    # Refused because there is no number in it, not for its ";", "|" or "$(": no shell
    # ever sees this text, and only the E.164 digits of a number found leave normalize().
    with pytest.raises(InvalidPhoneNumberError) as caught:
        normalize(text)
    message = caught.value.user_message()
    assert words in message
    assert message.isprintable() and len(message) < 200


def test_a_long_text_is_refused_quickly():
    started = time.perf_counter()
    for text in ("9" * 100_000, "(1" * 50_000, "Cel: (11) 98765-4321 " * 5000):
        with pytest.raises(InvalidPhoneNumberError, match="too long"):
            normalize(text)
    assert time.perf_counter() - started < 0.5


def test_refusals_in_portuguese():
    i18n.set_language("pt_BR")
    with pytest.raises(InvalidPhoneNumberError) as caught:
        normalize("(11) 98765-4321 ou (11) 91234-5678")
    assert "mais de um número" in caught.value.user_message()


# --- find_dialable ----------------------------------------------------------------------

def test_find_dialable_returns_the_target_or_none():
    assert find_dialable("Cel: (11) 98765-4321").api_value == SP_MOBILE
    assert find_dialable("4000").is_extension
    assert find_dialable("ligue amanhã") is None
    assert find_dialable("(11) 98765-4321 ou (11) 91234-5678") is None
    assert find_dialable("") is None
    assert find_dialable(None) is None


def test_find_dialable_never_raises_on_junk():
    rng = random.Random(20261126)
    samples = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))).decode(
        "utf-8", errors="replace") for _ in range(300)]
    samples += ["".join(rng.choice("0123456789 ()+-./:;a\u00a0\u2013") for _ in range(n))
                for n in (10, 50, 500, 999, 1000, 1001, 5000)]
    samples += ["\ud800", "\x00" * 10, "+" * 1000, "(" * 1000, "9" * 10_000, "tel:" * 300]
    for text in samples:
        target = find_dialable(text)
        assert target is None or (target.api_value.isascii() and target.api_value.lstrip("+").isdigit())
    assert find_dialable(12345) is None  # not even text: still no exception


def test_find_dialable_is_fast_on_typical_clipboard_text():
    texts = [
        "Oi! Segue o contato da Ana: Cel: (11) 98765-4321, e-mail ana@example.com.br",
        "https://example.com/pedidos/2026/11/26?id=123456",
        "Reunião amanhã às 14:30 na sala 4",
        "(48) 3283-0151",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.",
    ]
    started = time.perf_counter()
    for index in range(1000):
        find_dialable(texts[index % len(texts)])
    assert time.perf_counter() - started < 2


def test_the_written_out_white_space_is_every_white_space_character_up_to_u3000():
    from tvdesk.core.phone_numbers import _SPACES

    assert _SPACES == "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())
