"""Printable and downloadable documents: household cards (QR), honour certificates (PDF,
Chinese, real CJK fonts from Debian's fonts-noto-cjk), and .xlsx reports."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import segno
from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from governance.models import Household
from tenants.models import Township

CARD_PREFIX = "JFB1"


def card_payload(*, township: Township, household: Household) -> str:
    """What the household card's QR code says: scheme, township, card code."""
    return f"{CARD_PREFIX}:{township.slug}:{household.card_code}"


def card_code_from_scan(text: str) -> str:
    """A scanned QR payload or a typed card code → the card code."""
    text = (text or "").strip()
    if text.startswith(f"{CARD_PREFIX}:"):
        return text.rsplit(":", 1)[-1]
    return text.upper()


def household_head_name(household: Household) -> str:
    heads = [r for r in household.residents.all() if r.is_household_head and r.is_active]
    return heads[0].name if heads else household.number


def card_png(*, township: Township, household: Household) -> bytes:
    """The QR code alone, as a PNG for phones and label printers."""
    buffer = io.BytesIO()
    segno.make(card_payload(township=township, household=household), error="m").save(
        buffer, kind="png", scale=8, border=2
    )
    return buffer.getvalue()


def card_pdf(*, township: Township, household: Household) -> bytes:
    """A printable household card (A6): township, bean name, household, QR code."""
    from weasyprint import HTML

    qr = segno.make(card_payload(township=township, household=household), error="m")
    html = render_to_string(
        "rewards/card.html",
        {
            "township": township,
            "bean_name": township.settings.bean_name,
            "household": household,
            "head": household_head_name(household),
            "qr_svg": qr.svg_data_uri(scale=6, border=1),
        },
    )
    return HTML(string=html).write_pdf()


def certificate_pdf(
    *, township: Township, household: Household, year: int, beans: int, rank: int, village: str
) -> bytes:
    """荣誉证书 for an annual award, in Chinese."""
    from weasyprint import HTML

    html = render_to_string(
        "rewards/certificate.html",
        {
            "township": township,
            "bean_name": township.settings.bean_name,
            "household": household,
            "head": household_head_name(household),
            "year": year,
            "beans": beans,
            "rank": rank,
            "village": village,
            "issued": date.today(),  # noqa: DTZ011 - the printed date of issue
        },
    )
    return HTML(string=html).write_pdf()


def xlsx(
    *, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int] = ()
) -> bytes:
    """A plain, readable workbook: bold header, frozen first row, sensible column widths."""
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F3E6E4")
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths or [14] * len(headers), start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def award_certificate_pdf(*, township: Township, award: Any) -> bytes:
    """The certificate of an AnnualAward (its household, rank, beans and village)."""
    return certificate_pdf(
        township=township,
        household=award.household,
        year=award.year,
        beans=award.beans,
        rank=award.rank,
        village=award.village.name,
    )
