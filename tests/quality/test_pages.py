"""The pages: logged-in staff only, scoped reads, steps taken by POST, xlsx that opens."""

import datetime as dt
from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook

from tousu.cases.models import CaseApproval
from tousu.quality.models import CorrectiveAction

from .helpers import at, closed, complaint

PAGES = ["/quality/", "/quality/reports/", "/quality/hotspots/", "/quality/repeats/", "/quality/ledger/",
         "/quality/library/", "/quality/actions/", "/quality/actions/new/"]


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def test_every_page_needs_a_logged_in_member_of_staff(hotel, client):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    client.force_login(hotel.stranger)
    for url in PAGES:
        assert client.get(url).status_code == 404, url
    client.force_login(hotel.frontdesk)
    for url in PAGES:
        assert client.get(url).status_code == 200, url


def test_the_handling_report_through_its_page(hotel, client):
    h = hotel
    case = closed(h.frontdesk, h.fo_head, h.units["front_office"], at(2026, 5, 12, 9), category="hygiene")
    url = f"/quality/cases/{case.pk}/report/"
    client.force_login(h.hk_staff)
    assert client.get(url).status_code == 404  # not their case
    client.force_login(h.frontdesk)
    assert "handling_report_submit" in client.get(url).content.decode()
    assert client.get(f"{url}handling_report_submit/").status_code == 405  # GET changes nothing
    response = client.post(f"{url}handling_report_submit/", {
        "cause": "无规范", "investigation": "已查明", "recommendation_kind": "training",
        "recommendation": "客房清洁培训"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "处理报告表：部门负责人签认 (前厅部). You may not take it." in page
    # Approving ahead of the signature is refused, naming the step whose turn it is.
    client.force_login(h.gm_office)
    response = client.post(f"{url}handling_report_decide/", {"note": "同意"})
    assert response.status_code == 400
    assert "处理报告表：部门负责人签认" in response.content.decode()
    client.force_login(h.fo_head)
    page = client.get(url).content.decode()
    assert f'action="{url}handling_report_decide/"' in page and "<h2>处理报告表：部门负责人签认 (前厅部)</h2>" in page
    assert client.post(f"{url}handling_report_decide/", {"note": ""}).status_code == 400  # say what you decide
    assert client.post(f"{url}handling_report_decide/", {"note": "同意"}).status_code == 302
    assert list(CaseApproval.objects.filter(case=case).values_list("state", "decided_by", "note")[:2]) == [
        ("granted", h.fo_head.pk, "同意"), ("pending", None, "")]
    page = client.get(url).content.decode()
    assert "waiting for: 处理报告表：营销部加签意见" in page and "同意" in page
    # A form that was read before someone else decided is refused, not applied to the next step.
    client.force_login(h.marketing)
    stale = {"note": "意见", "expected_version": case.version}
    assert client.post(f"{url}handling_report_decide/", stale).status_code == 400
    assert CaseApproval.objects.get(case=case, position=2).state == "pending"

    page = client.get("/quality/reports/", {"step": "处理报告表：营销部加签意见"}).content.decode()
    assert case.number in page
    assert case.number not in client.get("/quality/reports/", {"step": "done"}).content.decode()
    assert case.number not in client.get("/quality/reports/", {"step": "处理报告表：总经室审批"}).content.decode()


def test_hotspot_and_ledger_downloads_open_with_openpyxl(telecom, client):
    t = telecom
    for day in (4, 5, 6):
        complaint(t.agent, t.units["cs_center"], at(2026, 5, day, 10), category="weak_coverage", place="文一路小区")
    client.force_login(t.company_head)
    query = {"since": "2026-05-01", "until": "2026-05-31", "period": "month", "threshold": "3"}
    page = client.get("/quality/hotspots/", query).content.decode()
    assert "文一路小区" in page
    response = client.get("/quality/hotspots.xlsx", query)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1:] == ("信号覆盖弱", "文一路小区", 3)
    assert rows[1][0].date() == dt.date(2026, 5, 1)

    response = client.get("/quality/ledger.xlsx", {"month": "2026-05"})
    book = load_workbook(BytesIO(response.content))
    assert len(book.sheetnames) == 2 and "2026-05" in book.sheetnames[0]
    assert client.get("/quality/ledger/", {"month": "nonsense"}).status_code == 200


def test_corrective_action_and_publish_through_pages(hotel, client):
    h = hotel
    case = closed(h.frontdesk, h.fo_head, h.units["front_office"], at(2026, 5, 12, 9), category="hygiene")
    other = complaint(h.hk_staff, h.units["housekeeping"], at(2026, 5, 12, 9), category="hygiene")
    client.force_login(h.fo_head)
    form = {"title": "前厅清洁检查", "owner": h.frontdesk.pk, "due_date": "2026-06-30",
            "cases": f"{case.number}, {other.number}"}
    response = client.post("/quality/actions/new/", form)
    assert response.status_code == 400 and other.number in response.content.decode()  # not theirs
    response = client.post("/quality/actions/new/", {**form, "cases": case.number})
    item = CorrectiveAction.objects.get()
    assert response.status_code == 302 and list(item.cases.all()) == [case]
    client.force_login(h.frontdesk)
    assert client.post(f"/quality/actions/{item.pk}/progress/", {"text": "已完成检查表"}).status_code == 302
    assert client.post(f"/quality/actions/{item.pk}/progress/", {"done": "1"}).status_code == 302
    item.refresh_from_db()
    assert item.done_at is not None
    assert "已完成检查表" in client.get(f"/quality/actions/{item.pk}/").content.decode()

    client.force_login(h.fo_head)
    response = client.post(f"/quality/cases/{case.pk}/publish/", {"title": "清洁", "summary": "摘要", "lessons": "教训"})
    assert response.status_code == 302
    assert "教训" in client.get(response["Location"]).content.decode()
