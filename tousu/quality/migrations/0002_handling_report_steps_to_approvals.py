"""The handling report's steps move from its own columns into the case's approval rows.

Until now tousu/quality fixed the chain in Python (department head signs, marketing gives its
opinion, the GM office approves, the department carries it out) and kept each step's person, time
and text on the report. Now the steps are the preset's approval chain `handling_report`: each
report gets the rows that chain would have made when it was submitted (round 1, one row per step,
the text of each step its note), and a step's clock still running takes the name the engine gives
a step's clock, so the step's decision stops it. The next migration drops the old columns.
"""

from django.db import migrations

CHAIN = "handling_report"
SUBMITTED, SIGNED, OPINION, APPROVED, EXECUTED = "submitted", "signed", "opinion", "approved", "executed"
ORDER = [SUBMITTED, SIGNED, OPINION, APPROVED, EXECUTED]
# The chain as it was fixed in Python (and as hotel.toml now writes it): role, whether it is the
# role's holder in the unit that handled the case, label, and the report's columns for the step.
STEPS = [
    ("dept_head", True, "处理报告表：部门负责人签认", "signed_by", "signed_at", "sign_note"),
    ("marketing", False, "处理报告表：营销部加签意见", "opinion_by", "opinion_at", "opinion"),
    ("gm_office", False, "处理报告表：总经室审批", "approved_by", "approved_at", "instructions"),
    ("dept_head", True, "处理报告表：部门按批示执行", "executed_by", "executed_at", "execution_note"),
]
OLD_CLOCKS = ["handling_report_sign", "handling_report_opinion", "handling_report_approve",
              "handling_report_execute"]
OPEN = ("running", "paused")
PENDING, GRANTED, WAITING = "pending", "granted", "waiting"


def step_clock(position: int) -> str:
    return f"approval:{CHAIN}:{position}"


def forward(apps, schema_editor):
    HandlingReport = apps.get_model("quality", "HandlingReport")
    CaseApproval = apps.get_model("cases", "CaseApproval")
    Clock = apps.get_model("cases", "Clock")
    for report in HandlingReport.objects.select_related("case").order_by("pk"):
        if CaseApproval.objects.filter(case_id=report.case_id, chain=CHAIN).exists():
            continue
        done = ORDER.index(report.step) if report.step in ORDER else 0  # steps already taken
        for position, (role, handling, label, by, at, note) in enumerate(STEPS, start=1):
            taken = position <= done
            CaseApproval.objects.create(
                case_id=report.case_id, chain=CHAIN, round=1, position=position, role=role,
                unit_id=report.case.handling_unit_id if handling else None, label=label,
                state=GRANTED if taken else PENDING if position == done + 1 else WAITING,
                send_back=False, requested_at=report.submitted_at,
                decided_by_id=getattr(report, f"{by}_id") if taken else None,
                decided_at=getattr(report, at) if taken else None,
                note=getattr(report, note) if taken else "")
        for position, name in enumerate(OLD_CLOCKS, start=1):
            Clock.objects.filter(case_id=report.case_id, name=name, state__in=OPEN).update(
                name=step_clock(position))


def backward(apps, schema_editor):
    HandlingReport = apps.get_model("quality", "HandlingReport")
    CaseApproval = apps.get_model("cases", "CaseApproval")
    Clock = apps.get_model("cases", "Clock")
    for report in HandlingReport.objects.order_by("pk"):
        rows = CaseApproval.objects.filter(case_id=report.case_id, chain=CHAIN)
        latest = rows.order_by("-round").values_list("round", flat=True).first()
        steps = {row.position: row for row in rows.filter(round=latest)} if latest else {}
        done = 0
        for position, (_role, _handling, _label, by, at, note) in enumerate(STEPS, start=1):
            row = steps.get(position)
            if row is None or row.state != GRANTED or done != position - 1:
                continue
            setattr(report, f"{by}_id", row.decided_by_id)
            setattr(report, at, row.decided_at)
            setattr(report, note, row.note)
            done = position
        report.step = ORDER[done]
        report.save()
        rows.delete()
        for position, name in enumerate(OLD_CLOCKS, start=1):
            Clock.objects.filter(case_id=report.case_id, name=step_clock(position), state__in=OPEN).update(
                name=name)


class Migration(migrations.Migration):

    dependencies = [
        ("quality", "0001_initial"),
        ("cases", "0006_kinds_parties_approvals"),
    ]

    operations = [migrations.RunPython(forward, backward)]
