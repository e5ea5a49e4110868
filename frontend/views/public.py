"""The public site (the base domain): the platform's townships with links to their public
boards, and the login of county officers (the county comparison page comes later)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tenants.selectors import county_list


def public_index(request: HttpRequest) -> HttpResponse:
    counties = list(county_list().prefetch_related("townships__domains"))
    port = request.get_port()
    suffix = "" if port in {"80", "443"} else f":{port}"
    boards = {
        township.pk: f"{request.scheme}://{domain.domain}{suffix}/board/"
        for county in counties
        for township in county.townships.all()
        for domain in township.domains.all()[:1]
    }
    return render(request, "frontend/public_index.html", {"counties": counties, "boards": boards})
