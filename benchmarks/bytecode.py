"""The package byte-compiled before a benchmark times it, as an installed copy is.

pip compiles a package at install time, and a user's first run writes what it missed; a
checkout run with PYTHONDONTWRITEBYTECODE set (as in some CI and agent shells) would compile
every changed module again in every process timed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "catalog"


def compile_package() -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(PACKAGE)], check=False)
