"""A small hotline history for the routing tests: past requests about transport handled by the
transport department, about housing by the housing department, each with its own words."""

import random

import time_machine

from tests.times import at
from tousu.cases import actions
from tousu.cases.models import Case
from tousu.org.services import current_policy
from tousu.routing import services

WORDS = {
    ("transport", "transport_dept"): ["出租车拒载", "公交车晚点", "司机绕路多收钱", "网约车乱收费", "公交站牌损坏",
                                      "出租车不打表", "公交车不进站"],
    ("housing", "housing_dept"): ["物业不修电梯", "小区物业乱收费", "房东不退押金", "楼道漏水没人管", "物业服务差",
                                  "租房合同纠纷", "电梯经常停运"],
}
SHARED = ["市民来电反映", "希望尽快处理", "已经好几次了", "请相关部门核实", "昨天下午"]


def history(h, per_class: int = 20, seed: int = 3) -> list[Case]:
    """Past, ended requests registered by the operator, handled by the unit of their words (the
    rows a model learns from: ended cases)."""
    rng = random.Random(seed)
    made = []
    for (category, unit), words in WORDS.items():
        for i in range(per_class):
            picked = rng.sample(words, 2)
            with time_machine.travel(at(2026, 3, 1 + i % 28, 9, 0), tick=False):
                case = actions.register_case(
                    actor=h.operator1, unit=h.units["centre"], channel="phone", category=category,
                    subject=picked[0], description=f"{rng.choice(SHARED)}，{picked[0]}，{picked[1]}。",
                    complainant_name="市民", kind="request")
            made.append(case.pk)
            # test set-up only: the history's handling unit and its end, as an import would give them
            Case.objects.filter(pk=case.pk).update(handling_unit=h.units[unit], is_open=False, state="closed")
    return list(Case.objects.filter(pk__in=made))


def trained(h) -> None:
    history(h)
    services.activate(services.train(current_policy(), "request"))
