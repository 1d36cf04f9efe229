"""A person's own account: passwords (Django's views, CareNet's templates), other sessions,
and opening an invitation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carenet.accounts import queries, services
from carenet.accounts.forms import AcceptForm, PasswordResetRequestForm

# --- passwords: Django's views with CareNet's templates ---------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for an address and answers the same whether or not an account has it."""

    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset.html"
    subject_template_name = "accounts/email/password-reset-subject.txt"
    email_template_name = "accounts/email/password-reset-body.txt"
    html_email_template_name = "accounts/email/password-reset-body.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_extra_email_context(self) -> dict[str, Any]:
        return {"site_url": settings.CARENET_SITE_URL.rstrip("/")}

    def form_valid(self, form: PasswordResetRequestForm) -> HttpResponse:
        self.extra_email_context = self.get_extra_email_context()
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password keeps this session and ends every other one."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response


@login_required
@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html")


@login_required
@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    services.sessions_end_others(request=request, user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("You were signed out of every other browser and device."))
    return redirect("accounts:account")


# --- invitations ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Open an invitation link: set a password (no account yet) or accept while signed in."""
    found = queries.invitation_by_token(token)
    if found is None or not found.is_pending:
        return render(request, "accounts/invitation_invalid.html", status=404)
    new_account = services.needs_password(found)
    form = AcceptForm(request.POST or None, email=found.email) if new_account else None
    signed_in = request.user if request.user.is_authenticated else None
    wrong_user = not new_account and (
        signed_in is None or signed_in.email.lower() != found.email.lower()  # type: ignore[union-attr]
    )
    if request.method == "POST" and not wrong_user and (form is None or form.is_valid()):
        data = form.cleaned_data if form else {}
        try:
            user = services.invitation_accept(
                invitation=found,
                signed_in=signed_in,  # type: ignore[arg-type]
                full_name=data.get("full_name", ""),
                password=data.get("password1", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("core:home")
        if new_account:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome: the invitation is accepted."))
        return redirect("core:home")
    context = {
        "invitation": found,
        "form": form,
        "wrong_user": wrong_user,
        "sign_in_url": f"{reverse('accounts:login')}?next={request.path}",
    }
    return render(request, "accounts/invitation.html", context)
