"""Server-rendered pages (Chinese first). Reads go through the same selectors as the API."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from governance.actors import actor_for
from tenants.selectors import county_list


class LoginView(auth_views.LoginView):
    template_name = "frontend/login.html"
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_for(user=request.user, township=getattr(request, "township", None))
    return render(request, "frontend/home.html", {"actor": actor, "roles": actor.roles()})


def public_index(request: HttpRequest) -> HttpResponse:
    counties = county_list().prefetch_related("townships")
    return render(request, "frontend/public_index.html", {"counties": counties})
