"""The telecom team in a real browser (Debian's Chromium): the weak-coverage clusters, a site plan
linked to an area from its row, a done plan's effect, and an open plan shown on a new complaint's
page. Screenshots in test-artifacts/screenshots/h3-*.png."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser import shot
from tousu.cases import actions
from tousu.quality import actions as quality
from tousu.quality.models import CorrectiveAction
from tests.web_ui.test_browser_flows import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def weak(t, days_ago, place="", description="室内手机信号弱，经常无服务", now=None):
    return actions.register_case(
        actor=t.agent, unit=t.units["cs_center"], channel="work_order", category="weak_coverage",
        subject="手机信号弱", description=description, place=place, complainant_name="吴先生",
        complainant_phone="13300003333", now=now - dt.timedelta(days=days_ago))


def test_the_network_team_links_a_site_plan_and_sees_its_effect(live_server, page, telecom):
    t = telecom
    now = timezone.now()
    for days, place in ((100, "翠苑三区 12 幢"), (95, "翠苑二区"), (80, "")):
        weak(t, days, place, description="翠苑一区家里没有 4G 信号" if not place else "室内信号弱", now=now)
    done = quality.create_cluster_plan(actor=t.center_head, cluster="weak_coverage", area="cuiyuan",
                                       plan_kind="optimise", title="翠苑小区天线下倾角调整", owner=t.center_head,
                                       due_date=(now - dt.timedelta(days=35)).date(), now=now - dt.timedelta(days=70))
    weak(t, 60, "翠苑三区", now=now)
    weak(t, 50, "翠苑一区", now=now)
    quality.mark_done(actor=t.center_head, action_id=done.pk, note="已完成天线调整", now=now - dt.timedelta(days=40))
    weak(t, 20, "翠苑二区", now=now)
    for days in (12, 6):
        weak(t, days, "工业园区 A 座", now=now)

    log_in(page, live_server, "center_head")
    page.goto(live_server.url + "/quality/")
    page.get_by_role("link", name="弱覆盖投诉汇总").click()
    page.wait_for_selector("#clusters")
    assert page.inner_text("tr[data-area=cuiyuan] [data-count=complaints]") == "4"  # 80, 60, 50, 20 days ago
    assert page.inner_text("tr[data-area=industrial_park] [data-count=complaints]") == "2"
    shot(page, "h3-weak-coverage-clusters")

    page.click("tr[data-area=industrial_park] a.button")
    page.select_option("#id_plan_kind", "site")
    page.fill("#id_title", "工业园区新建宏站")
    page.select_option("#id_owner", str(t.center_head.pk))
    page.fill("#id_due_date", (now + dt.timedelta(days=60)).date().isoformat())
    page.fill("#id_description", "选址园区管委会楼顶，已报新工程")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#plan-kind")
    plan = CorrectiveAction.objects.get(area="industrial_park")
    assert plan.plan_kind == "site" and plan.cases.count() == 2
    assert page.inner_text("#plan-kind") == "新建基站（建站方案）"
    shot(page, "h3-site-plan-open")

    newest = weak(t, 0, "工业园区 C 座", now=now + dt.timedelta(minutes=1))
    page.reload()
    assert page.inner_text("#new-count") == "1" and newest.number in page.inner_text("#plan-new")
    page.goto(live_server.url + f"/staff/cases/{newest.pk}/")
    assert "工业园区新建宏站" in page.inner_text("#cluster-plans")
    shot(page, "h3-case-page-open-plan")

    page.goto(live_server.url + f"/quality/actions/{done.pk}/")
    # 30 days each side of the completion: 60 and 50 days ago before, 20 days ago after.
    assert page.inner_text("#plan-effect [data-count=before]") == "2"
    assert page.inner_text("#plan-effect [data-count=after]") == "1"
    assert page.inner_text("#plan-effect [data-count=change]") == "-1"
    shot(page, "h3-site-plan-effect")
