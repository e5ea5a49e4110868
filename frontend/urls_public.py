"""Pages of the public site (the base domain)."""

from django.urls import path

from frontend.views import auth, county, public

app_name = "frontend"

urlpatterns = [
    path("", public.public_index, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("county/", county.county_compare, name="county"),
]
