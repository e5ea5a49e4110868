from django.contrib.auth.views import LogoutView
from django.urls import path

from frontend import views

app_name = "frontend"

urlpatterns = [
    path("", views.public_index, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
]
