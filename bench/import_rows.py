"""The import benchmark of issue 13: `tousu import` of a real-shaped spreadsheet, rows a minute.

    python bench/import_rows.py --db sqlite:///tmp/imp.sqlite3 [--db postgres://.../tousu_imp]
        [--rows 10000] [--replied 0.4] [--out docs/performance.md]

Each database is made fresh (a SQLite file is deleted first; a PostgreSQL database is dropped
and created), migrated and given the hotel preset with its people. The file is an .xlsx with
the Chinese headers of a city's message board (留言编号, 留言用户, 留言主题, 留言时间, 留言详情,
一级分类, 答复意见, 答复时间); its texts are the negative hotel reviews of
../shared/data/ChnSentiCorp_htl_all.csv (read where they lie, cycled), a share of the rows with
a reply. The measured path is the real command, `manage.py import`, in its own process; the
figure is rows imported per minute from the command's own timing (reading the file excluded,
shown apart), and the run is repeated on the same file to time the idempotent pass."""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from itertools import cycle
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("TOUSU_SHARED_DATA", ROOT.parent / "shared" / "data"))
CATEGORIES = ["服务态度", "卫生", "设施设备", "餐饮", "噪音", "收费结账", "其他"]


def texts() -> list[str]:
    path = DATA / "ChnSentiCorp_htl_all.csv"
    found = []
    if path.is_file():
        with path.open(encoding="utf-8") as fh:
            found = [r["review"].strip() for r in csv.DictReader(fh) if r.get("label") == "0" and r.get("review")]
    return found or ["房间隔音很差，整晚没睡好。", "前台态度差。", "多收了一晚房费。"]


def write_xlsx(path: Path, rows: int, replied: float) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "一级分类", "答复意见", "答复时间", "阶段"])
    start = datetime(2024, 1, 1, 8, 0)
    source = cycle(texts())
    for n in range(rows):
        text = re.sub(r"\d{7,}", "****", next(source))[:500]
        at = start + timedelta(minutes=53 * n)
        answered = bool(replied) and int((n + 1) * replied) > int(n * replied)
        sheet.append([100000 + n, f"U{n % 5000:05d}", text[:20], at, text, CATEGORIES[n % len(CATEGORIES)],
                      "已核实并向客人致歉，已整改。" if answered else None,
                      at + timedelta(days=2, hours=3) if answered else None, "消费后投诉"])
    book.save(path)


def fresh(url: str) -> None:
    if url.startswith("sqlite://"):
        Path(url.removeprefix("sqlite://")).unlink(missing_ok=True)
        return
    base, _sep, name = url.rpartition("/")
    subprocess.run(["psql", f"{base}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=True)
    subprocess.run(["psql", f"{base}/postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True)


def manage(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "TOUSU_LOG_LEVEL": "WARNING"}
    if url.startswith("sqlite://"):
        env["TOUSU_DATA_DIR"] = str(Path(url.removeprefix("sqlite://")).parent)
    out = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"{args} failed:\n{out.stderr[-3000:]}")
    return out


SETUP = ("from tousu.org.services import apply_preset, create_preset_people; "
         "apply_preset('hotel'); create_preset_people('bench')")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def measure(url: str, path: Path, rows: int) -> dict:
    fresh(url)
    manage(url, "migrate", "-v0")
    manage(url, "shell", "-c", SETUP)
    results = {}
    for label in ("first", "again"):
        started, cpu = time.monotonic(), _child_cpu()
        # The rows are 消费后 complaints, the department head's from registration: he imports
        # them and records their past replies.
        out = manage(url, "import", str(path), "--by", "fo_head", "--no-progress", "--errors",
                     str(path) + ".errors.csv")
        wall, cpu = time.monotonic() - started, _child_cpu() - cpu
        # the summary line, in either language: rows, created, with a reply, skipped, failed, seconds
        found = NUMBER.findall(out.stdout.splitlines()[1]) if len(out.stdout.splitlines()) > 1 else []
        if len(found) != 6:
            raise SystemExit(f"no summary in:\n{out.stdout}\n{out.stderr}")
        total, created, replied, skipped, failed, seconds = found
        results[label] = {"created": int(created), "replied": int(replied), "skipped": int(skipped),
                          "failed": int(failed), "seconds": float(seconds), "wall": wall, "cpu": cpu,
                          "per_min": rows / float(seconds) * 60}
    return results


def _child_cpu() -> float:
    """CPU seconds the finished child processes used (the import's own Python, not the
    database server's): the rate a free core would give, on a machine others share."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", action="append", required=True)
    p.add_argument("--rows", type=int, default=10000)
    p.add_argument("--replied", type=float, default=0.4)
    p.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = p.parse_args()
    os.environ["LANGUAGE"] = "en"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "留言.xlsx"
        write_xlsx(path, args.rows, args.replied)
        lines = [f"\n### Import run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC ({platform.node()}, "
                 f"{os.cpu_count()} cores): {args.rows:,} rows, {args.replied:.0%} with a reply\n",
                 "| database | first import | rows/min (wall) | import process CPU | rows/min of that CPU | same file again | failed |",
                 "|---|---|---|---|---|---|---|"]
        for url in args.db:
            r = measure(url, path, args.rows)
            first, again = r["first"], r["again"]
            name = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
            lines.append(f"| {name} | {first['created']:,} cases ({first['replied']:,} replied) in "
                         f"{first['seconds']:.1f} s (process {first['wall']:.1f} s) | **{first['per_min']:,.0f}** | "
                         f"{first['cpu']:.1f} s | {args.rows / first['cpu'] * 60:,.0f} | "
                         f"{again['skipped']:,} skipped in {again['seconds']:.1f} s | {first['failed']} |")
            print(lines[-1], flush=True)
    with open(args.out, "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
