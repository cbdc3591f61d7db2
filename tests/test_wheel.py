"""The wheel works outside the checkout: built from this repository, installed in a fresh
venv, `catalog init` + `import` + `build` run in a folder that is not the repository.

The wheel is installed with --no-deps and the dependencies come from the test venv's
site-packages (a .pth line): installing them afresh takes minutes. What this proves is what
only the wheel can break: its packaged templates, init files and site sources, and that the
installed package (not the checkout) is what runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from conftest import FIXTURES, REPO


def sh(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env
    )
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def test_the_wheel_inits_imports_and_builds_outside_the_repository(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    sh(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", REPO, "-w", wheels, cwd=tmp_path)
    [wheel] = wheels.glob("catalog-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)  # this pip installs into it (--python): no ensurepip
    python = env_dir / "bin" / "python"
    pip = (sys.executable, "-m", "pip", "--python", python)
    sh(*pip, "install", "-q", "--no-deps", "--no-index", wheel, cwd=tmp_path)
    site = Path(
        sh(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path
        ).strip()
    )
    (site / "zz-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    where = sh(python, "-c", "import catalog; print(catalog.__file__)", cwd=work, env=env)
    assert where.strip().startswith(str(site)), where  # the wheel's package, not the checkout
    catalog = env_dir / "bin" / "catalog"
    sh(catalog, "init", "awesome-x", "--title", "Awesome X", cwd=work, env=env)
    root = work / "awesome-x"
    flows = root / ".github" / "workflows"  # this repository's workflows, packaged in the wheel
    assert sorted(p.name for p in flows.iterdir()) == sorted(
        p.name for p in (REPO / ".github" / "workflows").iterdir()
    )
    assert "catalog-init" not in (flows / "pr.yml").read_text()
    dry = sh(catalog, "import", FIXTURES / "lists" / "numbered.md", "--dry-run", cwd=root, env=env)
    assert "nothing written (--dry-run)" in dry and not list(
        (root / "data" / "papers").glob("*.yaml")
    )
    out = subprocess.run(
        [catalog, "import", FIXTURES / "lists" / "numbered.md"], cwd=root, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    sh(catalog, "validate", cwd=root, env=env)
    sh(catalog, "build", cwd=root, env=env)
    assert "Prefix Pruning for Efficient Tuning" in (root / "README.md").read_text()
    assert (root / "build" / "site" / "index.html").is_file()
    assert not (REPO / "awesome-x").exists()
