"""Administrators' pages for integration tokens. HTTP only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.integrations import selectors, services
from lms.integrations.forms import TokenForm
from lms.integrations.permissions import may_manage_tokens
from lms.permissions import require


def _issued(request, issued: services.IssuedToken, *, renewed: bool):
    """The page that shows a token's text, once; never kept by a cache or the browser."""
    response = render(
        request,
        "lms/integrations/token_issued.html",
        {"token": issued.token, "plaintext": issued.plaintext, "renewed": renewed},
    )
    add_never_cache_headers(response)
    return response


@login_required
def token_list(request):
    require(may_manage_tokens(request.user))
    return render(
        request,
        "lms/integrations/token_list.html",
        {"tokens": selectors.tokens(), "form": TokenForm()},
    )


@login_required
def token_create(request):
    require(may_manage_tokens(request.user))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.token_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _issued(request, issued, renewed=False)
    return render(request, "lms/integrations/token_form.html", {"form": form})


@login_required
@require_POST
def token_rotate(request, pk: int):
    require(may_manage_tokens(request.user))
    token = get_object_or_404(selectors.tokens(), pk=pk)
    try:
        issued = services.token_rotate(token=token, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("integrations:token_list")
    return _issued(request, issued, renewed=True)


@login_required
@require_POST
def token_revoke(request, pk: int):
    require(may_manage_tokens(request.user))
    token = get_object_or_404(selectors.tokens(), pk=pk)
    services.token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("integrations:token_list")
