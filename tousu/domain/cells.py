"""Cells of the office files we export, holding people's text as text.

Text typed into the portal or the API (a subject, a party's name, a place) reaches the weekly
record, the hotspot list and the ledgers. A spreadsheet reads `=HYPERLINK(...)` or
`=cmd|' /C calc'!A0` typed into a cell as a formula, so every exporter writes its cells through
here: in xlsx a string is always a string cell (shown exactly as typed, never evaluated, and
marked with Excel's quote prefix so editing the cell does not turn it into one); in csv the
OWASP rule puts a `'` before a value that starts like a formula."""

from __future__ import annotations

import re

# Characters an xlsx file cannot hold (openpyxl refuses them): control characters but tab, LF, CR.
NOT_IN_XLSX = re.compile(r"[\000-\010\013\014\016-\037]")
# How a spreadsheet recognises a formula (OWASP, "CSV injection"): =, +, -, @, tab, CR.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)


def put(ws, row: int, column: int, value):
    """Write `value` to the worksheet's cell; a string stays a string, whatever it starts with."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        text = NOT_IN_XLSX.sub("", value)
        cell.value = text
        cell.data_type = "s"  # openpyxl took a leading "=" for a formula: it is text
        if looks_like_formula(text):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def append(ws, values) -> int:
    """`ws.append(values)` that writes each cell through `put`; returns the row's number."""
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        put(ws, row, column, value)
    return row


def csv_value(value):
    """A value for a csv row: text that starts like a formula gets a leading `'` (OWASP)."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value
