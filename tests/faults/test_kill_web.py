"""kill -9 the web server (gunicorn) during an intake load; restart it; clients retry every
unanswered request with the same Idempotency-Key. Afterwards every acknowledged (2xx) case
exists exactly once, and there is one case per key: the retries made no duplicates."""

from __future__ import annotations

import json
import threading
import time

from .helpers import clone_of, env_for, free_port, gunicorn, post_json, run_python, wait_until_up

CLIENTS, PER_CLIENT, KILLS = 4, 10, 2


def body(key: str) -> dict:
    return {"unit": "outlet_wenyi", "channel": "phone", "stage": "after", "category": "waiting_time",
            "subject": f"排队太久 {key}", "description": "周六上午只开一个窗口，排队等了一个多小时。",
            "complainant_name": "赵先生", "complainant_phone": "13900001111"}


def test_killing_the_web_server_loses_and_duplicates_nothing(bank_template, tmp_path):
    template, token = bank_template
    with clone_of(template, tmp_path) as url:
        env = env_for(url, tmp_path)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = gunicorn(env, port, tmp_path / "gunicorn.log")
        server.start()
        wait_until_up(base)

        acked: dict[str, dict] = {}  # key -> the case the server acknowledged
        attempts: dict[str, int] = {}
        errors: list[str] = []
        lock = threading.Lock()

        def client(n: int) -> None:
            for i in range(PER_CLIENT):
                key = f"c{n}-{i}"
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    with lock:
                        attempts[key] = attempts.get(key, 0) + 1
                    status, answer = post_json(f"{base}/api/cases", body(key), {
                        "Authorization": f"Bearer {token}", "Idempotency-Key": key})
                    if 200 <= status < 300:
                        with lock:
                            acked[key] = answer
                        break
                    if status not in (0, 502, 503, 500):
                        errors.append(f"{key}: HTTP {status}")
                        break
                    time.sleep(0.2)  # unanswered: retry with the same key
                else:
                    errors.append(f"{key}: never acknowledged")

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        try:
            total = CLIENTS * PER_CLIENT
            for k in range(KILLS):
                # Kill when the load is well under way, then bring the server back.
                target = total * (k + 1) // (KILLS + 2)
                while len(acked) < target and any(t.is_alive() for t in threads):
                    time.sleep(0.01)
                server.kill()
                time.sleep(0.3)
                server.start()
                wait_until_up(base)
            for t in threads:
                t.join(timeout=120)
        finally:
            server.stop()

        assert not errors, errors
        assert len(acked) == CLIENTS * PER_CLIENT
        retried = sum(1 for n in attempts.values() if n > 1)
        stored = json.loads(run_python(env, """
import json
from tousu.api.models import IdempotencyKey
from tousu.cases.models import Case, CaseEvent
print(json.dumps({
    "cases": list(Case.objects.values_list("pk", "number", "subject")),
    "keys": list(IdempotencyKey.objects.values_list("key", "case_id")),
    "registers": CaseEvent.objects.filter(action="register").count(),
}))
""").strip().splitlines()[-1])
        by_pk = {pk: (number, subject) for pk, number, subject in stored["cases"]}
        subjects = [subject for _pk, _number, subject in stored["cases"]]
        # Every acknowledged case is there, as acknowledged.
        for key, case in acked.items():
            assert by_pk.get(case["id"]) == (case["number"], f"排队太久 {key}"), key
        # Exactly once: one case per key, no duplicate made by a retry.
        assert len(subjects) == len(set(subjects)) == len(acked), "duplicated or stray cases"
        assert sorted(k for k, _c in stored["keys"]) == sorted(acked)
        assert stored["registers"] == len(acked)
        assert retried > 0, "no request was cut off: the kills came too late to test anything"
