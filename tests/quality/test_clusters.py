"""Text 四: weak-coverage complaints gathered by area (`[clusters.weak_coverage]` in telecom.toml),
a plan (建站 / 优化 / 维修, with its owner and planned date) linked to an area's cluster, the
new complaints of the area shown against the open plan (also on their case page), and once
the plan is done, its effect: the area's complaints before and after its completion, over two
windows of the same length. Counted by hand on a fixture summer."""

import time_machine
import pytest
from django.test import Client

from tests.times import at
from tousu.cases import actions
from tousu.domain.policy import PolicyError, parse_policy, read_preset
from tousu.quality import actions as quality
from tousu.quality import clusters
from tousu.quality.models import CorrectiveAction

CLUSTERS = "/quality/clusters/weak_coverage/"


def complaint(t, when, *, place="", description="室内手机信号弱", category="weak_coverage", subject="信号弱"):
    with time_machine.travel(when, tick=False):
        return actions.register_case(
            actor=t.agent, unit=t.units["cs_center"], channel="work_order", category=category,
            subject=subject, description=description, place=place, complainant_name="吴先生",
            complainant_phone="13300003333")


def staff(user) -> Client:
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(user)
    return client


def rows(page: str) -> dict[str, str]:
    """Area name -> complaint count, as the clusters table shows them."""
    import re

    table = page.split('id="clusters"')[1].split("</table>")[0]
    return dict(re.findall(r'<th scope="row">([^<]+)</th><td data-count="complaints">(\d+)</td>', table))


@pytest.fixture
def summer(telecom):
    """Weak-coverage complaints of June and July 2026 (and one of March, out of the window)."""
    t = telecom
    return {
        "a": complaint(t, at(2026, 7, 1, 9, 0), place="翠苑三区 12 幢"),
        "b": complaint(t, at(2026, 7, 10, 9, 0), description="翠苑二区地下车库没有信号"),  # no place: the text
        "j": complaint(t, at(2026, 7, 28, 9, 0), place="翠苑一区"),
        "park": complaint(t, at(2026, 7, 20, 9, 0), place="工业园区 A 座"),  # alone in its area
        "lake1": complaint(t, at(2026, 6, 20, 9, 0), place="湖滨路 8 号"),  # an area the preset does not name
        "lake2": complaint(t, at(2026, 7, 25, 9, 0), place="湖滨路 8 号"),
        "old": complaint(t, at(2026, 3, 1, 9, 0), place="翠苑一区"),  # before the 90 days
        "bill": complaint(t, at(2026, 7, 15, 9, 0), place="翠苑三区", category="billing", subject="多扣费"),
    }


def test_complaints_are_gathered_by_area(telecom, summer):
    with time_machine.travel(at(2026, 8, 1, 10, 0), tick=False):
        page = staff(telecom.center_head).get(CLUSTERS).content.decode()
    assert "弱覆盖投诉汇总" in page
    assert rows(page) == {"翠苑小区": "3", "湖滨路 8 号": "2"}  # 工业园区 has one: no cluster
    assert "建站" not in page.split('id="clusters"')[1]  # no plan yet: only the link to make one


def test_a_plan_is_linked_to_an_area_and_new_complaints_show_against_it(telecom, summer):
    t = telecom
    with time_machine.travel(at(2026, 8, 1, 10, 0), tick=False):
        form = staff(t.center_head).get(CLUSTERS + "plan/?area=cuiyuan").content.decode()
        assert "新建基站（建站方案）" in form and summer["b"].number in form
        response = staff(t.center_head).post(CLUSTERS + "plan/?area=cuiyuan", {
            "area": "cuiyuan", "plan_kind": "site", "title": "翠苑小区新建宏站", "owner": t.center_head.pk,
            "due_date": "2026-09-30", "description": "选址翠苑二区物业楼顶"})
    assert response.status_code == 302
    plan = CorrectiveAction.objects.get()
    assert (plan.cluster, plan.area, plan.plan_kind, str(plan.due_date), plan.owner) == (
        "weak_coverage", "cuiyuan", "site", "2026-09-30", t.center_head)
    assert set(plan.cases.all()) == {summer["a"], summer["b"], summer["j"]}

    h = complaint(t, at(2026, 8, 5, 9, 0), place="翠苑三区 5 幢")
    k = complaint(t, at(2026, 8, 12, 9, 0), description="翠苑一区晚上经常掉线")
    complaint(t, at(2026, 8, 6, 9, 0), place="工业园区 B 座")  # another area
    with time_machine.travel(at(2026, 8, 13, 10, 0), tick=False):
        page = staff(t.center_head).get(f"/quality/actions/{plan.pk}/").content.decode()
        listing = staff(t.center_head).get(CLUSTERS).content.decode()
        case_page = staff(t.agent).get(f"/staff/cases/{k.pk}/").content.decode()
    new = page.split('id="plan-new"')[1].split("</ul>")[0]
    assert h.number in new and k.number in new and summer["j"].number not in new
    assert '<span id="new-count">2</span>' in page and "新建基站（建站方案）" in page and "翠苑小区" in page
    assert "翠苑小区新建宏站" in listing and "2026-09-30" in listing
    assert "2 条新投诉" in listing.split('data-area="cuiyuan"')[1].split("</tr>")[0]
    note = case_page.split('id="cluster-plans"')[1].split("</div>")[0]
    assert "翠苑小区新建宏站" in note and "2026-09-30" in note


def test_a_plan_for_an_area_without_complaints_or_of_an_unknown_kind_is_refused(telecom, summer):
    t = telecom
    with time_machine.travel(at(2026, 8, 1, 10, 0), tick=False):
        response = staff(t.center_head).post(CLUSTERS + "plan/?area=university_town", {
            "area": "university_town", "plan_kind": "site", "title": "大学城建站", "owner": t.center_head.pk,
            "due_date": "2026-09-30"})
        assert response.status_code == 400 and "最近 90 天" in response.content.decode()
        with pytest.raises(actions.InvalidInput):
            quality.create_cluster_plan(actor=t.center_head, cluster="weak_coverage", area="cuiyuan",
                                        plan_kind="teleport", title="x", owner=t.center_head,
                                        due_date=at(2026, 9, 30).date())
    assert not CorrectiveAction.objects.exists()


def test_the_effect_compares_the_area_before_and_after_the_plan_was_done(telecom, summer):
    t = telecom
    with time_machine.travel(at(2026, 8, 1, 10, 0), tick=False):
        plan = quality.create_cluster_plan(actor=t.center_head, cluster="weak_coverage", area="cuiyuan",
                                           plan_kind="optimise", title="翠苑小区天线调整", owner=t.team_lead,
                                           due_date=at(2026, 8, 20).date())
    complaint(t, at(2026, 8, 5, 9, 0), place="翠苑三区 5 幢")
    complaint(t, at(2026, 8, 12, 9, 0), description="翠苑一区晚上经常掉线")
    quality.mark_done(actor=t.team_lead, action_id=plan.pk, note="已调整天线下倾角", now=at(2026, 8, 20, 10, 0))
    complaint(t, at(2026, 8, 25, 9, 0), place="翠苑二区")
    complaint(t, at(2026, 8, 26, 9, 0), place="湖滨路 8 号")  # another area

    def effect(now):
        with time_machine.travel(now, tick=False):
            page = staff(t.center_head).get(f"/quality/actions/{plan.pk}/").content.decode()
        table = page.split('id="effect-h"')[1].split("</section>")[0]
        return table

    today = effect(at(2026, 8, 20, 15, 0))
    assert "明天" in today and 'id="plan-effect"' not in today
    # Ten days on: ten days each side. Before [10 Aug, 20 Aug): the 12 Aug one; after: the 25 Aug one.
    ten = effect(at(2026, 8, 30, 10, 0))
    assert ('data-count="before">1<' in ten and 'data-count="after">1<' in ten and "10 天" in ten
            and "30 天" in ten)
    # Past 30 days: 30 days each. Before [21 Jul, 20 Aug): 28 Jul, 5 Aug, 12 Aug; after: 25 Aug.
    full = effect(at(2026, 9, 25, 10, 0))
    assert 'data-count="before">3<' in full and 'data-count="after">1<' in full and 'data-count="change">-2<' in full
    with time_machine.travel(at(2026, 9, 25, 10, 0), tick=False):
        spec = clusters.policy_clusters()["weak_coverage"]
        plan.refresh_from_db()
        assert clusters.effect(t.center_head, spec, plan, now=at(2026, 9, 25, 10, 0))["days"] == 30


def test_only_staff_see_clusters(telecom):
    assert staff(telecom.stranger).get(CLUSTERS).status_code == 404
    assert staff(telecom.center_head).get("/quality/clusters/nothing/").status_code == 404
    nav = staff(telecom.center_head).get("/quality/").content.decode()
    assert f'href="{CLUSTERS}"' in nav and "弱覆盖投诉汇总" in nav


def test_a_preset_without_clusters_has_none(hotel):
    assert staff(hotel.gm).get(CLUSTERS).status_code == 404
    assert "/quality/clusters/" not in staff(hotel.gm).get("/quality/").content.decode()


def test_a_cluster_naming_an_unknown_category_is_a_mistake_named_by_its_key():
    doc = read_preset("telecom")
    doc["clusters"]["weak_coverage"]["categories"] = ["coverage_typo"]
    doc["clusters"]["weak_coverage"]["threshold"] = 0
    with pytest.raises(PolicyError) as found:
        parse_policy(doc)
    text = str(found.value)
    assert "clusters.weak_coverage.categories.0: unknown category 'coverage_typo'" in text
    assert "clusters.weak_coverage.threshold" in text
