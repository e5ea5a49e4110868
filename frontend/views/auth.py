"""Logging in and out, on a township's host or on the public site (county officers)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    """Users live in the schema of the host: a township's accounts log in on its host, county
    officers and platform operators on the public site."""

    template_name = "frontend/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass
