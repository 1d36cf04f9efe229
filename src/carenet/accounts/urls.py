from django.urls import path

from carenet.accounts import account_views, views

app_name = "accounts"

urlpatterns = [
    path("", account_views.account, name="account"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("sign-out-others/", account_views.sessions_end_others, name="sessions_end_others"),
    path("organisation/", views.switch_organisation, name="switch_organisation"),
    path("two-factor/", views.two_factor_view, name="two_factor"),
    path("two-factor/enrol/<str:token>/", views.two_factor_enrol, name="two_factor_enrol"),
    path("password/reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        account_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        account_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("password/change/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("invitation/<str:token>/", account_views.invitation, name="invitation"),
]
