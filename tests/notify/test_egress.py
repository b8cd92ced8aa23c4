"""The egress guard every outgoing HTTP request goes through (tousu/notify/egress.py): no internal
target unless the operator allows it, the address resolved once and connected to as resolved,
no redirect followed, TLS checked for the name.

No test here sends anything anywhere but 127.0.0.1: the connection function is watched, and an
attempt to reach any other address fails the test before a packet leaves."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace

import pytest

from tousu.notify import egress, outbox
from tousu.notify.delivery import deliver_due
from tousu.notify.models import Notification

REAL_GETADDRINFO = socket.getaddrinfo
REAL_CREATE_CONNECTION = socket.create_connection


class Receiver:
    """An HTTP(S) server on 127.0.0.1 that records each request (headers, body, TLS server name)."""

    def __init__(self, status=204, location=None, tls=None):
        self.received, self.server_names = [], []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        if tls:
            tls.sni_callback = lambda sock, name, ctx: self.server_names.append(name)
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers():
    made = []

    def make(**kwargs):
        made.append(Receiver(**kwargs))
        return made[-1]

    yield make
    for r in made:
        r.close()


@pytest.fixture
def connections(monkeypatch):
    """Every address the code connects to; anything but loopback fails the test unsent."""
    seen = []

    def create_connection(address, *args, **kwargs):
        seen.append(address[0])
        assert address[0] in ("127.0.0.1", "::1"), f"tried to connect to {address[0]}"
        return REAL_CREATE_CONNECTION(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return seen


@pytest.fixture
def dns(monkeypatch):
    """Names this test makes up, resolved as the test says (a list: one answer per lookup, the
    last repeated); every lookup of them is recorded."""
    answers: dict[str, list[str]] = {}
    lookups: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            lookups.append(host)
            queue = answers[host]
            address = queue.pop(0) if len(queue) > 1 else queue[0]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (address, port))]
        return REAL_GETADDRINFO(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return SimpleNamespace(answers=answers, lookups=lookups)


def queue_hook(url: str) -> Notification:
    outbox.queue(channel="webhook", recipient=url, subject="case.accept",
                 payload={"data": {"type": "case.accept"}, "secret": "s3cret"})
    return Notification.objects.get(channel="webhook", recipient=url)


def deliver(row: Notification) -> Notification:
    deliver_due(now=row.next_attempt_at)
    row.refresh_from_db()
    return row


REFUSED = [
    "http://127.0.0.1/hook",  # loopback
    "http://127.8.9.10:8080/hook",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",  # loopback written as IPv6
    "http://169.254.169.254/latest/meta-data/",  # link-local: the cloud's metadata service
    "http://10.1.2.3/hook",  # private
    "http://172.16.0.1/hook",
    "http://192.168.1.10/hook",
    "http://100.64.0.1/hook",  # carrier-grade NAT
    "http://0.0.0.0/hook",  # unspecified
    "http://224.0.0.1/hook",  # multicast
    "http://240.0.0.1/hook",  # reserved
    "http://localhost/hook",  # a name that resolves to 127.0.0.1
    "file:///etc/passwd",
    "ftp://ftp.example.com/hook",
    "gopher://example.com/",
    "https://user:pw@crm.example.com/hook",
]


@pytest.mark.parametrize("url", REFUSED)
def test_an_internal_or_non_http_target_is_refused_when_checked(url):
    with pytest.raises(egress.BlockedTarget):
        egress.check(url)


@pytest.mark.parametrize("url", REFUSED)
def test_an_internal_or_non_http_target_is_not_sent_to(db, url, connections):
    row = deliver(queue_hook(url))
    assert connections == []  # not one connection tried
    assert row.state == Notification.PENDING and row.attempts == 1
    assert row.last_error.startswith("BlockedTarget")


def test_a_name_that_resolves_to_a_public_address_passes(dns):
    dns.answers["crm.example.com"] = ["93.184.215.14"]  # never connected to: check() only resolves
    assert egress.check("https://crm.example.com/hook").host == "crm.example.com"


def test_a_name_with_any_internal_address_is_refused(dns):
    """An attacker's DNS may answer a public address first and an internal one second."""
    def two_answers(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.8", port))]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket, "getaddrinfo", two_answers)
        with pytest.raises(egress.BlockedTarget, match="10.0.0.8"):
            egress.check("https://mixed.example.com/")


def test_dns_rebinding_is_caught_when_sending(db, dns, receivers, connections):
    """Public when the subscription was checked, 127.0.0.1 when the worker sends: nothing goes."""
    receiver = receivers()
    url = f"http://rebind.example.com:{receiver.port}/hook"
    dns.answers["rebind.example.com"] = ["93.184.215.14", "127.0.0.1"]
    egress.check(url)  # saved: it was public then
    row = deliver(queue_hook(url))
    assert receiver.received == [] and connections == []
    assert row.last_error.startswith("BlockedTarget") and "127.0.0.1" in row.last_error


def test_the_connection_goes_to_the_address_checked_with_the_name_in_the_host_header(
        db, dns, receivers, connections, settings):
    """Resolved once and pinned: a second lookup (which would answer 10.0.0.9) never happens."""
    settings.TOUSU_WEBHOOK_ALLOW_HOSTS = ["gateway.intranet"]
    receiver = receivers()
    dns.answers["gateway.intranet"] = ["127.0.0.1", "10.0.0.9"]
    row = deliver(queue_hook(f"http://gateway.intranet:{receiver.port}/robot?key=1"))
    assert row.state == Notification.SENT
    assert dns.lookups == ["gateway.intranet"]
    assert connections == ["127.0.0.1"]
    [(headers, _body)] = receiver.received
    assert headers["Host"] == f"gateway.intranet:{receiver.port}"


def test_a_redirect_is_not_followed(db, receivers, settings):
    settings.TOUSU_WEBHOOK_ALLOW_HOSTS = ["127.0.0.1"]
    target = receivers()
    redirecting = receivers(status=302, location=f"http://127.0.0.1:{target.port}/elsewhere")
    row = deliver(queue_hook(f"http://127.0.0.1:{redirecting.port}/hook"))
    assert len(redirecting.received) == 1 and target.received == []
    assert row.state == Notification.PENDING and "302" in row.last_error and "not followed" in row.last_error


def test_the_allow_list_lets_an_operator_permit_a_named_internal_host(db, receivers, settings, connections):
    receiver = receivers()
    url = f"http://localhost:{receiver.port}/hook"
    settings.TOUSU_WEBHOOK_ALLOW_HOSTS = []
    row = deliver(queue_hook(url))
    assert row.last_error.startswith("BlockedTarget") and receiver.received == []

    settings.TOUSU_WEBHOOK_ALLOW_HOSTS = ["intranet.example", "LOCALHOST"]
    row = deliver(Notification.objects.get(pk=row.pk))
    assert row.state == Notification.SENT and len(receiver.received) == 1
    # the name is allowed, not what else resolves to the same address
    with pytest.raises(egress.BlockedTarget):
        egress.check(f"http://127.0.0.1:{receiver.port}/hook")


def test_the_allow_list_takes_a_network(settings):
    settings.TOUSU_WEBHOOK_ALLOW_HOSTS = ["10.20.0.0/16"]
    assert egress.check("http://10.20.3.4:8080/robot").port == 8080
    with pytest.raises(egress.BlockedTarget):
        egress.check("http://10.21.3.4:8080/robot")


# --- TLS: the pinned connection still checks the certificate against the name ---

def _certificate(tmp_path, name):
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    return cert, server


@pytest.fixture
def trust(monkeypatch):
    """Make the guard's TLS context trust one more certificate (as a private CA would be)."""
    def use(cert):
        real = ssl.create_default_context
        monkeypatch.setattr(ssl, "create_default_context", lambda *a, **k: real(cafile=str(cert)))
    return use


def test_https_sends_the_name_for_sni_and_checks_the_certificate_for_it(
        db, tmp_path, dns, receivers, settings, trust):
    settings.TOUSU_WEBHOOK_ALLOW_HOSTS = ["hooks.intranet"]
    dns.answers["hooks.intranet"] = ["127.0.0.1"]
    cert, server_tls = _certificate(tmp_path, "hooks.intranet")
    receiver = receivers(tls=server_tls)
    url = f"https://hooks.intranet:{receiver.port}/hook"

    row = deliver(queue_hook(url))  # a certificate nobody vouches for: refused
    assert row.state == Notification.PENDING and "CERTIFICATE_VERIFY_FAILED" in row.last_error
    assert receiver.received == []

    trust(cert)
    row = deliver(Notification.objects.get(pk=row.pk))
    assert row.state == Notification.SENT
    assert receiver.server_names[-1] == "hooks.intranet"  # SNI: the name, not the address
    assert receiver.received[0][0]["Host"] == f"hooks.intranet:{receiver.port}"


def test_https_refuses_a_certificate_for_another_name(db, tmp_path, dns, receivers, settings, trust):
    settings.TOUSU_WEBHOOK_ALLOW_HOSTS = ["hooks.intranet"]
    dns.answers["hooks.intranet"] = ["127.0.0.1"]
    cert, server_tls = _certificate(tmp_path, "other.intranet")
    trust(cert)
    receiver = receivers(tls=server_tls)
    row = deliver(queue_hook(f"https://hooks.intranet:{receiver.port}/hook"))
    assert row.state == Notification.PENDING and "hooks.intranet" in row.last_error
    assert receiver.received == []
