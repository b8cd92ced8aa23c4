"""What each step of a case's timeline changed, as the case page shows it under the step: what
was proposed (with the amount), what was replied, to whom the case went, the call-back outcome.
Each step keeps its own values, so an earlier proposal stays readable after a later one."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from tousu.cases.readable import yuan
from tousu.cases.wording import outcome_label
from tousu.org.models import Unit

# (field of the case, how its value reads): the facts a clerk looks for in the history.
SHOWN = ("resolution", "compensation", "reply", "owner", "handling_unit", "level", "callback_result")
MOVES = frozenset({"owner", "handling_unit", "level"})  # shown when they change, not when first set
# ... except the owner (and level) a case gets on registration when that is not the person who
# registered it: the policy sent it on at once (the hotel's 消费后 complaint to the head).


def _labels() -> dict[str, str]:
    return {"resolution": _("Proposed"), "compensation": _("Compensation"), "reply": _("Reply"),
            "owner": _("To"), "handling_unit": _("Handling unit"), "level": _("Level"),
            "callback_result": _("Call-back result")}


def details(events, kind) -> list[list[tuple[str, str]]]:
    """For each event (in order), [(label, text)] of the shown facts it wrote."""
    news = [e.new or {} for e in events]
    olds = [e.old or {} for e in events]
    people_ids = {n["owner"] for n in news if n.get("owner")}
    unit_ids = {n["handling_unit"] for n in news if n.get("handling_unit")}
    people = {u.pk: u.get_full_name() or u.username
              for u in get_user_model().objects.filter(pk__in=people_ids)} if people_ids else {}
    units = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")) if unit_ids else {}
    labels = _labels()
    rows = []
    for event, new, old in zip(events, news, olds, strict=True):
        sent_on = not old and new.get("owner") not in (None, event.actor_id)
        row = []
        for field in SHOWN:
            value = new.get(field)
            if value in (None, "") or (field in MOVES and field not in old
                                       and not (sent_on and field in ("owner", "level"))):
                continue
            if field == "compensation":
                text = yuan(value)
            elif field == "owner":
                text = people.get(value, str(value))
            elif field == "handling_unit":
                text = units.get(value, str(value))
            elif field == "callback_result":
                text = outcome_label(kind, value)
            else:
                text = str(value)
            row.append((labels[field], text))
        rows.append(row)
    return rows
