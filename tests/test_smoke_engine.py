import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from tousu.cases import actions
from tousu.cases.models import Clock

SH = ZoneInfo("Asia/Shanghai")


@time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=SH), tick=False)
def test_after_stay_case_gets_three_working_days(hotel):
    case = actions.register_case(actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone",
                                 subject="房间有异味", description="入住期间房间有烟味", stage="after",
                                 complainant_name="张先生", complainant_phone="13800001234")
    # 消费后: the front desk records it and it goes to the department head at once (text 五 六、一)2、).
    assert case.owner == hotel.fo_head and case.level == 1 and case.number.startswith("TS-2026-")
    assert case.received_by == hotel.frontdesk
    case = actions.accept_case(actor=hotel.fo_head, case_id=case.pk)
    clock = Clock.objects.get(case=case, name="after_stay")
    assert clock.due_at == dt.datetime(2026, 3, 6, 0, 0, tzinfo=SH)
