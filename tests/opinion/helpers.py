from tousu.cases import actions
from tousu.cases.engine import perform


def found(o, *, level=3, channel="weibo", subject="网友称某路段坑洼不平无人管", **more):
    """The administrator logs an item seen online."""
    return actions.register_case(
        actor=o.yq_admin, unit=o.units["opinion_office"], channel=channel, subject=subject,
        description="微博网友发帖称国道某路段坑洼严重，配图三张，称多次反映无人处理。",
        complainant_name="网友“路过的司机”", severity=level, kind="opinion", **more)


def act(action, who, case, **inputs):
    return perform(action, actor=who, case_id=case.pk, inputs=inputs)
