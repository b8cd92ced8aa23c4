"""Training, evaluating, switching on and asking a routing model.

A model learns, for one kind of case, each level of its category taxonomy (category_1 ...
category_3, from the case's category and its ancestors in the policy) and the handling unit, from
the subject and description of past cases. It is pickled into DATA_DIR/routing/ and recorded as a
RoutingModel with its version, size, date and the quality measured by cross-validation on the
same cases; an administrator switches it on after seeing those figures."""

from __future__ import annotations

import hashlib
import pickle
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tousu.domain.policy import Policy

from . import learning, selectors
from .models import RoutingModel

UNIT = "unit"
LEVELS = ("category_1", "category_2", "category_3")
# Cross-validation of a training run reads at most this many cases (the newest) (the figures shown before a
# model is switched on); the model itself learns from every case.
QUALITY_SAMPLE = 10_000


class RoutingError(ValueError):
    """What cannot be trained, evaluated or loaded: the message says why."""


def category_levels(policy: Policy, kind: str, code: str) -> list[str]:
    """The category and its ancestors, top level first: ["complaint", "service", "attitude"]."""
    categories = policy.kinds[kind].categories if kind in policy.kinds else {}
    chain = []
    while code and code in categories and code not in chain:
        chain.append(code)
        code = categories[code].parent
    return list(reversed(chain))


def _targets(policy: Policy, kind: str, rows) -> tuple[list[str], dict[str, list[str]]]:
    texts, targets = [], {name: [] for name in (*LEVELS, UNIT)}
    for subject, description, category, unit in rows:
        text = "\n".join(filter(None, (subject, description))).strip()
        if not text:
            continue
        texts.append(text)
        levels = category_levels(policy, kind, category or "")
        for depth, name in enumerate(LEVELS):
            targets[name].append(levels[depth] if depth < len(levels) else "")
        targets[UNIT].append(unit or "")
    return texts, targets


def model_dir() -> Path:
    path = Path(settings.DATA_DIR) / "routing"
    path.mkdir(parents=True, exist_ok=True)
    return path


def train(policy: Policy, kind: str, *, actor=None, limit: int | None = None, folds: int = 5) -> RoutingModel:
    """Learn a model from the kind's past cases and record it (not yet active)."""
    if kind not in policy.kinds:
        raise RoutingError(_("No kind of case is called “%(kind)s”.") % {"kind": kind})
    started = time.perf_counter()
    texts, targets = _targets(policy, kind, selectors.training_rows(kind, limit=limit))
    if not texts:
        raise RoutingError(_("No past cases of this kind to learn from (closed or imported)."))
    learnable = {name: labels for name, labels in targets.items() if len({x for x in labels if x}) >= 2}
    if not learnable:
        raise RoutingError(_("The past cases have one category and one unit only: nothing to choose between."))
    docs = learning.prepare_all(texts)
    config = learning.PRODUCT
    blocks = config.features().counts(docs) if config.hash_bits else None  # counted once for all
    router = learning.fit(docs, learnable, config, counts=blocks, narrow=(UNIT,))
    quality = {}
    for name, labels in learnable.items():
        rows = [i for i, y in enumerate(labels) if y][:QUALITY_SAMPLE]
        counts = {}
        for i in rows:
            counts[labels[i]] = counts.get(labels[i], 0) + 1
        rows = [i for i in rows if counts[labels[i]] >= folds]  # a class too rare to fold is left out
        if len({labels[i] for i in rows}) >= 2:
            quality[name] = learning.cross_validate(
                [docs[i] for i in rows], [labels[i] for i in rows], folds=folds, config=config,
                counts=learning.rows_of(blocks, rows) if blocks is not None else None,
                narrow=name == UNIT).as_dict()
    data = pickle.dumps(router, protocol=pickle.HIGHEST_PROTOCOL)
    with transaction.atomic():
        version = (selectors.models_of(kind).values_list("version", flat=True).first() or 0) + 1
        path = model_dir() / f"{kind}-v{version}.pickle"
        path.write_bytes(data)
        return RoutingModel.objects.create(
            kind=kind, version=version, config=router.config.name, trained_at=timezone.now(),
            training_size=len(texts), seconds=round(time.perf_counter() - started, 1), quality=quality,
            file=path.name, sha256=hashlib.sha256(data).hexdigest(), trained_by=actor)


def activate(model: RoutingModel) -> RoutingModel:
    """Switch `model` on for its kind (and the one before off)."""
    with transaction.atomic():
        RoutingModel.objects.filter(kind=model.kind, active=True).exclude(pk=model.pk).update(active=False)
        RoutingModel.objects.filter(pk=model.pk).update(active=True)
    _loaded.clear()
    model.refresh_from_db()
    return model


_loaded: dict[str, learning.Router] = {}
_lock = threading.Lock()


def load(model: RoutingModel) -> learning.Router:
    """The model's router, read once per process; refused when the file is not the one trained."""
    with _lock:
        if model.sha256 not in _loaded:
            path = model_dir() / model.file
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise RoutingError(_("The model file %(path)s cannot be read: %(error)s") % {
                    "path": path, "error": exc}) from None
            if hashlib.sha256(data).hexdigest() != model.sha256:
                raise RoutingError(_("The model file %(path)s is not the one trained: train again.") % {
                    "path": path})
            _loaded[model.sha256] = pickle.loads(data)  # noqa: S301 - our own file, its hash checked above
        return _loaded[model.sha256]


def suggest(kind: str, text: str, k: int = 3) -> dict[str, list[tuple[str, float]]]:
    """The top `k` of each target with their confidence, from the kind's active model; empty
    when none is active or the text is blank."""
    model = selectors.active_model(kind)
    if model is None or not text.strip():
        return {}
    return load(model).suggest(text, k)


CATEGORY = "category"


def intake_suggestions(policy: Policy, kind: str, text: str) -> dict[str, list[dict]]:
    """For a form: the top three categories (at the deepest level the model learnt) and handling
    units, each {"value", "label", "confidence"}; empty when no model is on for the kind."""
    kind = kind if kind in policy.kinds else policy.default_kind
    raw = suggest(kind, text)
    out: dict[str, list[dict]] = {}
    levels = [name for name in reversed(LEVELS) if name in raw]
    if levels:
        categories = policy.kinds[kind].categories
        out[CATEGORY] = [{"value": code, "label": categories[code].label if code in categories else code,
                          "confidence": confidence} for code, confidence in raw[levels[0]]]
    if UNIT in raw:
        names = selectors.unit_names([code for code, _c in raw[UNIT]])
        out[UNIT] = [{"value": code, "label": names.get(code, code), "confidence": confidence}
                     for code, confidence in raw[UNIT]]
    return out


def record(case, suggestions: dict[str, list[dict]], *, at=None, chosen: dict | None = None) -> list:
    """What was suggested for `case` at intake and what it was registered with (`chosen`
    overrides a target's value: the unit a clerk picked to route the case to)."""
    from .models import Suggestion

    if not suggestions:
        return []
    model = selectors.active_model(case.kind)
    chosen = {CATEGORY: case.category or "", UNIT: case.handling_unit.code if case.handling_unit_id else "",
              **(chosen or {})}
    rows = []
    for target, items in suggestions.items():
        values = [item["value"] for item in items]
        pick = chosen.get(target, "")
        rows.append(Suggestion(case=case, model=model, target=target,
                               suggested=[[item["value"], item["confidence"]] for item in items], chosen=pick,
                               rank=values.index(pick) + 1 if pick in values else 0, at=at or timezone.now()))
    return Suggestion.objects.bulk_create(rows)
