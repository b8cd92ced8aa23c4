"""Run this tree's `tousu` (python -m tousu.cli, so the worktree's code, not an installed one)
in a process of its own, against a database of its own (tests/faults/helpers.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.faults.helpers import ROOT, env_for, run_python, scalar, throwaway_database  # noqa: F401


def tousu(env: dict, *args: str, cwd: Path = ROOT, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tousu.cli", *args], env={**env, "PYTHONPATH": str(ROOT)},
                          cwd=cwd, capture_output=True, text=True, timeout=timeout)


def one_line_error(done: subprocess.CompletedProcess) -> str:
    """The command failed with exactly one line on stderr and no traceback; that line."""
    assert done.returncode != 0, done.stdout
    lines = done.stderr.strip().splitlines()
    assert "Traceback" not in done.stderr and len(lines) == 1, done.stderr
    return lines[0]
