"""公示榜: the public board of a township (no login; ARCHITECTURE.md §6)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontend.board import board_build
from frontend.pages import township_page


@township_page(login=False)
def board(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/board.html", {"board": board_build(request)})
