"""A kind of case written only in TOML (tests/presets/two_kinds.toml), carried from intake to
close through the staff pages, the API and the portal, with no Python written for it: a new
state, actions with new target states, a three-step approval chosen by the level, a level raise
that starts a 30-minute clock, and an outside party (the company complained about)."""

import datetime as dt
import io
from pathlib import Path

import docx
import pytest
from django.test import Client

from tousu.cases import actions
from tousu.cases.events import verify_case
from tousu.cases.models import Case, CaseApproval, Clock
from tousu.org.models import Unit
from tousu.org.services import apply_preset, create_person, create_preset_people

PRESET = Path(__file__).resolve().parent.parent / "presets" / "two_kinds.toml"


@pytest.fixture
def org(db):
    apply_preset(str(PRESET))
    people = create_preset_people(password="pw")
    return people, {u.code: u for u in Unit.objects.all()}


def staff(user) -> Client:
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(user)
    return client


def act(client, case, action, **fields):
    data = {f"{action}-{name}": value for name, value in fields.items()}
    return client.post(f"/staff/cases/{case.pk}/act/{action}/", {**data, "expected_version": case.version})


def test_a_kind_written_in_toml_runs_from_intake_to_close(org, api):
    people, units = org
    frontdesk, fo_head = people["frontdesk"], people["fo_head"]

    # Staff intake (phone, after the read-back): the product kind, with the maker as a party.
    desk = staff(frontdesk)
    response = desk.post("/staff/intake/phone/", {
        "step": "confirm", "unit": units["front_office"].pk, "kind": "product",
        "subject": "电热水壶起火", "description": "客房的电热水壶使用时起火。", "complainant_name": "王先生",
        "complainant_phone": "13800005678", "category": "fire", "severity": 2,
        "party_role": "product:maker", "party_name": "某某电器有限公司", "party_kind": "organisation",
        "party_product": "KX-200 电热水壶", "party_address": "宁波市"})
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(subject="电热水壶起火")
    assert case.kind == "product" and case.number.startswith("CP-") and case.state == "received"
    assert case.parties.get(role="maker").product == "KX-200 电热水壶"
    assert case.parties.get(role="complainant").name == "王先生"
    assert Clock.objects.get(case=case, name="review").state == Clock.RUNNING

    # The case page offers the kind's own actions, under the preset's labels.
    page = desk.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "开始审查" in page and "某某电器有限公司" in page and "Accept" not in page
    assert 'id="handling-report"' not in page  # the hotel's report chain is the complaint kind's
    assert act(desk, case, "start_review", note="先审查").status_code == 302
    case.refresh_from_db()
    assert case.state == "reviewing" and case.is_open

    # Through the API: raising the level to 重大 starts the 30-minute report clock.
    desk_api = api(frontdesk)
    kinds = desk_api.get("/kinds").json()
    product = next(k for k in kinds if k["code"] == "product")
    assert {"reviewing", "decided"} <= {s["code"] for s in product["states"]}
    raised = desk_api.post(f"/cases/{case.pk}/actions/raise_level", {"inputs": {"reason": "涉及人身安全"}})
    assert raised.status_code == 200, raised.json()
    body = raised.json()
    assert body["severity"] == 1
    assert any(p["role"] == "maker" and p["product"] == "KX-200 电热水壶" for p in body["parties"])
    clock = Clock.objects.get(case=case, name="fast_report")
    assert clock.due_at - clock.started_at == dt.timedelta(minutes=30)

    # At level 1 the decision needs three approvals, in order; the first is the handling head's.
    case.refresh_from_db()
    assert act(desk, case, "ask_approval", proposal="召回并赔偿").status_code == 302
    steps = list(CaseApproval.objects.filter(case=case).order_by("position"))
    assert [s.role for s in steps] == ["dept_head", "deputy_gm", "gm"]
    assert Clock.objects.get(case=case, name="fast_report").state == Clock.STOPPED
    case.refresh_from_db()
    refused = act(desk, case, "decide", text="召回")  # not before the chain is through
    assert refused.status_code == 400 and "处理决定尚未审批通过" in refused.content.decode()
    case.refresh_from_db()
    assert case.state == "reviewing"
    # The GM may not approve before the earlier steps.
    early = api(people["gm"]).post(f"/cases/{case.pk}/actions/approve", {"inputs": {"note": "同意"}})
    assert early.status_code == 403
    # The head's step may not send the matter back, so it is not offered to the head.
    head_page = staff(fo_head).get(f"/staff/cases/{case.pk}/").content.decode()
    assert 'data-action="approve"' in head_page and 'data-action="send_back"' not in head_page
    for person in (fo_head, people["deputy"], people["gm"]):
        granted = api(person).post(f"/cases/{case.pk}/actions/approve", {"inputs": {"note": "同意"}})
        assert granted.status_code == 200, granted.json()
        if person == fo_head:  # the deputy GM's step has a day to decide: its clock runs now
            step_clock = Clock.objects.get(case=case, name="approval:decision:2")
            assert step_clock.state == Clock.RUNNING and step_clock.label == "分管副总审批"
    assert Clock.objects.get(case=case, name="approval:decision:2").state == Clock.STOPPED
    assert set(CaseApproval.objects.filter(case=case).values_list("state", flat=True)) == {CaseApproval.GRANTED}

    case.refresh_from_db()
    assert act(desk, case, "decide", text="召回同批次产品并赔偿").status_code == 302
    case.refresh_from_db()
    assert case.state == "decided"

    # The decision letter was written as a .docx with the parties and the decision, and is
    # served on the company complained about.
    letter = case.documents.get(name="decision_letter")
    page = desk.get(f"/staff/cases/{case.pk}/").content.decode()
    assert f"产品质量投诉处理决定书（{case.number}）" in page
    download = desk.get(f"/staff/cases/{case.pk}/documents/{letter.pk}/")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(b"".join(download.streaming_content))).paragraphs)
    assert "某某电器有限公司" in text and "王先生" in text and "召回同批次产品并赔偿" in text
    assert Client().get(f"/staff/cases/{case.pk}/documents/{letter.pk}/").status_code == 302  # login first
    assert act(desk, case, "serve_decision", method="post").status_code == 302
    maker = case.parties.get(role="maker")
    assert maker.served_at is not None and maker.served_how == "邮寄"
    served = case.events.get(action="serve_decision")
    assert served.new["served"] == ["某某电器有限公司"] and served.new["served_document"] == letter.title
    case.refresh_from_db()

    # The complainant rates the decision on the portal, as themselves: the case closes.
    portal = Client()
    assert portal.post("/portal/track/", {"tracking_code": case.tracking_code, "phone_last4": "5678"}).status_code == 302
    shown = portal.get("/portal/track/").content.decode()
    assert "已作出决定，请评价" in shown and "认可" in shown
    rated_page = portal.post("/portal/track/rate/", {"result": "content", "version": case.version}, follow=True)
    assert rated_page.status_code == 200
    case.refresh_from_db()
    assert case.state == "closed" and not case.is_open and case.callback_result == "content"
    rated = case.events.get(action="rate")
    assert rated.actor is None and rated.actor_party.role == "complainant"
    assert verify_case(case) is None
    assert Case.objects.filter(is_open=True, pk=case.pk).count() == 0


def test_lists_filter_by_kind(org, api):
    people, units = org
    desk = people["frontdesk"]
    for kind, subject, stage in (("product", "充电器发烫", ""), ("complaint", "房间有异味", "after")):
        actions.register_case(actor=desk, unit=units["front_office"], channel="phone", subject=subject,
                              description="……", complainant_name="李女士", stage=stage, kind=kind)
    listed = api(desk).get("/cases", kind="product").json()
    assert [item["subject"] for item in listed["items"]] == ["充电器发烫"]
    assert api(desk).get("/cases", kind="parcel").status_code == 422
    page = staff(desk).get("/staff/", {"tab": "mine", "kind": "product"}).content.decode()
    assert "充电器发烫" in page and "房间有异味" not in page and 'name="kind"' in page


def test_the_portal_offers_the_kinds_own_complainant_actions(org):
    people, units = org
    case = actions.register_case(actor=people["frontdesk"], unit=units["front_office"], channel="phone",
                                 subject="吹风机漏电", description="……", complainant_name="赵女士",
                                 complainant_phone="13900001111", kind="product")
    portal = Client()
    portal.post("/portal/track/", {"tracking_code": case.tracking_code, "phone_last4": "1111"})
    page = portal.get("/portal/track/").content.decode()
    assert "撤回投诉" in page and 'id="action-complainant_withdraws"' in page
    empty = portal.post("/portal/track/act/complainant_withdraws/", {
        "complainant_withdraws-version": case.version, "complainant_withdraws-reason": ""})
    assert empty.status_code == 400 and Case.objects.get(pk=case.pk).state == "received"
    done = portal.post("/portal/track/act/complainant_withdraws/", {
        "complainant_withdraws-version": case.version, "complainant_withdraws-reason": "已与商家和解"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.state == "withdrawn" and not case.is_open and case.reason == "已与商家和解"
    event = case.events.get(action="complainant_withdraws")
    assert event.actor is None and event.actor_party.name == "赵女士"
    # Staff may not take the complainant's action, and the complainant none of the staff's.
    again = portal.post("/portal/track/act/start_review/", {"start_review-version": case.version})
    assert again.status_code == 302 and Case.objects.get(pk=case.pk).event_count == case.event_count


def _product_case(people, units, now):
    return actions.register_case(actor=people["frontdesk"], unit=units["front_office"], channel="phone",
                                 subject="取暖器外壳变形", description="……", complainant_name="钱先生",
                                 kind="product", now=now)


def test_a_paused_working_day_clock_keeps_its_working_time_over_a_weekend(org):
    from tousu.cases.engine import perform
    from tousu.domain.calendar import working_seconds_between
    from tousu.org.services import org_timezone, work_calendar

    people, units = org
    tz = org_timezone()
    friday = dt.datetime(2026, 3, 6, 10, 0, tzinfo=tz)
    case = _product_case(people, units, friday - dt.timedelta(hours=1))
    perform("start_review", actor=people["frontdesk"], case_id=case.pk, now=friday - dt.timedelta(minutes=30))
    due_before = Clock.objects.get(case=case, name="review").due_at
    perform("suspend", actor=people["frontdesk"], case_id=case.pk, inputs={"reason": "送检"}, now=friday)
    assert Clock.objects.get(case=case, name="review").state == Clock.PAUSED
    saturday = dt.datetime(2026, 3, 7, 10, 0, tzinfo=tz)  # resumed on a day off
    perform("resume_review", actor=people["frontdesk"], case_id=case.pk, now=saturday)
    clock = Clock.objects.get(case=case, name="review")
    assert clock.state == Clock.RUNNING
    calendar = work_calendar()
    assert (working_seconds_between(saturday, clock.due_at, tz, calendar)
            == working_seconds_between(friday, due_before, tz, calendar))
    # 14 hours of Friday and five whole working days were left; counting starts again on Monday,
    # so the clock ends at 14:00 on the following Monday. Wall-clock seconds would have ended it
    # at the Monday's midnight, ten hours of working time too early.
    assert clock.due_at.astimezone(tz) == dt.datetime(2026, 3, 16, 14, 0, tzinfo=tz)


def test_a_late_review_raises_the_level_and_the_decision_starts_a_six_month_period(org):
    from tousu.cases.engine import perform
    from tousu.cases.sweep import sweep
    from tousu.org.services import org_timezone

    people, units = org
    tz = org_timezone()
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=tz)  # a Monday
    case = _product_case(people, units, start)
    assert case.severity == 3
    due = Clock.objects.get(case=case, name="review").due_at
    sweep(now=due + dt.timedelta(minutes=1))
    case.refresh_from_db()
    assert case.severity == 2  # 一般 -> 较大, and the breach is on the chain
    assert case.events.filter(action="clock_breached").count() == 1
    perform("start_review", actor=people["frontdesk"], case_id=case.pk, now=due + dt.timedelta(hours=1))
    perform("ask_approval", actor=people["frontdesk"], case_id=case.pk, inputs={"proposal": "退货"},
            now=due + dt.timedelta(hours=2))
    perform("approve", actor=people["fo_head"], case_id=case.pk, now=due + dt.timedelta(hours=3))
    decided_at = dt.datetime(2026, 8, 31, 15, 0, tzinfo=tz)
    perform("decide", actor=people["frontdesk"], case_id=case.pk, inputs={"text": "退货退款"}, now=decided_at)
    lawsuit = Clock.objects.get(case=case, name="lawsuit")
    # Six months from 31 August end with the last day of February (民法典 art. 202).
    assert lawsuit.due_at.astimezone(tz) == dt.datetime(2027, 3, 1, 0, 0, tzinfo=tz)


def test_a_level_may_be_visible_only_to_some_roles(org, api):
    """重大 (level 1) is for the heads and the case's owner: other staff of the unit lose sight."""
    from tousu.cases.engine import perform

    people, units = org
    desk = people["frontdesk"]
    fo_staff = create_person(username="fo_staff2", name="前台 小李", unit=units["front_office"],
                             roles=["staff"], password="pw")
    case = _product_case(people, units, None)
    perform("start_review", actor=desk, case_id=case.pk)
    assert api(fo_staff).get(f"/cases/{case.pk}").status_code == 200  # 一般: the unit sees it
    for reason in ("较大", "重大"):
        perform("raise_level", actor=desk, case_id=case.pk, inputs={"reason": reason})
    case.refresh_from_db()
    assert case.severity == 1
    assert api(desk).get(f"/cases/{case.pk}").status_code == 200  # its owner
    assert api(people["fo_head"]).get(f"/cases/{case.pk}").status_code == 200  # a head
    assert api(fo_staff).get(f"/cases/{case.pk}").status_code == 404
    assert staff(fo_staff).get(f"/staff/cases/{case.pk}/").status_code == 404
    assert case.pk not in [c["id"] for c in api(fo_staff).get("/cases").json()["items"]]


def test_the_handling_report_link_shows_where_the_kind_runs_the_report(org):
    people, units = org
    complaint = actions.register_case(actor=people["frontdesk"], unit=units["front_office"], channel="phone",
                                      subject="房间有异味", description="……", complainant_name="李女士",
                                      stage="after")
    page = staff(people["frontdesk"]).get(f"/staff/cases/{complaint.pk}/").content.decode()
    assert 'id="handling-report"' in page
