from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from jobs import views as job_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="job-list", permanent=False)),
    path("jobs/", job_views.job_list, name="job-list"),
    path("jobs/<uuid:pk>/", job_views.job_detail, name="job-detail"),
    path("jobs/<uuid:pk>/<str:kind>", job_views.job_media, name="job-media"),
    path("healthz", job_views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
