"""Sign-up and the health check: the pages an anonymous visitor may reach."""

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from issues.forms.accounts import SignupForm

# Any constant: the key of the advisory lock that sign-ups take on PostgreSQL.
FIRST_ACCOUNT_LOCK = 0x64736B6974


def _lock_first_account():
    """Serialise sign-ups until the transaction ends, so that exactly one sees no account.

    PostgreSQL: a transaction-level advisory lock. SQLite: the transaction is IMMEDIATE
    (settings), so it holds the database's write lock from its start already.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FIRST_ACCOUNT_LOCK])


@login_not_required
def signup(request):
    if not settings.DSKIT_ALLOW_SIGNUP:
        raise Http404("Sign-up is turned off on this server.")
    if request.user.is_authenticated:
        return redirect("issue-list")

    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            _lock_first_account()
            user = form.save(commit=False)
            # The first account administers the server.
            first = not get_user_model().objects.exists()
            user.is_staff = user.is_superuser = first
            user.save()
        login(request, user)
        return redirect("issue-list")

    return render(request, "registration/signup.html", {"form": form})


@login_not_required
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
