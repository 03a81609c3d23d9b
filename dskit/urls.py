from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dskit import throttle
from issues import api
from issues.views import accounts

admin.site.login_form = throttle.ThrottledAdminAuthenticationForm

urlpatterns = [
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", throttle.ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("dskit.password_urls")),
    path("healthz", accounts.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls()),
    path("", include("issues.urls")),
]

handler500 = "dskit.errors.server_error"
