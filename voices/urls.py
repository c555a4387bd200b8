from django.urls import path

from . import api, views

api_patterns = [
    path("voices/", api.VoiceCollectionApi.as_view(), name="api-voice-list"),
    path("voices/<int:pk>/", api.VoiceDetailApi.as_view(), name="api-voice-detail"),
    path("voices/<int:pk>/audio/", api.VoiceAudioApi.as_view(), name="api-voice-audio"),
]

page_patterns = [
    path("voices/", views.voice_list, name="voice-list"),
    path("voices/<int:pk>/audio", views.voice_audio, name="voice-audio"),
    path("voices/<int:pk>/delete", views.voice_delete, name="voice-delete"),
    path("voices/<int:pk>/rename", views.voice_rename, name="voice-rename"),
]
