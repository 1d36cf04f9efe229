from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from carenet.accounts import queries, two_factor
from carenet.accounts.forms import SignInForm, TokenForm
from carenet.accounts.middleware import SESSION_KEY


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        # Drop what this browser kept for offline work: cached pages, the entry key and any
        # entry not yet sent (the page warned before signing out).
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@require_POST
@login_required
def switch_organisation(request: HttpRequest) -> HttpResponseRedirect:
    chosen = request.POST.get("organisation", "")
    org = queries.acting_organisation(request.user, chosen)
    if org is None or str(org.uuid) != chosen:
        messages.error(request, _("You are not a member of that organisation."))
    else:
        request.session[SESSION_KEY] = str(org.uuid)
        messages.success(request, _("You now act for %(org)s.") % {"org": org.name})
    return redirect(_safe_next(request))


@login_required
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (first time) or enter the current code."""
    device = two_factor.device_for(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified = two_factor.verify(device, form.cleaned_data["token"])
        if verified:
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in confirmed."))
            return redirect(_safe_next(request))
        form.add_error("token", _("That code is not right or has expired. Try the newest code."))
    context = {
        "form": form,
        "setting_up": not device.confirmed,
        "qr_svg": two_factor.qr_svg(device) if not device.confirmed else "",
        "secret": two_factor.secret_b32(device) if not device.confirmed else "",
        "next": _safe_next(request),
    }
    return render(request, "accounts/two_factor.html", context)
