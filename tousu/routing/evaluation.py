"""`tousu routing evaluate FILE`: cross-validated quality on a labelled spreadsheet, read with the
import's column mapping (tousu/imports: 留言主题, 留言详情, 一级分类 ... without configuration)."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _

from tousu.imports import mapping as mappings
from tousu.imports.reading import UnreadableFile, read_table

from . import learning
from .services import RoutingError

TARGETS = mappings.CATEGORY_FIELDS  # category, category_2, category_3


def labelled_rows(path, *, target: str = "category", mapping_file=None, flags=()) -> tuple[list[str], list[str]]:
    """(texts, labels) of the rows that have both; refused with a reason a person can act on."""
    if target not in TARGETS:
        raise RoutingError(_("The target is one of: %(targets)s.") % {"targets": ", ".join(TARGETS)})
    try:
        table_mapping = mappings.load(mapping_file, flags=list(flags))
        headers, rows = read_table(path)
    except (mappings.MappingError, UnreadableFile) as exc:
        raise RoutingError(str(exc)) from None
    columns = table_mapping.resolve(headers)
    text_columns = [columns[name] for name in ("subject", "description") if name in columns]
    if not text_columns:
        raise RoutingError(_("No text column: name the subject or description column, e.g. "
                             "--map description=内容 (headers: %(headers)s).") % {"headers": ", ".join(headers)})
    if target not in columns:
        raise RoutingError(_("No label column for %(target)s: name it, e.g. --map %(target)s=分类 "
                             "(headers: %(headers)s).") % {"target": target, "headers": ", ".join(headers)})
    texts, labels = [], []
    for row in rows:
        cell = lambda i: str(row[i]).strip() if i < len(row) and row[i] is not None else ""  # noqa: E731
        text = "\n".join(filter(None, (cell(i) for i in text_columns)))
        label = cell(columns[target])
        if text and label:
            texts.append(text)
            labels.append(label)
    if not texts:
        raise RoutingError(_("The file has no row with both a text and a label."))
    return texts, labels


def evaluate(texts: list[str], labels: list[str], *, folds: int = 5,
             config: learning.Config = learning.PRODUCT) -> learning.Quality:
    if folds < 2:
        raise RoutingError(_("Use at least two folds."))
    counts = Counter(labels)
    if len(counts) < 2:
        raise RoutingError(_("Every row has the same label (%(label)s): there is nothing to choose "
                             "between.") % {"label": labels[0]})
    rare = sorted(label for label, n in counts.items() if n < folds)
    if rare:
        raise RoutingError(_("Each label needs at least %(folds)s rows for %(folds)s folds; too few: "
                             "%(labels)s.") % {"folds": folds, "labels": ", ".join(rare[:10])})
    docs = learning.prepare_all(texts)
    return learning.cross_validate(docs, labels, folds=folds, config=config)
