"""Staff find a case by the complainant's full phone or its last four digits, its tracking code,
its number or a party's name, on the work list and through the API's `q` (issue 10, the
workspace); a role that may not see personal data does not find cases by phone."""

import pytest
from django.urls import reverse

from tousu.cases import actions
from tousu.cases.models import Case
from tousu.cases.selectors import cases_visible_to, search_cases


def register(h, **extra):
    fields = dict(actor=h.frontdesk, unit=h.units["front_office"], channel="phone", stage="after",
                  category="facilities", subject="退房排队久", description="等了半小时", complainant_name="钱先生",
                  complainant_phone="13812345678")
    fields.update(extra)
    return actions.register_case(**fields)


@pytest.fixture
def two(hotel):
    wanted = register(hotel, complainant_phone="139 0000 4321")
    other = register(hotel, complainant_phone="13700001111", subject="早餐冷")
    return wanted, other


def found(user, term, *, personal=True):
    return list(search_cases(cases_visible_to(user), term, personal=personal).values_list("pk", flat=True))


@pytest.mark.parametrize("term", ["13900004321", "139 0000 4321", "4321"])
def test_by_phone_in_full_or_its_last_four_digits(hotel, two, term):
    wanted, _other = two
    assert found(hotel.frontdesk, term) == [wanted.pk]


def test_by_tracking_code_and_number(hotel, two):
    wanted, _other = two
    code = Case.objects.get(pk=wanted.pk).tracking_code
    assert found(hotel.frontdesk, code) == [wanted.pk]
    assert found(hotel.frontdesk, f"  {code.lower()} ") == [wanted.pk]
    assert found(hotel.frontdesk, wanted.number) == [wanted.pk]


def test_by_a_partys_name(cg):
    case = actions.register_case(
        actor=cg.cg_handler, unit=cg.units["procurement_division"], channel="letter", category="result",
        subject="中标结果投诉", description="对评标结果不服。", complainant_name="青岛某特种电器有限公司",
        complainant_phone="0532-88936015",
        parties=[{"role": "purchaser", "name": "某省卫生健康委员会", "kind": "organisation"}])
    assert found(cg.cg_handler, "卫生健康委") == [case.pk]
    assert found(cg.cg_handler, "卫生健康委", personal=False) == [case.pk]  # an organisation is not masked
    assert found(cg.cg_handler, "88936015") == [case.pk]  # a phone written with its area code


def test_without_personal_data_a_phone_finds_nothing(hotel, two):
    assert found(hotel.frontdesk, "4321", personal=False) == []


def test_outside_ones_scope_nothing_is_found(hotel, two):
    assert found(hotel.fb_head, "4321") == []


def test_the_work_list_finds_by_last_four_digits(client, hotel, two):
    wanted, other = two
    client.force_login(hotel.frontdesk)
    page = client.get(reverse("web:my_work"), {"tab": "all", "q": "4321"}).content.decode()
    assert wanted.number in page and other.number not in page


def register_with_party(cg, name, kind="organisation"):
    return actions.register_case(
        actor=cg.cg_handler, unit=cg.units["procurement_division"], channel="letter", category="result",
        subject="中标结果投诉", description="对评标结果不服。", complainant_name="青岛某特种电器有限公司",
        complainant_phone="0532-88936015", parties=[{"role": "purchaser", "name": name, "kind": kind}])


@pytest.mark.parametrize("term", ["Acme华东", "acme华东分公司", "华东分", "ME华"])
def test_a_partys_name_by_its_beginning_or_any_part_of_it_in_any_letter_case(cg, term):
    case = register_with_party(cg, "ACME华东分公司")
    register_with_party(cg, "某市华东机电公司")
    assert found(cg.cg_handler, term, personal=False) == [case.pk]


def test_a_renamed_party_is_found_by_its_new_name_only(cg):
    """The name's index (SQLite's party term table) follows a change of the name, as an erasure
    of personal data (cases/retention.py) writes it."""
    from tousu.cases.models import CaseParty

    case = register_with_party(cg, "王建国", kind="person")
    assert found(cg.cg_handler, "王建国") == [case.pk]
    CaseParty.objects.filter(case=case, name="王建国").update(name="李卫东")
    assert found(cg.cg_handler, "王建国") == []
    assert found(cg.cg_handler, "李卫东") == [case.pk]
