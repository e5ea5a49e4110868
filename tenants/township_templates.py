"""Township templates: data files in ``tenants/templates/<code>.toml``.

A template holds a township's settings (public schema) and sections that the domain
apps seed into the new schema (``levels`` → governance, ``catalog`` → scoring). The
tenants app sits at the bottom of the layers and imports none of them: each app
registers its section here from ``AppConfig.ready()``. Every section is validated
before anything is created, so a bad template leaves nothing behind.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tenants.errors import ApplicationError

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

SETTINGS_FIELDS = {
    "bean_name",
    "leader_own_weight",
    "publicity_days",
    "month_close_day",
    "points_to_beans",
    "annual_award_top_n",
    "timezone",
    "tier_level_depths",
    "tiers",
}


@dataclass(frozen=True)
class TownshipTemplate:
    code: str
    name: str
    description: str
    settings: Mapping[str, Any]
    sections: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TemplateSection:
    """How one app validates and seeds its part of a template.

    ``validate(data, template)`` raises ApplicationError; ``apply(data, template)`` runs
    inside the new township's schema and its transaction.
    """

    name: str
    validate: Callable[[Any, TownshipTemplate], None]
    apply: Callable[[Any, TownshipTemplate], None]
    required: bool = True


_SECTIONS: dict[str, TemplateSection] = {}


def register_template_section(section: TemplateSection) -> None:
    _SECTIONS[section.name] = section


def template_sections() -> list[TemplateSection]:
    return list(_SECTIONS.values())


def template_codes() -> list[str]:
    return sorted(path.stem for path in TEMPLATE_DIR.glob("*.toml"))


def template_load(code: str) -> TownshipTemplate:
    """Read and validate a template; an unknown or malformed one is a clear error."""
    if code not in template_codes():
        raise ApplicationError(
            f"没有名为“{code}”的乡镇模板。可用模板：{'、'.join(template_codes())}。",
            code="unknown_template",
            attr="template",
        )
    path = TEMPLATE_DIR / f"{code}.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ApplicationError(
            f"模板 {path.name} 格式错误：{exc}", code="invalid_template", attr="template"
        ) from exc
    meta = raw.get("template", {})
    template = TownshipTemplate(
        code=code,
        name=str(meta.get("name", code)),
        description=str(meta.get("description", "")),
        settings=raw.get("settings", {}),
        sections={k: v for k, v in raw.items() if k not in {"template", "settings"}},
    )
    template_validate(template)
    return template


def template_validate(template: TownshipTemplate) -> None:
    settings_validate(template.settings)
    for section in template_sections():
        data = template.sections.get(section.name)
        if data is None:
            if section.required:
                raise ApplicationError(
                    f"模板“{template.code}”缺少“{section.name}”部分。",
                    code="invalid_template",
                    attr=section.name,
                )
            continue
        section.validate(data, template)


def _invalid(message: str, attr: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_settings", attr=attr)


def settings_validate(values: Mapping[str, Any]) -> None:
    """The rules a township's settings keep, wherever they come from (template or admin)."""
    unknown = set(values) - SETTINGS_FIELDS
    if unknown:
        raise _invalid(f"未知的设置项：{'、'.join(sorted(unknown))}。", sorted(unknown)[0])
    if "bean_name" in values and not (1 <= len(str(values["bean_name"]).strip()) <= 16):
        raise _invalid("积分豆名称须为 1–16 个字。", "bean_name")
    for key, low, high in (("leader_own_weight", "0", "1"), ("points_to_beans", "0.01", "9999")):
        if key in values:
            try:
                number = Decimal(str(values[key]))
            except InvalidOperation as exc:
                raise _invalid(f"{key} 必须是数字。", key) from exc
            if not Decimal(low) <= number <= Decimal(high):
                raise _invalid(f"{key} 须在 {low} 与 {high} 之间。", key)
    for key, lowest, highest in (
        ("publicity_days", 1, 30),
        ("month_close_day", 1, 28),
        ("annual_award_top_n", 1, 1000),
    ):
        if key in values and not (
            isinstance(values[key], int) and lowest <= values[key] <= highest
        ):
            raise _invalid(f"{key} 须为 {lowest}–{highest} 的整数。", key)
    if "tier_level_depths" in values:
        depths = values["tier_level_depths"]
        if not isinstance(depths, list) or not all(isinstance(d, int) and d >= 1 for d in depths):
            raise _invalid("参与季度评比的层级须为正整数列表。", "tier_level_depths")
    if "tiers" in values:
        tiers_validate(values["tiers"])


def tiers_validate(tiers: Any) -> None:
    """Tiers are nested: each covers a larger top share than the one before (10 < 30 < 50)."""
    if not isinstance(tiers, list) or not tiers:
        raise _invalid("季度评比档次不能为空。", "tiers")
    previous = 0
    codes = set()
    for tier in tiers:
        if not isinstance(tier, Mapping) or {"code", "name", "top_percent", "award_beans"} - set(
            tier
        ):
            raise _invalid("每个档次须有 code、name、top_percent、award_beans。", "tiers")
        percent, award = tier["top_percent"], tier["award_beans"]
        if not isinstance(percent, int) or not previous < percent <= 100:
            raise _invalid("档次比例须为递增的 1–100 的整数（如 10、30、50）。", "tiers")
        if not isinstance(award, int) or award < 0:
            raise _invalid("档次奖励豆数须为非负整数。", "tiers")
        if tier["code"] in codes:
            raise _invalid(f"档次代码“{tier['code']}”重复。", "tiers")
        codes.add(tier["code"])
        previous = percent
