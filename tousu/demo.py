"""Demo data: the preset's people and a dozen complaints in various states, made through the
real actions. Texts come from the preset's `[[demo.complaints]]` (the bank's and the telecom's);
for a preset without them (the hotel), from the hotel reviews in ../shared/data when that file is
there (negative reviews, names redacted), from a small built-in list otherwise."""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from datetime import timedelta
from itertools import cycle
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from tousu.cases import actions
from tousu.cases.events import write_key_file
from tousu.cases.selectors import ladder_holder
from tousu.org.models import Unit
from tousu.org.services import create_preset_people, org_timezone

# Set without the password validators on purpose: the demo prints them for anyone to use
# (admin1234 is a common password the validators would refuse; settings.py).
DEMO_PASSWORD = "demo1234"
ADMIN_USERNAME, ADMIN_PASSWORD = "admin", "admin1234"
SECRET_KEY_FILE = "secret_key"
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


def secret_key_file(folder: Path) -> Path:
    """The demo's secret key, in its data folder: made at random on the first run (readable by
    its owner only), the same file on every run after."""
    path = folder / SECRET_KEY_FILE
    write_key_file(path)
    return path


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


@dataclass(frozen=True)
class Plan:
    """How far a demo case is carried: the steps taken on it, in order. A step is an action of
    the kind by name, or a call-back (CALLED_BACK_PLEASED, CALLED_BACK_DISPLEASED) whose outcome
    is read from the kind's figures."""

    steps: tuple[str, ...] = ()
    overdue: bool = False  # received twelve days ago, in the last stage: its clock is late


CALLED_BACK_PLEASED, CALLED_BACK_DISPLEASED = "call back: pleased", "call back: displeased"
# The steps that handle a case up to the reply; a preset may give its own (`[demo] handled`,
# with `[demo.inputs.ACTION]`), e.g. the bank's finding before the reply.
HANDLED = ("accept", "propose_resolution", "reply")
HANDLED_STEPS = "handled"
# A dozen cases in various states.
PLANS = [
    Plan(),
    Plan(("accept",)),
    Plan(("accept",), overdue=True),
    Plan(("accept", "escalate")),
    Plan(("accept", "propose_resolution")),
    Plan((HANDLED_STEPS,)),
    Plan((HANDLED_STEPS, CALLED_BACK_PLEASED)),
    Plan((HANDLED_STEPS, CALLED_BACK_PLEASED, "close")),
    Plan((HANDLED_STEPS, CALLED_BACK_PLEASED, "close")),
    Plan(("reject",)),
    Plan(("accept", "withdraw")),
    Plan((HANDLED_STEPS, CALLED_BACK_DISPLEASED)),
]
# What the demo writes into the actions it takes, by their input names.
INPUTS = {
    "escalate": {"reason": "客人要求超出本人权限"},
    "propose_resolution": {"resolution": "致歉并为客人更换房间"},
    "reply": {"text": "已向客人致歉并更换房间，感谢您的意见。"},
    "withdraw": {"reason": "客人表示不再追究"},
    "reject": {"reason": "经核实不属于投诉（咨询类）"},
    "close": {"note": "客人满意，办结"},
}


def load_demo() -> dict:
    """People and a dozen complaints for the organisation's preset (or the cases its
    `[[demo.cases]]` script, see `load_scripted`). Returns the people."""
    create_admin()
    people = create_preset_people(DEMO_PASSWORD)
    policy = actions.current_policy()
    if policy.raw.get("demo", {}).get("cases"):
        load_robots(policy)
        load_scripted(policy, people, timezone.now())
        return people
    kind = policy.kind()
    specs = policy.raw.get("demo", {}).get("people", [])
    first_role = policy.ladder[0].role
    staff = [people[s["username"]] for s in specs
             if first_role in s["roles"] and _has_head(policy, Unit.objects.get(code=s["unit"]))]
    if not staff:
        return people
    channels = list(policy.channels)
    categories = list(kind.categories) or [""]
    stages = list(kind.stages) or [""]
    now = timezone.now()
    texts = cycle(demo_complaints(policy))
    handled = tuple(policy.raw.get("demo", {}).get("handled", HANDLED))
    inputs = {**INPUTS, **policy.raw.get("demo", {}).get("inputs", {})}
    for index, plan in enumerate(PLANS):
        plan = Plan(tuple(s for step in plan.steps for s in (handled if step == HANDLED_STEPS else (step,))),
                    plan.overdue)
        person = staff[index % len(staff)]
        unit = Unit.objects.get(code=next(s["unit"] for s in specs if s["username"] == person.username))
        text = next(texts)
        started = now - timedelta(days=12 if plan.overdue else index % 3, hours=index)
        case = actions.register_case(
            actor=person, unit=unit, channel=text.get("channel") or channels[index % len(channels)],
            subject=text["subject"], description=text["description"],
            stage=stages[-1] if plan.overdue else stages[index % len(stages)],
            requested_by=started + timedelta(hours=3) if index % len(stages) == 0 else None,
            category=text.get("category") or categories[index % len(categories)],
            complainant_name=["张先生", "李女士", "王先生", "赵女士"][index % 4],
            complainant_phone=f"1380000{index:04d}", place="", now=started)
        for step in plan.steps:
            case = _take(policy, case, step, person, started, inputs)
    return people


def demo_complaints(policy) -> list[dict]:
    """The demo's complaint texts: the preset's own `[[demo.complaints]]` (subject, description,
    and optionally category and channel), so a bank's demo shows queues, fees and cards and a
    telecom's shows coverage and bills; a preset without them gets the hotel reviews."""
    own = [c for c in policy.raw.get("demo", {}).get("complaints", []) if c.get("description")]
    if own:
        return [{**c, "subject": c.get("subject") or subject_of(c["description"])} for c in own]
    return [{"subject": subject_of(text), "description": text} for text in complaint_texts()]


def _has_head(policy, unit) -> bool:
    try:
        ladder_holder(policy, 1, unit)
    except actions.Refused:
        return False
    return True


def _outcome(kind, pleased: bool) -> str:
    """A call-back outcome the kind's figures count as satisfied, or a verdict that is not."""
    if pleased:
        return kind.figures.satisfied[0]
    return next(code for code in kind.figures.verdicts if code not in kind.figures.satisfied)


def _take(policy, case, step: str, person, started, inputs=INPUTS):
    """Take one step of a plan on `case`: the owner acts (`person` who took it, or whoever the
    policy handed it to, e.g. the hotel's department head for a 消费后 complaint), except that
    the unit's head rejects and closes (after the signature the kind's close asks for, when it
    asks for one)."""
    kind = policy.kind(case.kind)
    person = case.owner or person
    if step in (CALLED_BACK_PLEASED, CALLED_BACK_DISPLEASED):
        result = _outcome(kind, pleased=step == CALLED_BACK_PLEASED)
        return actions.record_callback(actor=person, case_id=case.pk, result=result, now=started)
    actor = person
    if step in ("reject", "close"):
        actor = ladder_holder(policy, 1, case.handling_unit, case.kind)
    if step == "close" and _close_needs_signature(kind):
        signer = next(m.user for m in case.handling_unit.memberships.select_related("user", "role")
                      if policy.roles[m.role.code].sign_off)
        actions.perform("sign_off", actor=signer, case_id=case.pk, now=started)
    return actions.perform(step, actor=actor, case_id=case.pk, inputs=inputs.get(step, {}), now=started)


def _close_needs_signature(kind) -> bool:
    return any(guard.name == "field_set" and guard.param("field") == "signed_off_by"
               for guard in kind.actions["close"].requires)


def load_robots(policy) -> list:
    """The group robots a preset's `[[demo.robots]]` sets up (name, kind, url, secret, unit,
    role), so its fast reports have somewhere to go; the administrator points them at the real
    group in the admin (robot and SMS targets)."""
    from tousu.notify.models import RobotTarget

    made = []
    for spec in policy.raw.get("demo", {}).get("robots", []):
        unit = Unit.objects.filter(code=spec.get("unit", "")).first()
        made.append(RobotTarget.objects.create(name=spec["name"], kind=spec["kind"], url=spec["url"],
                                               secret=spec.get("secret", ""), unit=unit, role=spec.get("role", "")))
    return made


def load_scripted(policy, people: dict, now) -> list:
    """The cases a preset's `[[demo.cases]]` re-enacts, each step by the real actions.

    A case: `kind`, `unit`, `by` (who registers it), `days_ago` (when it was received, at `at`,
    "HH:MM", 10:00 by default), `channel`, `category`, `subject`, `description`, `severity`,
    `stage`, `complainant` ({name, address, phone}, or a name with `phone` beside it),
    `complainant_kind`, `parties` ([{role, name, address, kind}]) and `steps`: each `{action, by,
    day, minutes, inputs}`, taken `day` natural days and `minutes` minutes after receipt (and a
    minute per step); `other_case = N, other_input = NAME` puts the number of the script's N-th
    case (from 0) in input NAME (并案). In `inputs`, "@party:ROLE" is the id of the case's
    first party of that role, "@date" the step's day, "@days:N" the step's time N days later; a
    list of files is written as ["NAME.pdf"] and stands for a one-page PDF of that name."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    tz = org_timezone()
    cases = []
    for script in policy.raw["demo"]["cases"]:
        hour, minute = (int(x) for x in str(script.get("at", "10:00")).split(":"))
        received = timezone.localtime(now, tz).replace(hour=hour, minute=minute, second=0, microsecond=0) - timedelta(
            days=int(script.get("days_ago", 30)))
        complainant = script.get("complainant", {})
        if isinstance(complainant, str):  # a name alone, with `phone` beside it
            complainant = {"name": complainant, "phone": script.get("phone", "")}
        case = actions.register_case(
            actor=people[script["by"]], unit=Unit.objects.get(code=script["unit"]), kind=script.get("kind", ""),
            channel=script.get("channel", next(iter(policy.channels), "")), category=script.get("category", ""),
            subject=script["subject"], description=script.get("description") or script["subject"],
            severity=script.get("severity"), stage=script.get("stage", ""),
            complainant_name=complainant.get("name", ""), complainant_address=complainant.get("address", ""),
            complainant_phone=complainant.get("phone", ""), complainant_kind=script.get("complainant_kind", ""),
            parties=script.get("parties", []), now=received)
        for n, step in enumerate(script.get("steps", [])):
            when = received + timedelta(days=int(step.get("day", 0)), minutes=int(step.get("minutes", 0)) + n)
            if when > now:
                break  # the script runs up to today, the rest is for the demo's user
            inputs = {}
            if "other_case" in step:  # an earlier case of the script, by its place in the list (并案)
                inputs[step["other_input"]] = cases[int(step["other_case"])].number
            for name, value in step.get("inputs", {}).items():
                if isinstance(value, str) and value.startswith("@party:"):
                    role = value.removeprefix("@party:")
                    value = str(case.parties.filter(role=role).order_by("pk").values_list("pk", flat=True).first())
                elif value == "@date":
                    value = timezone.localtime(when, tz).date().isoformat()
                elif isinstance(value, str) and value.startswith("@days:"):
                    value = timezone.localtime(when + timedelta(days=int(value.removeprefix("@days:"))), tz).isoformat()
                elif isinstance(value, list) and value and all(str(v).endswith(".pdf") for v in value):
                    value = [SimpleUploadedFile(str(v), PDF, content_type="application/pdf") for v in value]
                inputs[name] = value
            case = actions.perform(step["action"], actor=people[step["by"]], case_id=case.pk, inputs=inputs,
                                   now=when)
        cases.append(case)
    return cases


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
