"""Retraining on the kind's schedule (`[kinds.X.routing] retrain_days`, `retrain_after_cases`),
run by the worker: a new model version is trained and recorded like `tousu routing train` does;
it is switched on only when the policy says so (`retrain_activate`): by default when its
measured quality (macro-F1 of each target the active model has) is at least the active one's.
A kind without any model is not trained by the schedule: the first model is trained and switched
on by a person who has seen its figures.

One worker at a time trains a kind: a claim in the shared cache (the database cache, or Redis)
keeps a second worker from training the same kind at the same time."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from tousu.domain.policy import Policy

from . import selectors, services
from .models import RoutingModel

log = logging.getLogger("tousu.worker")

CLAIM = "tousu-routing-retrain-{kind}"
CLAIM_SECONDS = 6 * 3600  # longer than any training; released when the training ends


def due(policy: Policy, kind: str, now=None) -> str:
    """Why the kind's model is due to be trained again ("" when it is not)."""
    rule = policy.kinds[kind].routing
    if not rule.retrains:
        return ""
    now = now or timezone.now()
    newest = selectors.models_of(kind).first()
    if newest is None:  # the first model is trained by a person (`tousu routing train`), who sees its figures
        return ""
    if rule.retrain_days and now - newest.trained_at >= timedelta(days=rule.retrain_days):
        return f"{rule.retrain_days} days"
    if rule.retrain_after_cases:
        ended = selectors.ended_since(kind, newest.trained_at, limit=rule.retrain_after_cases)
        if ended >= rule.retrain_after_cases:
            return f"{ended} cases ended"
    return ""


def at_least_as_good(new: RoutingModel, active: RoutingModel | None) -> bool:
    """Whether `new` measured at least as well as `active` on every target `active` was measured
    on (macro-F1 of the cross-validation recorded with each). With none active there is nothing
    to compare with: an administrator switches a model on (False)."""
    if active is None:
        return False
    for target, figures in (active.quality or {}).items():
        theirs = (figures or {}).get("macro_f1")
        ours = ((new.quality or {}).get(target) or {}).get("macro_f1")
        if theirs is not None and (ours is None or ours < theirs):
            return False
    return True


def retrain(policy: Policy, kind: str) -> RoutingModel:
    """Train the kind's next version and switch it on where the policy says so."""
    rule = policy.kinds[kind].routing
    active = selectors.active_model(kind)
    model = services.train(policy, kind)
    switch = rule.retrain_activate == "always" or (rule.retrain_activate == "better"
                                                     and at_least_as_good(model, active))
    if switch:
        model = services.activate(model)
    log.info("routing model %s trained by the schedule (%s cases, quality %s): %s", model, model.training_size,
             {t: (f or {}).get("macro_f1") for t, f in model.quality.items()},
             "switched on" if switch else "left off (the active model measured better, or the policy says so)")
    return model


def retrain_due(policy: Policy, now=None) -> list[RoutingModel]:
    """Train every kind whose schedule is due; a kind that cannot be trained (no past cases, one
    class) is logged and tried again at the next check."""
    trained = []
    for kind in policy.kinds:
        reason = due(policy, kind, now)
        if not reason:
            continue
        claim = CLAIM.format(kind=kind)
        if not cache.add(claim, 1, CLAIM_SECONDS):
            continue  # another worker is training it
        try:
            log.info("retraining the routing model of %s: %s", kind, reason)
            trained.append(retrain(policy, kind))
        except services.RoutingError as error:
            log.warning("routing model of %s not retrained: %s", kind, error)
        finally:
            cache.delete(claim)
    return trained
