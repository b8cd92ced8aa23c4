"""Group robots (企业微信, 钉钉, 飞书) and SMS gateways: who gets a fast report, how each request is
signed, and how each one says it took the message.

A robot answers HTTP 200 even when it refuses a message (DingTalk: `{"errcode": 310000,
"errmsg": "sign not match"}`), so the answer is read: anything but a zero code is a failed
delivery, retried with back-off and shown as not delivered, never taken for sent."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import quote_plus, urlsplit, urlunsplit

from django.db.models import Q

from . import outbox
from .egress import DeliveryError
from .models import Notification, RobotTarget

CHANNEL = "robot"


def targets_for(unit, role: str):
    """The active targets for a case of `unit` and the role named: a target of the unit or of a
    unit above it (or of every unit), for that role (or every role)."""
    ids = unit.ancestor_ids() if unit is not None else []
    found = RobotTarget.objects.filter(Q(unit__isnull=True) | Q(unit_id__in=ids), active=True)
    return found.filter(role__in=["", role]) if role else found


def queue(*, unit, role: str, subject: str, body: str, case=None) -> list[Notification]:
    """One outbox row per target (in the caller's transaction); the worker delivers them."""
    rows = []
    for target in targets_for(unit, role):
        row = outbox.queue(recipient=f"{target.get_kind_display()}: {target.name}"[:300], subject=subject,
                           body=body, channel=CHANNEL, case=case, payload={"target": target.pk})
        if row is not None:
            rows.append(row)
    return rows


# --- signing -----------------------------------------------------------------------------------

def dingtalk_sign(secret: str, timestamp_ms: str) -> str:
    """钉钉加签: HMAC-SHA256 keyed with the secret over "timestamp\\nsecret", base64, URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def feishu_sign(secret: str, timestamp_s: str) -> str:
    """飞书签名校验: HMAC-SHA256 keyed with "timestamp\\nsecret" over nothing, base64."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def with_query(url: str, extra: str) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


# --- one request per kind ----------------------------------------------------------------------

def request_for(target: RobotTarget, text: str, *, now: float | None = None) -> tuple[str, bytes, dict]:
    """(url, body, headers) of the request that hands `text` to the target."""
    now = time.time() if now is None else now
    headers = {"Content-Type": "application/json; charset=utf-8"}
    url = target.url
    if target.kind == RobotTarget.DINGTALK:
        message = {"msgtype": "text", "text": {"content": text}}
        if target.secret:
            stamp = str(int(now * 1000))
            url = with_query(url, f"timestamp={stamp}&sign={dingtalk_sign(target.secret, stamp)}")
    elif target.kind == RobotTarget.FEISHU:
        message = {"msg_type": "text", "content": {"text": text}}
        if target.secret:
            stamp = str(int(now))
            message = {"timestamp": stamp, "sign": feishu_sign(target.secret, stamp), **message}
    elif target.kind == RobotTarget.SMS:
        phones = [p.strip() for p in target.phones.split(",") if p.strip()]
        message = {"phones": phones, "text": text}
    else:  # WeCom
        message = {"msgtype": "text", "text": {"content": text}}
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    if target.kind == RobotTarget.SMS and target.secret:
        from .transports import signature

        stamp = str(int(now))
        headers["X-Tousu-Timestamp"] = stamp
        headers["X-Tousu-Signature"] = signature(target.secret, stamp, body)
    return url, body, headers


def check_answer(target: RobotTarget, answer: bytes) -> None:
    """Raise DeliveryError unless the robot says it took the message (a zero errcode, or code
    for Feishu). An SMS gateway's 2xx is enough unless it answers with a non-zero code too."""
    try:
        data = json.loads(answer.decode("utf-8")) if answer.strip() else {}
    except (UnicodeDecodeError, ValueError):
        if target.kind == RobotTarget.SMS:
            return
        raise DeliveryError(f"{target.kind} answered something that is not JSON: {answer[:200]!r}") from None
    if not isinstance(data, dict):
        data = {}
    for key in ("errcode", "code", "StatusCode"):
        if key in data:
            code = data[key]
            if str(code) != "0":
                message = data.get("errmsg") or data.get("msg") or data.get("StatusMessage") or ""
                raise DeliveryError(f"{target.kind} refused the message: {key} {code} {message}".strip())
            return
    if target.kind != RobotTarget.SMS:
        raise DeliveryError(f"{target.kind} did not say it took the message: {answer[:200]!r}")


def reports_of(case) -> list[Notification]:
    """The case's robot and SMS messages, newest first, as the case page lists them: sent, or
    not yet delivered with what the last attempt met."""
    return list(Notification.objects.filter(case=case, channel=CHANNEL).order_by("-created_at", "-pk"))
