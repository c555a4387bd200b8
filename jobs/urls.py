from django.urls import path

from . import batch_views, metrics, views

page_patterns = [
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/new/", views.job_submit, name="job-submit"),
    path("jobs/rows", views.job_rows, name="job-rows"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<uuid:pk>/live", views.job_live, name="job-live"),
    path("jobs/<uuid:pk>/cancel", views.job_cancel, name="job-cancel"),
    path("jobs/<uuid:pk>/retry", views.job_retry, name="job-retry"),
    path("jobs/<uuid:pk>/approve", views.job_approve, name="job-approve"),
    path("jobs/<uuid:pk>/respeak", views.job_respeak, name="job-respeak"),
    path("jobs/<uuid:pk>/pin", views.job_pin, name="job-pin"),
    path("jobs/<uuid:pk>/save-voice", views.job_save_voice, name="job-save-voice"),
    path("jobs/<uuid:pk>/thumbnail", views.job_thumbnail, name="job-thumbnail"),
    path("jobs/<uuid:pk>/<str:kind>", views.job_media, name="job-media"),
    path("batches/", batch_views.batch_list, name="batch-list"),
    path("batches/new/", batch_views.batch_new, name="batch-new"),
    path("batches/<uuid:pk>/", batch_views.batch_detail, name="batch-detail"),
    path("batches/<uuid:pk>/results.zip", batch_views.batch_results, name="batch-results"),
    path("batches/<uuid:pk>/<str:action>", batch_views.batch_action, name="batch-action"),
    path("slots/", views.slot_dashboard, name="slot-dashboard"),
    path("slots/live", views.slot_dashboard_live, name="slot-dashboard-live"),
    path("slots/<int:pk>/<str:action>", views.slot_action, name="slot-action"),
    path("slots/queue/<str:action>", views.queue_action, name="queue-action"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
]
