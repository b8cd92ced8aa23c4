"""Which column of a spreadsheet holds which field of a case.

The built-in headers (columns.toml: 留言编号, 留言主题, 留言时间, 留言详情, 一级分类, 答复意见,
答复时间 ...) map without any configuration; a mapping file (TOML, the same [columns] table plus
[defaults]) or `--map FIELD=HEADER` flags replace a field's headers."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

BUILT_IN = Path(__file__).with_name("columns.toml")
FIELDS = ("key", "subject", "description", "received_at", "category", "category_2", "category_3",
          "reply", "replied_at", "complainant_name", "complainant_phone", "complainant_address",
          "channel", "stage", "place")
CATEGORY_FIELDS = ("category", "category_2", "category_3")


class MappingError(ValueError):
    """A mapping that cannot be used: the message says why."""


def norm(header) -> str:
    return "".join(str(header or "").split()).lower()


@dataclass
class Mapping:
    """field -> the headers that may hold it; field -> a fixed value where no column holds it."""

    columns: dict[str, list[str]]
    defaults: dict[str, str] = field(default_factory=dict)

    def resolve(self, headers: list) -> dict[str, int]:
        """field -> the index of its column in `headers` (the first header that matches)."""
        index = {}
        for position, header in enumerate(headers):
            index.setdefault(norm(header), position)
        found = {}
        for name, wanted in self.columns.items():
            for header in wanted:
                if norm(header) in index:
                    found[name] = index[norm(header)]
                    break
        return found


def _headers(value, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise MappingError(_("%(where)s: a column header or a list of them.") % {"where": where})


def _check_field(name: str, where: str) -> None:
    if name not in FIELDS:
        raise MappingError(_("%(where)s: unknown field %(field)s (one of: %(fields)s).") % {
            "where": where, "field": name, "fields": ", ".join(FIELDS)})


def load(path: str | Path | None = None, *, flags: list[str] = (), text: str | None = None) -> Mapping:
    """The built-in mapping, with a mapping file's (or `text`'s) tables and then the flags
    (FIELD=HEADER) over it."""
    doc = tomllib.loads(BUILT_IN.read_text(encoding="utf-8"))
    mapping = Mapping({name: list(headers) for name, headers in doc["columns"].items()})
    source = None
    if path is not None:
        try:
            source = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise MappingError(_("Cannot read the mapping file %(path)s: %(error)s") % {
                "path": path, "error": exc}) from None
    elif text:
        source = text
    if source is not None:
        try:
            given = tomllib.loads(source)
        except tomllib.TOMLDecodeError as exc:
            raise MappingError(_("The mapping file is not valid TOML: %(error)s") % {"error": exc}) from None
        unknown = set(given) - {"columns", "defaults"}
        if unknown:
            raise MappingError(_("The mapping file has [columns] and [defaults] only, not %(key)s.") % {
                "key": sorted(unknown)[0]})
        for name, headers in dict(given.get("columns", {})).items():
            _check_field(name, f"columns.{name}")
            mapping.columns[name] = _headers(headers, f"columns.{name}")
        for name, value in dict(given.get("defaults", {})).items():
            _check_field(name, f"defaults.{name}")
            mapping.defaults[name] = str(value)
    for flag in flags:
        name, sep, header = flag.partition("=")
        if not sep or not header.strip():
            raise MappingError(_("--map takes FIELD=HEADER, not %(flag)s.") % {"flag": flag})
        _check_field(name.strip(), "--map")
        mapping.columns[name.strip()] = [header.strip()]
    return mapping
