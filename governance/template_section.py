"""The ``levels`` section of a township template (tenants/templates/*.toml)."""

from __future__ import annotations

from typing import Any

from tenants.errors import ApplicationError
from tenants.township_templates import TemplateSection, TownshipTemplate, register_template_section


def _invalid(message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_template", attr="levels")


def levels_validate(data: Any, template: TownshipTemplate) -> None:
    from governance.models import Capability

    if not isinstance(data, list) or not 1 <= len(data) <= 6:
        raise _invalid("网格层级须为 1–6 级。")
    villages = 0
    for level in data:
        if not isinstance(level, dict) or not str(level.get("name", "")).strip():
            raise _invalid("每个网格层级都须有名称。")
        capabilities = level.get("capabilities", [])
        if not set(capabilities) <= set(Capability.values):
            raise _invalid(f"层级“{level['name']}”的权限只能是 {', '.join(Capability.values)}。")
        villages += bool(level.get("village"))
    if villages != 1:
        raise _invalid("须有且只有一个层级标记为村级（village = true）。")
    depths = template.settings.get("tier_level_depths", [])
    if any(d > len(data) for d in depths):
        raise _invalid("参与季度评比的层级超出了网格层级数。")


def levels_apply(data: Any, template: TownshipTemplate) -> None:
    from governance.models import Capability, GridLevel

    GridLevel.objects.bulk_create(
        GridLevel(
            depth=depth,
            name=level["name"],
            leader_title=level.get("leader_title") or f"{level['name']}长",
            # Every leader sees what they lead; the template names what more they may do.
            capabilities=sorted({Capability.VIEW, *level.get("capabilities", [])}),
            is_village=bool(level.get("village")),
        )
        for depth, level in enumerate(data, start=1)
    )


def register() -> None:
    register_template_section(
        TemplateSection(name="levels", validate=levels_validate, apply=levels_apply)
    )
