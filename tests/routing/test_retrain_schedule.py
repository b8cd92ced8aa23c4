"""Issue 14: the worker trains a new model version on the kind's schedule (`[kinds.X.routing]
retrain_days` / `retrain_after_cases`) and records it, but switches it on only when it measures
at least as well as the active one (`retrain_activate = "better"`), always, or never."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from tousu.cases.models import Case
from tousu.domain.policy import RoutingPolicy
from tousu.org.services import current_policy
from tousu.routing import schedule
from tousu.routing.models import RoutingModel

from .hotline_history import trained


@pytest.fixture
def model(hotline, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    trained(hotline)  # version 1, switched on by a person
    return RoutingModel.objects.get()


def with_rule(monkeypatch, **rule):
    kind = current_policy().kinds["request"]
    monkeypatch.setattr(type(kind), "routing", property(lambda self: RoutingPolicy(action="dispatch", **rule)),
                        raising=False)


def test_a_week_later_the_worker_trains_a_version_and_switches_it_on_when_as_good(model):
    assert schedule.due(current_policy(), "request") == ""  # trained just now
    with time_machine.travel(timezone.now() + dt.timedelta(days=8), tick=False):
        assert schedule.due(current_policy(), "request") == "7 days"
        call_command("worker", "--once")
    newest = RoutingModel.objects.order_by("-version").first()
    assert (newest.version, newest.trained_by, newest.training_size) == (2, None, 40)
    # the same cases, the same measured quality: at least as good, so it is the one on now
    assert newest.active and not RoutingModel.objects.get(version=1).active
    with time_machine.travel(timezone.now() + dt.timedelta(days=9), tick=False):
        assert schedule.due(current_policy(), "request") == ""  # the new version is a day old


def test_a_version_that_measures_worse_is_recorded_but_left_off(model):
    RoutingModel.objects.filter(pk=model.pk).update(quality={
        target: {**figures, "macro_f1": 1.01} for target, figures in model.quality.items()})  # unbeatable
    with time_machine.travel(timezone.now() + dt.timedelta(days=8), tick=False):
        call_command("worker", "--once")
    assert RoutingModel.objects.count() == 2
    assert RoutingModel.objects.get(active=True).version == 1


def test_after_enough_newly_ended_cases_and_never_switching_on(model, monkeypatch):
    with_rule(monkeypatch, retrain_after_cases=5, retrain_activate="never")
    policy = current_policy()
    assert schedule.due(policy, "request") == ""
    ended = list(Case.objects.filter(kind="request").values_list("pk", flat=True)[:5])
    Case.objects.filter(pk__in=ended).update(updated_at=timezone.now() + dt.timedelta(seconds=1))
    assert schedule.due(policy, "request") == "5 cases ended"
    [new] = schedule.retrain_due(policy)
    assert new.version == 2 and not new.active
    assert RoutingModel.objects.get(active=True).version == 1


def test_no_model_yet_trains_nothing(hotline):
    assert schedule.due(current_policy(), "request") == ""  # the hotline, before anyone trained a model
    assert schedule.retrain_due(current_policy()) == []
