"""The tracking code is read aloud over the phone and typed on a keypad: capitals and digits
without look-alikes, in groups of five, found however the complainant types it."""

import re

import pytest

from tousu.cases import actions, tracking_codes

EN = {"headers": {"accept-language": "en"}}
CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$")


@pytest.fixture
def case(bank):
    return actions.register_case(actor=bank.cm, unit=bank.units["outlet_wenyi"], channel="phone",
                                 subject="柜台重复收取手续费", description="收了两次手续费。",
                                 complainant_name="李雷", complainant_phone="138-0013-8000")


def look_up(client, code, last4="8000"):
    return client.post("/portal/track/", {"tracking_code": code, "phone_last4": last4}, **EN)


def test_a_new_case_gets_a_code_without_look_alike_characters(case):
    assert CODE.match(case.tracking_code), case.tracking_code
    assert not set(case.tracking_code) & set("ILOUilou_abcdefghjkmnpqrstvwxyz")


def test_codes_are_random_and_distinct():
    codes = {tracking_codes.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert {ch for code in codes for ch in code.replace("-", "")} == set(tracking_codes.ALPHABET)


@pytest.mark.parametrize("typed", [
    lambda c: c.lower(),
    lambda c: c.replace("-", ""),
    lambda c: c.replace("-", " "),
    lambda c: f"  {c.replace('-', '').lower()} ",
])
def test_the_portal_finds_the_case_however_the_code_is_typed(client, case, typed):
    response = look_up(client, typed(case.tracking_code))
    assert response.status_code == 302  # not found: the form again, 200
    assert case.number in client.get("/portal/track/", **EN).content.decode()


def test_letters_typed_for_the_digits_they_resemble_still_find_the_case(client, bank):
    case = actions.register_case(actor=bank.cm, unit=bank.units["outlet_wenyi"], channel="phone",
                                 subject="排队时间过长", description="等了一个小时。",
                                 complainant_name="韩梅", complainant_phone="139-0013-9001")
    # The same case with a code holding 0 and 1, as a complainant might misread them.
    case.tracking_code = "10K0M-X1H4D-P9RW3"
    case.save(update_fields=["tracking_code"])
    assert look_up(client, "lOk0m xIh4d p9rw3", "9001").status_code == 302


def test_a_wrong_code_still_finds_nothing(client, case):
    other = tracking_codes.new_code()
    assert other != case.tracking_code
    response = look_up(client, other)
    assert response.status_code == 200 and "could not find" in response.content.decode()


def test_the_lookup_field_asks_the_keyboard_for_capitals(client, bank):
    page = client.get("/portal/track/", **EN).content.decode()
    assert re.search(r'id="id_tracking_code"[^>]*autocapitalize="characters"|autocapitalize="characters"[^>]*id="id_tracking_code"', page)
