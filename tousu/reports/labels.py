"""Words for the figures, shared by the page and the office files: the engine's own words
through gettext; a state's or a call-back outcome's label is the preset's, stored in the row."""

from django.utils.translation import gettext_lazy as _

from tousu.org.services import current_policy

WEEKLY_TITLE = _("《客户投诉记录表》")
MONTHLY_TITLE = _("《顾客投诉统计分析报告表》")

RATES = {
    "response": _("Response rate (响应率)"),
    "resolution": _("Resolution rate (解决率)"),
    "satisfaction": _("Satisfaction rate (满意率)"),
    "repeat": _("Repeat rate"),
}
DIMENSIONS = {
    "by_category": _("By category"),
    "by_unit": _("By unit"),
    "by_channel": _("By channel"),
    "by_stage": _("By stage"),
    "by_level": _("By escalation level"),
}
NOT_GIVEN = _("Not given")
TOTAL = _("Total (合计)")
# The 《客户投诉记录表》's columns after the row's number (text 五; issue 10).
ROW_COLUMNS = [
    ("number", _("Case number")),
    ("date", _("Time received")),
    ("occurred", _("Time of the event")),
    ("place", _("Place")),
    ("complainant", _("Complainant")),
    ("people", _("People involved")),
    ("target_unit", _("Unit complained about")),
    ("stage", _("Stage")),
    ("category", _("Category")),
    ("content", _("Content")),
    ("handling", _("Handling and result")),
    ("compensation", _("Compensation (元)")),
    ("reply_time", _("Reply time")),
    ("result", _("State and call-back")),
    ("handler", _("Handler")),
]


def title(kind: str) -> str:
    return str(WEEKLY_TITLE if kind == "weekly" else MONTHLY_TITLE)


def percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def points(delta) -> str:
    """A change of a rate, in percentage points."""
    return "—" if delta is None else f"{delta * 100:+.1f}"


class Share(float):
    """A rate or share (0.125): reads as 12.5% on the page and in the docx; written to the xlsx
    as the number 0.125 formatted as a percentage."""

    XLSX_FORMAT = "0.0%"

    def __str__(self) -> str:
        return percent(float(self))

    @property
    def xlsx_value(self) -> float:
        return float(self)


class Points(float):
    """A change of a rate (0.015): reads +1.5 (percentage points); the number 1.5 in the xlsx."""

    XLSX_FORMAT = "+0.0;-0.0;0.0"

    def __str__(self) -> str:
        return points(float(self))

    @property
    def xlsx_value(self) -> float:
        return round(float(self) * 100, 1)


class Delta(int):
    """A change of a count: reads +2; the number 2 in the xlsx."""

    XLSX_FORMAT = "+0;-0;0"

    def __str__(self) -> str:
        return f"{int(self):+d}"

    @property
    def xlsx_value(self) -> int:
        return int(self)


class Yuan(float):
    """An amount of money: reads 200.00 on the page and in the docx; the number 200 in the xlsx."""

    XLSX_FORMAT = "#,##0.00"

    def __str__(self) -> str:
        return f"{float(self):,.2f}"

    @property
    def xlsx_value(self) -> float:
        return round(float(self), 2)


def share(value):
    """Share(value), or "—" when there is nothing to divide by."""
    return "—" if value is None else Share(value)


def point_change(delta):
    return "—" if delta is None else Points(delta)


def result(row: dict) -> str:
    """The state's label, and the call-back's outcome when there was one (its label as stored
    with the row; a report stored before rows held it reads the policy's)."""
    code = row.get("callback") or ""
    callback = row.get("callback_label") or (outcome_label(code) if code else "")
    return f"{row['result']} · {callback}" if callback else row["result"]


def outcome_label(code: str) -> str:
    for kind in current_policy().kinds.values():
        if code in kind.outcomes:
            return kind.outcomes[code]
    return code


def summary_rows(figures: dict) -> list[tuple]:
    """(figure, this period, previous period, change) for the summary table: counts as numbers,
    rates as `Share`, changes of a rate as `Points` (numbers in the xlsx, text on the page)."""
    change, previous = figures["change"], figures["previous"]
    rows = [(str(_("Complaints received")), figures["total"], previous["total"], Delta(change["total"]["delta"]))]
    for name, label in RATES.items():
        rows.append((str(label), share(figures["rates"][name]["rate"]),
                     share(previous["rates"][name]["rate"]), point_change(change[name]["delta"])))
    rows.append((str(_("Reopened")), figures["reopened"], previous["reopened"],
                 Delta(figures["reopened"] - previous["reopened"])))
    return rows


def dimension_rows(figures: dict, key: str) -> list[tuple[str, int, str]]:
    total = figures["total"]
    return [(row["label"] or str(NOT_GIVEN), row["count"], share(row["count"] / total if total else None))
            for row in figures[key]]
