"""The user's API tokens: create (the secret shown once), list and revoke."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from issues.forms.tokens import TokenForm
from issues.tokens import create_token, revoke


@never_cache
def token_list(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        # The secret is rendered into this one response and stored nowhere, so no redirect.
        token, secret = create_token(request.user, **form.cleaned_data)
        form = TokenForm()
    ctx = {
        "form": form,
        "secret": secret,
        "tokens": request.user.api_tokens.all(),
    }
    return render(request, "accounts/tokens.html", ctx)


@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    revoke(token)
    messages.success(request, f"Token “{token.name}” revoked: requests with it now get 401.")
    return redirect("api-tokens")


urlpatterns = [
    path("accounts/tokens/", token_list, name="api-tokens"),
    path("accounts/tokens/<int:pk>/revoke/", token_revoke, name="api-token-revoke"),
]
