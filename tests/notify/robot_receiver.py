"""A local stand-in for the DingTalk, WeCom and Feishu robots and an SMS gateway: an HTTP server on
127.0.0.1 that checks what the real one checks (DingTalk's timestamp and sign query parameters,
Feishu's timestamp and sign fields) and answers the way the real one does: HTTP 200 with
errcode 0, or HTTP 200 with a non-zero errcode when the signature does not match."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit


def dingtalk_signature_ok(secret: str, query: dict, now_ms: float) -> bool:
    stamp = query.get("timestamp", [""])[0]
    sign = query.get("sign", [""])[0]  # parse_qs has undone the URL encoding
    if not stamp.isdigit() or abs(now_ms - int(stamp)) > 3600 * 1000:  # DingTalk: within an hour
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(),
                                         hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, sign)


def feishu_signature_ok(secret: str, body: dict) -> bool:
    stamp = str(body.get("timestamp", ""))
    expected = base64.b64encode(hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, str(body.get("sign", "")))


class RobotReceiver:
    """kind: dingtalk, wecom, feishu or sms. `answer` overrides the JSON answer (an error)."""

    def __init__(self, kind: str, secret: str = "", answer: dict | None = None, status: int = 200):
        self.kind, self.secret, self.answer, self.status = kind, secret, answer, status
        self.received: list[dict] = []  # each: path, query, headers, body (parsed), at (time)
        self.refused: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                body = json.loads(raw.decode("utf-8"))
                answer = receiver.judge(query, body)
                receiver.received.append({"path": parts.path, "query": query, "headers": dict(self.headers),
                                          "body": body, "at": time.time(), "answer": answer})
                data = json.dumps(answer).encode()
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/robot/send?access_token=t0ken"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def judge(self, query: dict, body: dict) -> dict:
        if self.answer is not None:
            return self.answer
        if self.kind == "dingtalk" and self.secret and not dingtalk_signature_ok(self.secret, query, time.time() * 1000):
            self.refused.append("sign not match")
            return {"errcode": 310000, "errmsg": "sign not match"}
        if self.kind == "feishu":
            if self.secret and not feishu_signature_ok(self.secret, body):
                return {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"}
            return {"code": 0, "msg": "success"}
        if self.kind == "sms":
            return {"result": "queued"}
        return {"errcode": 0, "errmsg": "ok"}

    def texts(self) -> list[str]:
        out = []
        for r in self.received:
            b = r["body"]
            out.append((b.get("text") or {}).get("content") if isinstance(b.get("text"), dict)
                       else (b.get("content") or {}).get("text") or b.get("text"))
        return out

    def close(self):
        self.server.shutdown()
        self.server.server_close()
