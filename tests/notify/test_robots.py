"""Group robots and SMS gateways (tousu/notify/robots.py): each kind's request as its service
wants it (DingTalk's and Feishu's signatures checked by a local receiver that does what theirs
does), sent through the egress guard, and a robot that answers an error (DingTalk: HTTP 200
with errcode != 0) kept as not delivered and tried again, never taken for sent."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.notify.robot_receiver import RobotReceiver
from tousu.notify import egress, robots
from tousu.notify.admin import NotificationAdmin, RobotTargetForm
from tousu.notify.delivery import deliver_due
from tousu.notify.models import Notification, RobotTarget

SECRET = "SEC0123456789abcdef"


@pytest.fixture
def local(settings):
    settings.TOUSU_WEBHOOK_ALLOW_HOSTS = ["127.0.0.1"]


@pytest.fixture
def receivers():
    made = []

    def make(*args, **kwargs):
        r = RobotReceiver(*args, **kwargs)
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()


def _target(kind, url, secret="", **more):
    return RobotTarget.objects.create(name=f"{kind} 领导群", kind=kind, url=url, secret=secret, **more)


def _queue(target_kind="", subject="一级舆情快报", body="某网友在微博发布……"):
    return robots.queue(unit=None, role="", subject=subject, body=body)


@pytest.mark.django_db
def test_dingtalk_signed_message_is_accepted_by_a_receiver_that_checks_the_signature(local, receivers):
    r = receivers("dingtalk", secret=SECRET)
    _target(RobotTarget.DINGTALK, r.url, SECRET)
    [row] = _queue()
    assert deliver_due() == 1
    row.refresh_from_db()
    assert row.state == Notification.SENT
    [got] = r.received
    assert got["query"]["access_token"] == ["t0ken"]  # the robot's own query kept
    assert got["answer"] == {"errcode": 0, "errmsg": "ok"}
    assert got["body"]["msgtype"] == "text" and "一级舆情快报" in got["body"]["text"]["content"]


@pytest.mark.django_db
def test_dingtalk_errcode_with_http_200_is_a_failed_delivery_retried_and_never_lost(local, receivers):
    r = receivers("dingtalk", secret="SECthe-robot-has-another-secret")
    _target(RobotTarget.DINGTALK, r.url, SECRET)
    [row] = _queue()
    assert deliver_due() == 0
    row.refresh_from_db()
    assert row.state == Notification.PENDING  # not sent, not given up: tried again later
    assert row.attempts == 1 and "310000" in row.last_error and "sign not match" in row.last_error
    assert row.next_attempt_at > timezone.now()
    assert "not yet delivered" in NotificationAdmin(Notification, site).delivery(row)
    # The administrator corrects the secret; the next round delivers the same row.
    r.secret = SECRET
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert deliver_due() == 1
    row.refresh_from_db()
    assert row.state == Notification.SENT and len(r.received) == 2


@pytest.mark.django_db
def test_given_up_row_stays_in_the_outbox_and_the_admin_can_try_it_again(local, receivers, settings):
    settings.TOUSU_OUTBOX_MAX_ATTEMPTS = 1
    r = receivers("wecom", answer={"errcode": 93000, "errmsg": "invalid webhook url"})
    _target(RobotTarget.WECOM, r.url)
    [row] = _queue()
    deliver_due()
    row.refresh_from_db()
    assert row.state == Notification.FAILED and "93000" in row.last_error
    admin = NotificationAdmin(Notification, site)
    admin.message_user = lambda *a, **k: None
    admin.try_again(None, Notification.objects.filter(pk=row.pk))
    row.refresh_from_db()
    assert row.state == Notification.PENDING and row.attempts == 0


@pytest.mark.django_db
def test_feishu_signature_and_answer(local, receivers):
    r = receivers("feishu", secret="feishu-secret")
    _target(RobotTarget.FEISHU, r.url, "feishu-secret")
    _queue()
    assert deliver_due() == 1
    body = r.received[0]["body"]
    assert body["msg_type"] == "text" and body["timestamp"] and body["sign"]
    bad = receivers("feishu", secret="another")
    _target(RobotTarget.FEISHU, bad.url, "feishu-secret")
    [row, other] = _queue()
    deliver_due()
    failed = Notification.objects.get(state=Notification.PENDING, attempts=1)
    assert "19021" in failed.last_error


@pytest.mark.django_db
def test_wecom_and_sms_gateway_bodies(local, receivers):
    wecom = receivers("wecom")
    sms = receivers("sms")
    _target(RobotTarget.WECOM, wecom.url)
    _target(RobotTarget.SMS, sms.url, "sms-key", phones="13800000001, 13800000002")
    _queue(body="正文")
    assert deliver_due() == 2
    assert wecom.received[0]["body"] == {"msgtype": "text", "text": {"content": "一级舆情快报\n正文"}}
    got = sms.received[0]
    assert got["body"]["phones"] == ["13800000001", "13800000002"]
    assert got["headers"]["X-Tousu-Signature"]  # signed like a webhook


@pytest.mark.django_db
def test_targets_follow_the_unit_tree_and_the_role(hotel):
    front = hotel.units["front_office"]
    root = hotel.units["hotel"]
    everywhere = _target(RobotTarget.WECOM, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a")
    above = _target(RobotTarget.DINGTALK, "https://oapi.dingtalk.com/robot/send?access_token=b", unit=root,
                    role="leaders")
    other_role = _target(RobotTarget.DINGTALK, "https://oapi.dingtalk.com/robot/send?access_token=c", role="press")
    off = _target(RobotTarget.WECOM, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=d", active=False)
    found = set(robots.targets_for(front, "leaders"))
    assert found == {everywhere, above}
    assert other_role not in found and off not in found


@pytest.mark.django_db
def test_internal_target_refused_when_saved():
    with pytest.raises(ValidationError):
        _target(RobotTarget.WECOM, "http://169.254.169.254/latest/meta-data")
    target = RobotTarget(name="x", kind=RobotTarget.WECOM, url="http://10.0.0.5/hook")
    with pytest.raises(ValidationError):
        target.full_clean()


@pytest.mark.django_db
def test_admin_form_keeps_the_secret_unseen_and_unchanged_when_left_empty(monkeypatch):
    # No DNS in the tests: the robot's host resolves to a public address.
    monkeypatch.setattr(egress.socket, "getaddrinfo",
                        lambda host, port, **kw: [(2, 1, 6, "", ("106.11.35.100", port))])
    target = _target(RobotTarget.DINGTALK, "https://oapi.dingtalk.com/robot/send?access_token=x", SECRET)
    form = RobotTargetForm(instance=target)
    assert SECRET not in str(form["secret"])
    data = {"name": "改名", "kind": "dingtalk", "url": target.url, "secret": "", "phones": "", "role": "",
            "active": "on"}
    form = RobotTargetForm(data, instance=target)
    assert form.is_valid(), form.errors
    form.save()
    target.refresh_from_db()
    assert target.name == "改名" and target.secret == SECRET


@pytest.mark.django_db
def test_sms_gateway_needs_numbers(monkeypatch):
    monkeypatch.setattr(egress.socket, "getaddrinfo",
                        lambda host, port, **kw: [(2, 1, 6, "", ("106.11.35.100", port))])
    target = RobotTarget(name="短信", kind=RobotTarget.SMS, url="https://sms.example.com/send")
    with pytest.raises(ValidationError) as caught:
        target.clean()
    assert "phones" in caught.value.message_dict
