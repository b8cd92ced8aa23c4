"""The routing benchmark of issue 14; results appended to docs/performance.md.

    python bench/routing.py [--cv] [--train URL] [--out FILE]

--cv: 5-fold cross-validation of the product's model beside the baseline (default TF-IDF of
character pairs and jieba words, logistic regression) on the negative reviews of
online_shopping_10_cats.csv (category) and the narratives of cfpb_complaints_sample.csv
(product), both from ../shared/data (never copied into the repository).
--train URL: `routing.services.train` on every past case of a database seeded by
`tousu bench-data` (the time, split into learning and measuring), then, in a fresh process, the
loaded model's memory and the suggestion's latency over 500 of its own texts.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
os.environ.setdefault("TOUSU_SECRET_KEY", "bench-" + uuid.uuid4().hex)
os.environ.setdefault("TOUSU_CHAIN_KEY", "bench-chain-key")
sys.path.insert(0, str(ROOT))
csv.field_size_limit(10**9)


def datasets(data: Path) -> dict:
    with open(data / "online_shopping_10_cats.csv", encoding="utf-8-sig", newline="") as f:
        shop = [(r["review"], r["cat"]) for r in csv.DictReader(f) if r["label"] == "0" and r["review"].strip()]
    with open(data / "cfpb_complaints_sample.csv", encoding="utf-8-sig", newline="") as f:
        cfpb = [(r["Consumer complaint narrative"], r["Product"]) for r in csv.DictReader(f)
                if r["Consumer complaint narrative"].strip()]
    return {"online_shopping negative reviews -> cat": shop, "cfpb narratives -> product": cfpb}


def cv(data: Path, folds: int) -> dict:
    from tousu.routing import learning

    out = {}
    for name, rows in datasets(data).items():
        texts, labels = [t for t, _ in rows], [y for _, y in rows]
        t = time.perf_counter()
        docs = [learning.prepare(x) for x in texts]
        out[name] = {"rows": len(rows), "classes": len(set(labels)), "prepare_s": round(time.perf_counter() - t, 1)}
        for config in (learning.PRODUCT, learning.BASELINE):
            t = time.perf_counter()
            q = learning.cross_validate(docs, labels, folds=folds, config=config).as_dict()
            out[name][config.name] = {k: q[k] for k in ("macro_f1", "accuracy", "top3")} | {
                "seconds": round(time.perf_counter() - t, 1)}
            print(name, config.name, out[name][config.name], flush=True)
    return out


def child_train() -> dict:
    import django

    django.setup()
    from tousu.org.services import current_policy
    from tousu.routing import learning, services

    policy = current_policy()
    kind = policy.default_kind
    learn = {}
    real_fit = learning.fit

    def timed_fit(*args, **kwargs):
        t = time.perf_counter()
        router = real_fit(*args, **kwargs)
        learn["fit_s"] = round(time.perf_counter() - t, 1)
        return router

    services.learning.fit = timed_fit
    t = time.perf_counter()
    model = services.train(policy, kind)
    total = time.perf_counter() - t
    services.activate(model)
    return {"kind": kind, "training_size": model.training_size, "total_s": round(total, 1),
            **learn, "quality_s": round(total - learn.get("fit_s", 0), 1),
            "targets": {t: {k: q[k] for k in ("macro_f1", "accuracy", "top3", "size")} for t, q in model.quality.items()},
            "file_mb": round((services.model_dir() / model.file).stat().st_size / 2**20, 1)}


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child_suggest() -> dict:
    import django

    django.setup()
    from tousu.org.services import current_policy
    from tousu.routing import selectors, services

    kind = current_policy().default_kind
    texts = ["\n".join(r[:2]) for r in selectors.training_rows(kind, limit=500)]
    import jieba

    jieba.initialize()  # the dictionary is the library's, loaded once per process either way
    model = selectors.active_model(kind)
    before = rss_mb()
    router = services.load(model)
    loaded = rss_mb() - before
    router.suggest(texts[0])
    samples = []
    for text in texts:
        t = time.perf_counter()
        router.suggest(text)
        samples.append(time.perf_counter() - t)
    samples.sort()
    p = lambda q: round(samples[min(len(samples) - 1, int(q * (len(samples) - 1)))] * 1000, 1)  # noqa: E731
    return {"model_rss_mb": round(loaded, 1), "process_rss_mb": round(rss_mb(), 1), "n": len(samples),
            "suggest_p50_ms": p(0.5), "suggest_p95_ms": p(0.95), "suggest_p99_ms": p(0.99)}


def child(part: str, url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tousu.settings", "TOUSU_LOG_LEVEL": "WARNING"}
    out = subprocess.run([sys.executable, __file__, "_child", part], env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{part} on {url} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "_child":
        print(json.dumps(globals()[f"child_{sys.argv[2]}"](), ensure_ascii=False))
        return
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cv", action="store_true")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--data", default=str(DATA))
    p.add_argument("--train", nargs="*", default=[])
    p.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    p.add_argument("--note", default="")
    a = p.parse_args()
    results: dict = {}
    if a.cv:
        results["cross-validation"] = cv(Path(a.data), a.folds)
    for url in a.train:
        name = url.rsplit("/", 1)[-1]
        results[f"train {name}"] = child("train", url)
        print(results[f"train {name}"], flush=True)
        results[f"suggest {name}"] = child("suggest", url)
        print(results[f"suggest {name}"], flush=True)
    with open(a.out, "a", encoding="utf-8") as fh:
        fh.write(f"\n### Routing run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n")
        if a.note:
            fh.write(f"- note: {a.note}\n")
        fh.write("\n```json\n" + json.dumps(results, ensure_ascii=False, indent=1) + "\n```\n")


if __name__ == "__main__":
    main()
