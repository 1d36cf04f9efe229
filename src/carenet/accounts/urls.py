from django.urls import path

from carenet.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("organisation/", views.switch_organisation, name="switch_organisation"),
    path("two-factor/", views.two_factor_view, name="two_factor"),
]
