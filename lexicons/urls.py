from django.urls import path

from . import api, views


def _scoped(prefix: str, site: bool, name: str) -> list:
    view = api.scoped_views(site)
    return [
        path(f"{prefix}", view["LexiconApi"], name=f"api-{name}"),
        path(f"{prefix}entries/", view["EntryCollectionApi"], name=f"api-{name}-entries"),
        path(f"{prefix}entries/<int:pk>/", view["EntryDetailApi"], name=f"api-{name}-entry"),
        path(f"{prefix}import/", view["ImportApi"], name=f"api-{name}-import"),
        path(f"{prefix}export/", view["ExportApi"], name=f"api-{name}-export"),
    ]


api_patterns = [
    *_scoped("lexicon/", False, "lexicon"),
    *_scoped("lexicon/site/", True, "site-lexicon"),
    path("speech-settings/", api.SpeechSettingsApi.as_view(), name="api-speech-settings"),
]

page_patterns = [
    path("lexicon/", views.lexicon_page, {"site": False}, name="lexicon"),
    path("lexicon/site/", views.lexicon_page, {"site": True}, name="site-lexicon"),
    path(
        "lexicon/<str:scope>/entries/<int:pk>/delete",
        views.entry_delete,
        name="lexicon-entry-delete",
    ),
    path("lexicon/<str:scope>/import", views.lexicon_import, name="lexicon-import"),
    path("lexicon/<str:scope>/export", views.lexicon_export, name="lexicon-export"),
    path("settings/speech", views.speech_settings, name="speech-settings"),
]
