"""Reading infra/terraform with python-hcl2, independent of the python-hcl2 version.

python-hcl2 v7 returns strings without their quotes and labels as plain keys; v8 keeps the
quotes (``'"web"'``) and marks blocks with ``__is_block__``. Both wrap bare expressions in
``${...}``. ``load`` normalises all of that: quotes are removed, bookkeeping keys dropped, so a
string literal reads ``"web"`` and a reference reads ``"${var.image}"`` in either version;
``expr`` turns a whole-value ``${...}`` into the bare expression (``"var.image"``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import hcl2

REPO_ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = REPO_ROOT / "infra" / "terraform"
MODULES = TERRAFORM / "modules"
PRODUCTION = TERRAFORM / "environments" / "production"

_BOOKKEEPING = {
    "__is_block__",
    "__comments__",
    "__inline_comments__",
    "__start_line__",
    "__end_line__",
}


def unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return value[1:-1]
    return value


def normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {unquote(k): normalise(v) for k, v in value.items() if k not in _BOOKKEEPING}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        return unquote(value)
    return value


def _single_interpolation(value: str) -> bool:
    """True when the whole string is exactly one ``${...}`` (not ``${a}-${b}``)."""
    if not (value.startswith("${") and value.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index == len(value) - 1
    return False


def expr(value: Any) -> Any:
    """``"${var.image}"`` -> ``"var.image"``; anything else is returned unchanged."""
    if isinstance(value, str) and _single_interpolation(value):
        return value[2:-1].strip()
    return value


@cache
def load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return normalise(hcl2.load(handle))


def tf_files(directory: Path = TERRAFORM) -> list[Path]:
    return sorted(p for p in directory.rglob("*.tf") if ".terraform" not in p.parts)


def _merged(directory: Path, kind: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for path in sorted(directory.glob("*.tf")):
        items.extend(load(path).get(kind, []))
    return items


def resources(directory: Path, resource_type: str) -> dict[str, dict[str, Any]]:
    """``{name: body}`` of every resource of ``resource_type`` in one module directory."""
    found: dict[str, dict[str, Any]] = {}
    for block in _merged(directory, "resource"):
        for rtype, instances in block.items():
            if rtype == resource_type:
                found.update(instances)
    return found


def all_resources(resource_type: str) -> list[tuple[Path, str, dict[str, Any]]]:
    """Every resource of ``resource_type`` anywhere under infra/terraform."""
    found = []
    for path in tf_files():
        for block in load(path).get("resource", []):
            for name, body in block.get(resource_type, {}).items():
                found.append((path, name, body))
    return found


def variables(directory: Path) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for block in _merged(directory, "variable"):
        found.update(block)
    return found


def locals_(directory: Path) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for block in _merged(directory, "locals"):
        found.update(block)
    return found


def modules(directory: Path) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for block in _merged(directory, "module"):
        found.update(block)
    return found


def block(body: dict[str, Any], name: str) -> dict[str, Any]:
    """The single nested block ``name`` of a resource body."""
    blocks = body[name]
    assert isinstance(blocks, list), f"{name} is not a block"
    assert len(blocks) == 1, f"expected one {name} block, found {len(blocks)}"
    return blocks[0]


def resolve(value: Any, directory: Path) -> Any:
    """A literal, or the default of the module variable it references (``var.x``)."""
    reference = expr(value)
    if isinstance(reference, str) and reference.startswith("var."):
        variable = variables(directory)[reference.removeprefix("var.")]
        assert "default" in variable, f"{reference} in {directory} has no default"
        return variable["default"]
    return value
