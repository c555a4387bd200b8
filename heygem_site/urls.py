from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from jobs import urls as job_urls
from jobs.api import urls as job_api_urls
from lexicons import urls as lexicon_urls
from voices import urls as voice_urls
from webhooks import urls as webhook_urls

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="job-submit", permanent=False)),
    *job_urls.page_patterns,
    *voice_urls.page_patterns,
    *lexicon_urls.page_patterns,
    path(
        "api/v1/",
        include(
            job_api_urls.v1_patterns
            + voice_urls.api_patterns
            + webhook_urls.api_patterns
            + lexicon_urls.api_patterns
        ),
    ),
    path("api/", include(job_api_urls.seed_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]

# An upload the size cap stopped mid-stream is answered 413 (heygem_site.uploads).
handler400 = "heygem_site.uploads.bad_request"
