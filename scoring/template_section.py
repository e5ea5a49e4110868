"""The ``catalog`` section of a township template (tenants/templates/*.toml)."""

from __future__ import annotations

from typing import Any

from tenants.errors import ApplicationError
from tenants.township_templates import TemplateSection, TownshipTemplate, register_template_section


def _invalid(message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_template", attr="catalog")


def catalog_validate(data: Any, template: TownshipTemplate) -> None:
    from scoring.models import StandardCategory

    categories = data.get("categories") if isinstance(data, dict) else None
    if not categories:
        raise _invalid("积分指标目录至少要有一个类别。")
    codes: set[str] = set()
    for category in categories:
        if category.get("standard") not in StandardCategory.values:
            raise _invalid(f"类别“{category.get('name')}”的四治归类无效。")
        for item in category.get("indicators", []):
            code = str(item.get("code", ""))
            if not code or code in codes:
                raise _invalid(f"指标代码“{code}”缺失或重复。")
            codes.add(code)
            if not isinstance(item.get("points"), int) or item["points"] == 0:
                raise _invalid(f"指标“{code}”的分值须为非零整数。")


def catalog_apply(data: Any, template: TownshipTemplate) -> None:
    from scoring.services import catalog_seed

    catalog_seed(categories=data["categories"])


def register() -> None:
    register_template_section(
        TemplateSection(name="catalog", validate=catalog_validate, apply=catalog_apply)
    )
