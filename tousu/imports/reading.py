"""A spreadsheet's header and rows, from an .xlsx or a .csv file (UTF-8 or GB18030)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.utils.translation import gettext as _


class UnreadableFile(ValueError):
    """The file is not a spreadsheet this reads: the message says why."""


def read_table(path: str | Path | None = None, *, content: bytes | None = None,
               name: str = "") -> tuple[list[str], list[list]]:
    """(headers, rows) of the first sheet of an .xlsx, or of a .csv; each row a list of cell
    values (xlsx dates come as datetimes, csv cells as text). Empty rows are kept as empty
    lists, so a row's number in the file stays its index + 2."""
    name = name or (Path(path).name if path is not None else "")
    if content is None:
        try:
            content = Path(path).read_bytes()
        except OSError as exc:
            raise UnreadableFile(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from None
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm") or content[:2] == b"PK":
        rows = _xlsx(content)
    elif suffix in (".csv", ".txt", ""):
        rows = _csv(content)
    else:
        raise UnreadableFile(_("Import an .xlsx or a .csv file."))
    if not rows or not any(str(h or "").strip() for h in rows[0]):
        raise UnreadableFile(_("The file has no header row."))
    headers = [str(h or "").strip() for h in rows[0]]
    return headers, rows[1:]


def _xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(_("This is not a readable .xlsx file (%(error)s).") % {"error": exc}) from None
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _csv(content: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(_("The .csv file is neither UTF-8 nor GB18030 text."))
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
