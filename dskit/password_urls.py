"""Password change (logged in) and reset by email (logged out): Django's own auth views."""

from django.contrib.auth import views as auth_views
from django.urls import path

FORM = "registration/account_form.html"
NOTE = "registration/account_note.html"


def _view(view, template, title, note="", **kwargs):
    context = {"title": title, "note": note}
    return view.as_view(template_name=template, extra_context=context, **kwargs)


urlpatterns = [
    path(
        "accounts/password/change/",
        _view(auth_views.PasswordChangeView, FORM, "Change your password"),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        _view(
            auth_views.PasswordChangeDoneView,
            NOTE,
            "Password changed",
            "Your password was changed.",
        ),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        _view(
            auth_views.PasswordResetView,
            FORM,
            "Reset your password",
            "Enter the email address of your account: we send you a link to choose a new password.",
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        _view(
            auth_views.PasswordResetDoneView,
            NOTE,
            "Check your email",
            "If an account has that email address, a link to choose a new password is on its way.",
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        _view(auth_views.PasswordResetConfirmView, FORM, "Choose a new password"),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        _view(
            auth_views.PasswordResetCompleteView,
            NOTE,
            "Password reset",
            "Your new password is set.",
        ),
        name="password_reset_complete",
    ),
]
