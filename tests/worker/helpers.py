"""Small steps the worker tests share: a hotel case at a known time, and what it holds."""

import datetime as dt
from zoneinfo import ZoneInfo

from tousu.cases import actions
from tousu.cases.models import CaseEvent, Clock

SH = ZoneInfo("Asia/Shanghai")
MONDAY_10 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SH)  # an ordinary working Monday
# Three working days from Monday 2 March: the end of Thursday 5 March.
AFTER_STAY_DUE = dt.datetime(2026, 3, 6, 0, 0, tzinfo=SH)
AFTER_STAY_WARN = AFTER_STAY_DUE - dt.timedelta(minutes=240)


def after_stay_case(org, *, now=MONDAY_10, subject="房间有异味"):
    """A complaint made after the stay, registered by the front desk at `now`: it goes to the
    front office's head at once (text 五 六、一)2、), who accepts it."""
    case = actions.register_case(
        actor=org.frontdesk, unit=org.units["front_office"], channel="phone", subject=subject,
        description="入住期间房间有烟味", stage="after", complainant_name="张先生",
        complainant_phone="13800001234", complainant_email="guest@example.com", now=now)
    return actions.accept_case(actor=org.fo_head, case_id=case.pk, now=now)


def clock_of(case, name="after_stay") -> Clock:
    return Clock.objects.get(case=case, name=name)


def actions_of(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("action", flat=True))


def close_after_reply(org, case, *, now):
    """Resolve, reply, call back (satisfied), sign off and close: the normal end of a case, by the
    department head who handles it."""
    actions.propose_resolution(actor=org.fo_head, case_id=case.pk, resolution="更换房间并致歉",
                               now=now)
    actions.reply_case(actor=org.fo_head, case_id=case.pk, text="已为您更换房间，深表歉意。", now=now)
    actions.record_callback(actor=org.fo_head, case_id=case.pk, result="satisfied", now=now)
    actions.sign_off_case(actor=org.fo_head, case_id=case.pk, now=now)
    return actions.close_case(actor=org.fo_head, case_id=case.pk, now=now)
