"""No top-level package may shadow the standard library (a ``platform`` package would break
``import uuid`` and with it Django): see docs/adr/0001."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def top_level_packages() -> list[str]:
    return sorted(
        p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()
    ) + sorted(p.stem for p in ROOT.glob("*.py"))


def test_the_design_packages_exist() -> None:
    names = top_level_packages()
    for expected in ("config", "tenants", "governance", "scoring", "rewards", "api", "frontend"):
        assert expected in names


def test_no_top_level_package_shadows_the_standard_library() -> None:
    shadowing = [name for name in top_level_packages() if name in sys.stdlib_module_names]
    assert shadowing == []


def test_import_uuid_from_the_repository_root() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import uuid, platform; print(uuid.uuid4().version, platform.system())",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "4"
