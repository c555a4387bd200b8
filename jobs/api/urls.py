from django.urls import path

from . import batches, jobs, operations, seed

v1_patterns = [
    path("jobs/", jobs.JobCollectionApi.as_view(), name="api-job-list"),
    path("jobs/<uuid:pk>/", jobs.JobDetailApi.as_view(), name="api-job-detail"),
    path("jobs/<uuid:pk>/cancel/", jobs.JobCancelApi.as_view(), name="api-job-cancel"),
    path("jobs/<uuid:pk>/retry/", jobs.JobRetryApi.as_view(), name="api-job-retry"),
    path("jobs/<uuid:pk>/approve/", jobs.JobApproveApi.as_view(), name="api-job-approve"),
    path("jobs/<uuid:pk>/respeak/", jobs.JobRespeakApi.as_view(), name="api-job-respeak"),
    path("jobs/<uuid:pk>/pin/", jobs.JobPinApi.as_view(), name="api-job-pin"),
    path("jobs/<uuid:pk>/unpin/", jobs.JobUnpinApi.as_view(), name="api-job-unpin"),
    path("jobs/<uuid:pk>/result/", jobs.JobResultApi.as_view(), name="api-job-result"),
    path("jobs/<uuid:pk>/speech/", jobs.JobSpeechApi.as_view(), name="api-job-speech"),
    path("batches/", batches.BatchCollectionApi.as_view(), name="api-batch-list"),
    path("batches/<uuid:pk>/", batches.BatchDetailApi.as_view(), name="api-batch-detail"),
    path("batches/<uuid:pk>/cancel/", batches.BatchCancelApi.as_view(), name="api-batch-cancel"),
    path("batches/<uuid:pk>/retry/", batches.BatchRetryApi.as_view(), name="api-batch-retry"),
    path(
        "batches/<uuid:pk>/results.zip", batches.BatchResultsApi.as_view(), name="api-batch-results"
    ),  # fmt: skip
    path(
        "jobs/<uuid:pk>/subtitles.srt",
        jobs.JobSubtitlesSrtApi.as_view(),
        name="api-job-subtitles-srt",
    ),
    path(
        "jobs/<uuid:pk>/subtitles.vtt",
        jobs.JobSubtitlesVttApi.as_view(),
        name="api-job-subtitles-vtt",
    ),
    path("slots/", operations.SlotListApi.as_view(), name="api-slot-list"),
    *[
        path(
            f"slots/<int:pk>/{action}/",
            operations.slot_action_view(action),
            name=f"api-slot-{action}",
        )
        for action in ("drain", "enable", "probe")
    ],
    path("slots/<int:pk>/pause/", operations.SlotPauseApi.as_view(), name="api-slot-pause"),
    path("slots/<int:pk>/resume/", operations.SlotResumeApi.as_view(), name="api-slot-resume"),
    path("queue/", operations.QueueApi.as_view(), name="api-queue"),
    path("queue/pause/", operations.QueuePauseApi.as_view(), name="api-queue-pause"),
    path("queue/resume/", operations.QueueResumeApi.as_view(), name="api-queue-resume"),
    path(
        "owners/<str:username>/pause/", operations.OwnerPauseApi.as_view(), name="api-owner-pause"
    ),  # fmt: skip
    path(
        "owners/<str:username>/resume/",
        operations.OwnerResumeApi.as_view(),
        name="api-owner-resume",
    ),  # fmt: skip
    path("pauses/", operations.PauseListApi.as_view(), name="api-pause-list"),
    path("limits/", operations.LimitsApi.as_view(), name="api-limits"),
    path("normalize/", operations.NormalizeApi.as_view(), name="api-normalize"),
]

# The seed's paths, unchanged (../shared/seed/triple_gpu_system.md, "Usage & API").
seed_patterns = [
    path("generate", seed.GenerateApi.as_view(), name="seed-generate"),
    path("status/<str:task_id>", seed.StatusApi.as_view(), name="seed-status"),
    path("queue", seed.QueueApi.as_view(), name="seed-queue"),
    path("download/<str:task_id>", seed.DownloadApi.as_view(), name="seed-download"),
    path("info", seed.InfoApi.as_view(), name="seed-info"),
]
