from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
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
    if not device.confirmed and not two_factor.may_enrol(request.session, request.user):
        return _two_factor_link_page(request)
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


def _two_factor_link_page(request: HttpRequest) -> HttpResponse:
    """First set-up for a role that sees client data: a password is not enough to see the
    secret; an e-mailed (or administrator-issued) link is."""
    if request.method == "POST" and request.POST.get("send") == "1":
        if two_factor.enrolment_send(request.session, request.user):
            messages.success(
                request, _("We have e-mailed you a link to set up two-factor sign-in.")
            )
        else:
            messages.info(request, _("A link was sent a moment ago. Wait a minute to ask again."))
        return redirect(f"{reverse('accounts:two_factor')}?next={_safe_next(request)}")
    context = {"link_needed": True, "next": _safe_next(request)}
    return render(request, "accounts/two_factor.html", context)


@login_required
def two_factor_enrol(request: HttpRequest, token: str) -> HttpResponse:
    """An enrolment link, opened signed in as the account it was made for."""
    if not two_factor.enrolment_open(request.session, request.user, token):
        messages.error(
            request, _("This set-up link is not valid any more. Ask for a new one below.")
        )
    return redirect("accounts:two_factor")
