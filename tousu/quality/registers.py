"""The paper registers a preset keeps (`[registers.CODE]`), read back from the cases: the bank
outlet's 客户意见簿 (what customers wrote in the hall's book) and 意见登记簿 (what the complaint
manager records of verbal, letter and phone complaints), with the original's columns: the
complaint, its handling, the reply, how and when it was given, and who signed (签字确认).

A register is a view of the cases the reader may see (`cases_visible_to`) received through its
channels in a month; personal data is masked for a reader whose roles may not see it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO

from django.utils import timezone
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from tousu.cases.selectors import cases_visible_to, mask_name, mask_phone, may_see_personal_data
from tousu.cases.wording import fact_label
from tousu.domain.cells import append
from tousu.org.services import current_policy, org_timezone


# The fact (`data.reply_method`) in which a preset's reply actions keep how the reply was given:
# the register's 答复方式 column, in the words of the preset (`[kinds.X.words.reply_method]`).
REPLY_METHOD = "reply_method"


@dataclass(frozen=True)
class Register:
    code: str
    label: str
    channels: tuple[str, ...]


def registers() -> dict[str, Register]:
    """The preset's registers, by code (none for a preset that keeps no paper register)."""
    table = current_policy().raw.get("registers") or {}
    return {code: Register(code, str(spec.get("label", code)), tuple(str(c) for c in spec.get("channels", ())))
            for code, spec in table.items() if isinstance(spec, dict)}


def columns() -> list[str]:
    """The register's columns, as the paper's (第八条: 记录处理和回复情况，并由网点负责人签字确认)."""
    return [pgettext("register", "No."), pgettext("register", "Case number"), pgettext("register", "Received"),
            pgettext("register", "Complainant"), pgettext("register", "Contact"), pgettext("register", "Complaint"),
            pgettext("register", "Received by"), pgettext("register", "Handling"), pgettext("register", "Reply"),
            pgettext("register", "How replied"), pgettext("register", "Reply time"),
            pgettext("register", "Signed off by"), pgettext("register", "Signed off at"),
            pgettext("register", "State")]


def month_bounds(month: str, tz) -> tuple[dt.datetime, dt.datetime, str]:
    """The month 'YYYY-MM' (this month when blank or malformed) as local midnights."""
    try:
        first = dt.datetime.strptime(month, "%Y-%m").date()
    except (TypeError, ValueError):
        first = timezone.localtime(timezone.now(), tz).date().replace(day=1)
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (dt.datetime.combine(first, dt.time(), tz), dt.datetime.combine(following, dt.time(), tz),
            first.strftime("%Y-%m"))


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def rows(user, register: Register, *, month: str = "") -> tuple[str, list[list]]:
    """('YYYY-MM', the register's lines for that month), oldest first."""
    policy = current_policy()
    tz = org_timezone()
    start, end, code = month_bounds(month, tz)
    personal = may_see_personal_data(user, policy)
    cases = (cases_visible_to(user).filter(channel__in=register.channels, received_at__gte=start,
                                           received_at__lt=end)
             .select_related("received_by", "signed_off_by").order_by("received_at", "pk"))
    lines = []
    for n, case in enumerate(cases, start=1):
        kind = policy.kind(case.kind)
        contact = case.complainant_phone or case.complainant_email or case.complainant_address
        handling = []  # what was found, the apology, then the correction or the explanation given
        for text in ((case.data or {}).get("findings"), (case.data or {}).get("apology"), case.resolution,
                     (case.data or {}).get("explanation")):
            if text and str(text) not in handling:
                handling.append(str(text))
        method = fact_label(kind, REPLY_METHOD, (case.data or {}).get(REPLY_METHOD, ""))
        local = lambda t: timezone.localtime(t, tz).replace(tzinfo=None) if t else None  # noqa: E731
        lines.append([
            n, case.number, local(case.received_at),
            case.complainant_name if personal else mask_name(case.complainant_name),
            contact if personal else (mask_phone(contact) if contact == case.complainant_phone else ("***" if contact else "")),
            f"{case.subject}\n{case.description}".strip(), _name(case.received_by),
            "\n".join(h for h in handling if h), case.reply, method,
            local(case.replied_at), _name(case.signed_off_by), local(case.signed_off_at),
            kind.states[case.state].label if case.state in kind.states else case.state,
        ])
    return code, lines


def workbook(register: Register, month: str, lines: list[list], *, unit_names: str = "") -> bytes:
    """The register as an xlsx sheet: a title row, the columns, one row per complaint; times as
    times, numbers as numbers."""
    wb = Workbook()
    ws = wb.active
    ws.title = f"{register.label} {month}"[:31]
    append(ws, [f"{register.label}（{month}）{unit_names}"])
    ws["A1"].font = Font(bold=True, size=14)
    append(ws, columns())
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for line in lines:
        append(ws, line)
    for row in ws.iter_rows(min_row=3):
        for index in (2, 10, 12):
            row[index].number_format = "yyyy-mm-dd hh:mm"
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [6, 16, 17, 10, 14, 40, 12, 36, 36, 10, 17, 12, 17, 10]
    for index, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
