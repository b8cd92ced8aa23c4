"""The demo a new user sees: a dozen complaints in various states, made by the real actions."""

import pytest
from django.core.management import call_command

from tousu.cases.events import verify_all
from tousu.cases.models import Case
from tousu.demo import complaint_texts, redact


@pytest.mark.parametrize("preset", ["hotel", "bank", "telecom"])
def test_demo_has_a_dozen_complaints_in_various_states(db, preset, capsys):
    call_command("demo", preset=preset, setup_only=True)
    states = set(Case.objects.values_list("state", flat=True))
    assert Case.objects.count() == 12
    assert {"received", "accepted", "in_progress", "replied", "confirmed", "closed",
            "rejected", "withdrawn"} <= states
    assert list(verify_all()) == []
    out = capsys.readouterr().out
    assert "admin" in out and "demo1234" in out


def test_names_in_demo_texts_are_redacted():
    assert redact("前台冯小姐态度差，王经理不理，电话13912345678") == "前台某小姐态度差，某经理不理，电话****"


def test_demo_texts_fall_back_to_built_in_list(monkeypatch, tmp_path):
    monkeypatch.setenv("TOUSU_SHARED_DATA", str(tmp_path))
    assert len(complaint_texts()) >= 6


def test_the_procurement_demo_re_enacts_the_original_case(db, capsys):
    from tousu.cases.models import CaseApproval, CaseParty

    call_command("demo", preset="procurement", setup_only=True)
    case = Case.objects.get(subject="疫苗运输冷链建设项目评标结果投诉")
    assert case.kind == "procurement" and case.state == "accepted"
    assert set(CaseParty.objects.filter(case=case).values_list("role", flat=True)) == {
        "complainant", "purchaser", "agency", "agent"}
    assert len(case.data["items"]) == 3 and len(case.data["answers"]) == 2
    assert case.events.filter(action="investigate").exists()  # the committee's re-review
    # Reviewed by the division head, waiting for the leader's signature.
    assert list(CaseApproval.objects.filter(case=case).order_by("position").values_list("state", flat=True)) == [
        "granted", "pending"]
    assert Case.objects.filter(kind="procurement", state="received").count() == 1
    assert list(verify_all()) == []
    assert "cg_leader" in capsys.readouterr().out


@pytest.mark.parametrize(("preset", "states"), [
    ("regulator", {"mediating", "terminated", "refused", "received", "case_opened"}),
    ("hotline", {"joined", "contacted", "dispatched", "closed"}),
])
def test_the_regulator_and_hotline_demos_list_their_own_cases(db, preset, states, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", preset=preset, setup_only=True)
    assert Case.objects.count() == 6
    assert states <= set(Case.objects.values_list("state", flat=True))
    assert list(verify_all()) == []


HOTEL_WORDS = ("房间", "前台", "酒店", "早餐", "客房", "入住", "退房", "毛巾")


@pytest.mark.parametrize("preset, words", [
    ("bank", ("排队", "手续费", "卡", "理财", "柜员")),
    ("telecom", ("信号", "宽带", "账单", "网络", "营业厅")),
])
def test_each_presets_demo_complaints_fit_its_organisation(db, preset, words, capsys):
    call_command("demo", preset=preset, setup_only=True)
    texts = list(Case.objects.values_list("subject", "description", "category"))
    assert len(texts) == 12
    blob = " ".join(s + d for s, d, _c in texts)
    assert not [w for w in HOTEL_WORDS if w in blob]
    assert all(w in blob for w in words)
    from tousu.org.services import current_policy

    assert {c for *_t, c in texts} <= set(current_policy().kind().categories)
