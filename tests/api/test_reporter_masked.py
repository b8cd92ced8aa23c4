"""举报人保密 through the API: a reporter that is an organisation is masked for a reader without
personal data, as a person is; the company reported is not."""

from tests.cases.test_scenario_regulator import organisation_report


def test_an_organisation_reporter_is_masked_in_the_api(regulator, api):
    r = regulator
    case = organisation_report(r)
    masked = api(r.statistician).get(f"/cases/{case.pk}").json()
    assert "示例竞争者有限公司" not in str(masked)
    assert {p["role"]: p["name"] for p in masked["parties"]} == {"reporter": "示" + "*" * 8, "company": "巨柔情公司"}
    seen = api(r.handler).get(f"/cases/{case.pk}").json()
    assert {p["role"]: p["name"] for p in seen["parties"]}["reporter"] == "示例竞争者有限公司"


def test_the_api_registers_an_organisation_as_complainant(regulator, api):
    r = regulator
    answer = api(r.handler).create({
        "kind": "complaint", "unit": "consumer", "channel": "letter", "subject": "眼泪药", "description": "还我目目！",
        "complainant_name": "共赢教育网", "complainant_kind": "organisation", "category": "drugs"})
    assert answer.status_code == 201, answer.json()
    parties = answer.json()["parties"]
    assert [(p["role"], p["kind"], p["name"]) for p in parties] == [("complainant", "organisation", "共赢教育网")]
    wrong = api(r.handler).create({
        "kind": "complaint", "unit": "consumer", "channel": "letter", "subject": "x", "description": "x",
        "complainant_name": "x", "complainant_kind": "robot"})
    assert wrong.status_code == 422 or wrong.status_code == 400
