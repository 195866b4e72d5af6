"""The checks design.md wants mechanical, run with the suite so that CI holds the code to them: the
layers' import contracts, ruff's lint and format, and mypy --strict (the server, the client and the
benchmark). Run by hand they drifted: the benchmark named a class through a module that only
imports it, which mypy --strict refuses, and nothing noticed because no check read the benchmark."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The environment's own tools, as locked in uv.lock: the ones `uv run` would start.
BIN = Path(sys.executable).parent

CHECKS = {
    "import contracts": [str(BIN / "lint-imports"), "--no-cache"],
    "ruff lint": [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
    "ruff format": [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."],
    "mypy strict": [sys.executable, "-m", "mypy"],  # packages and strictness from pyproject.toml
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_the_code_passes(name: str) -> None:
    done = subprocess.run(CHECKS[name], cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, f"{name} failed:\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}"
