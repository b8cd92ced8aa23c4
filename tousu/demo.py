"""Demo data: the preset's people and a dozen complaints in various states, made through the
real actions. Texts come from the hotel reviews in ../shared/data when that file is there
(negative reviews, names redacted), from a small built-in list otherwise."""

from __future__ import annotations

import csv
import os
import re
from datetime import timedelta
from itertools import cycle
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from tousu.cases import actions
from tousu.cases.selectors import ladder_holder
from tousu.org.models import Unit
from tousu.org.services import create_preset_people, organisation

DEMO_PASSWORD = "demo1234"
ADMIN_USERNAME, ADMIN_PASSWORD = "admin", "admin1234"
REVIEWS = "ChnSentiCorp_htl_all.csv"
BUILT_IN = [
    "服务态度极其差，前台接待好像没有受过培训，连基本的礼貌都不懂。",
    "房间隔音很差，隔壁说话听得清清楚楚，整晚没睡好。",
    "卫生间有头发，毛巾有异味，要求换房也没人理。",
    "空调坏了，报修两次都没人来修。",
    "早餐品种少，菜都是冷的。",
    "退房结账时多收了一晚房费，解释半天才退。",
]
# 王先生, 冯小姐, 李经理 ... -> 某先生; phone-like digit runs -> ****
NAME_RE = re.compile(r"[\u4e00-\u9fa5](先生|小姐|女士|经理|师傅|老板|总)")
SURNAME_RE = re.compile(r"姓[\u4e00-\u9fa5]")
DIGITS_RE = re.compile(r"\d{7,}")


def redact(text: str) -> str:
    text = NAME_RE.sub(lambda m: "某" + m.group(1), text)
    text = SURNAME_RE.sub("姓某", text)
    return DIGITS_RE.sub("****", text)


def data_dir() -> Path:
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    return Path(os.environ.get("TOUSU_SHARED_DATA", default))


def complaint_texts(limit: int = 12) -> list[str]:
    path = data_dir() / REVIEWS
    texts: list[str] = []
    if path.is_file():
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                review = (row.get("review") or "").strip()
                if row.get("label") == "0" and 20 <= len(review) <= 160:
                    texts.append(redact(review))
                if len(texts) >= limit:
                    break
    return texts or list(BUILT_IN)


def subject_of(text: str) -> str:
    first = re.split(r"[。！!？?，,；;\n]", text, maxsplit=1)[0]
    return (first or text)[:40]


def create_admin():
    User = get_user_model()
    admin, _created = User.objects.get_or_create(username=ADMIN_USERNAME, defaults={
        "is_staff": True, "is_superuser": True, "first_name": "系统管理员"})
    admin.set_password(ADMIN_PASSWORD)
    admin.save()
    return admin


def load_demo() -> dict:
    """People and a dozen complaints for the organisation's preset. Returns the people."""
    create_admin()
    people = create_preset_people(DEMO_PASSWORD)
    policy_doc = organisation().policy
    specs = policy_doc.get("demo", {}).get("people", [])
    ladder = [step["role"] for step in policy_doc["ladder"]["steps"]]
    first_role = ladder[0]
    policy = actions.current_policy()
    staff = [people[s["username"]] for s in specs
             if first_role in s["roles"] and _has_head(policy, Unit.objects.get(code=s["unit"]))]
    if not staff:
        return people
    channels = list(policy_doc.get("channels", {}))
    categories = list(policy_doc.get("categories", {})) or [""]
    stages = list(policy_doc.get("stages", {})) or [""]
    now = timezone.now()
    texts = cycle(complaint_texts())
    # How far each demo case is carried, in order: a dozen cases in various states.
    plans = ["received", "accepted", "accepted_overdue", "escalated", "resolved", "replied",
             "confirmed", "closed", "closed", "rejected", "withdrawn", "not_satisfied"]
    for index, plan in enumerate(plans):
        person = staff[index % len(staff)]
        unit = Unit.objects.get(code=next(s["unit"] for s in specs if s["username"] == person.username))
        text = next(texts)
        started = now - timedelta(days=12 if plan == "accepted_overdue" else index % 3, hours=index)
        case = actions.register_case(
            actor=person, unit=unit, channel=channels[index % len(channels)],
            subject=subject_of(text), description=text,
            stage=stages[-1] if plan == "accepted_overdue" else stages[index % len(stages)],
            requested_by=started + timedelta(hours=3) if index % len(stages) == 0 else None,
            category=categories[index % len(categories)],
            complainant_name=["张先生", "李女士", "王先生", "赵女士"][index % 4],
            complainant_phone=f"1380000{index:04d}", place="", now=started)
        _carry(case, plan, person, started)
    return people


def _has_head(policy, unit) -> bool:
    try:
        ladder_holder(policy, 1, unit)
    except actions.Refused:
        return False
    return True


def _carry(case, plan: str, person, started) -> None:
    if plan == "received":
        return
    if plan == "rejected":
        holder = ladder_holder(actions.current_policy(), 1, case.handling_unit)
        actions.reject_case(actor=holder, case_id=case.pk, reason="经核实不属于投诉（咨询类）", now=started)
        return
    actions.accept_case(actor=person, case_id=case.pk, now=started)
    if plan in ("accepted", "accepted_overdue"):
        return
    if plan == "withdrawn":
        actions.withdraw_case(actor=person, case_id=case.pk, reason="客人表示不再追究", now=started)
        return
    if plan == "escalated":
        actions.escalate_case(actor=person, case_id=case.pk, reason="客人要求超出本人权限", now=started)
        return
    actions.propose_resolution(actor=person, case_id=case.pk, resolution="致歉并为客人更换房间", now=started)
    if plan == "resolved":
        return
    actions.reply_case(actor=person, case_id=case.pk, text="已向客人致歉并更换房间，感谢您的意见。", now=started)
    if plan == "replied":
        return
    result = "not_satisfied" if plan == "not_satisfied" else "satisfied"
    case = actions.record_callback(actor=person, case_id=case.pk, result=result, now=started)
    if plan != "closed":
        return
    policy = actions.current_policy()
    closer = ladder_holder(policy, 1, case.handling_unit)
    if "signed_off" in policy.actions["close"].requires:
        signer = next(m.user for m in case.handling_unit.memberships.select_related("user", "role")
                      if policy.roles[m.role.code].sign_off)
        actions.sign_off_case(actor=signer, case_id=case.pk, now=started)
    actions.close_case(actor=closer, case_id=case.pk, note="客人满意，办结", now=started)
