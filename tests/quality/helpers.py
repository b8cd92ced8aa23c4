"""Building complaints at given times for the learning features' tests."""

import datetime as dt

import time_machine

from tests.times import SH, at  # noqa: F401  (the learning tests import them from here)
from tousu.cases import actions
from tousu.cases.models import Case




def actions_of(case) -> list[str]:
    return list(case.events.order_by("seq").values_list("action", flat=True))


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def complaint(actor, unit, when: dt.datetime, *, category: str = "", place: str = "", phone: str = "",
              channel: str = "phone", stage: str = "after", subject: str = "投诉", description: str = "经过") -> Case:
    with time_machine.travel(when, tick=False):
        return actions.register_case(actor=actor, unit=unit, channel=channel, stage=stage, category=category,
                                     place=place, subject=subject, description=description, complainant_name="张先生",
                                     complainant_phone=phone)


def replied(actor, unit, when: dt.datetime, *, responsible=None, **kwargs) -> Case:
    """A complaint registered by `actor` and answered at `when` (accepted and resolved there
    too), not yet called back. Whoever holds it after registration handles it: `actor`, or for a
    hotel 消费后 complaint the department head it went to at once (text 五 六、一)2、)."""
    case = complaint(actor, unit, when, **kwargs)
    actor = case.owner
    with time_machine.travel(when, tick=False):
        actions.accept_case(actor=actor, case_id=case.pk)
        if "find_not_at_fault" in actions.current_policy().kind(case.kind).actions:  # the bank: a finding
            actions.perform("find_not_at_fault", actor=actor, case_id=case.pk,
                            inputs={"findings": "已核实", "explanation": "致歉并处理"})
            actions.perform("reply", actor=actor, case_id=case.pk, inputs={"text": "已处理", "method": "phone"})
            return fresh(case)
        actions.propose_resolution(actor=actor, case_id=case.pk, resolution="致歉并处理",
                                   responsible_employee=responsible)
        actions.reply_case(actor=actor, case_id=case.pk, text="已处理")
    return fresh(case)


def closed(actor, head, unit, when: dt.datetime, **kwargs) -> Case:
    """A complaint handled, confirmed by the customer and closed by `head`, all at `when`."""
    case = replied(actor, unit, when, **kwargs)
    with time_machine.travel(when, tick=False):
        actions.record_callback(actor=case.owner, case_id=case.pk, result="satisfied")
        actions.close_case(actor=head, case_id=case.pk)
    return fresh(case)
