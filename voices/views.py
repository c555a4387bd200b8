"""Voice pages: list with players, upload, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from heygem_site.pages import form_response, too_many_submissions
from jobs.downloads import stored_file_response
from jobs.selectors import NO_VOICE_CLONING, embedded_notices

from . import selectors, services
from .forms import VoiceUploadForm


@login_required
def voice_list(request):
    data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = VoiceUploadForm(*data)
    wait = None
    if request.method == "POST" and form.is_valid():
        wait = too_many_submissions(request, form)
        if wait is None:
            try:
                voice = services.voice_create_from_upload(owner=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"Voice “{voice.name}” saved.")
                return redirect("voice-list")
    voices = selectors.voices_visible_to(request.user)
    context = {"form": form, "voices": voices, "notices": voice_notices()}
    return form_response(request, "voices/voice_list.html", context, wait)


def voice_notices() -> list[str]:
    return [notice for notice in embedded_notices() if notice == NO_VOICE_CLONING]


@login_required
def voice_audio(request, pk):
    voice = get_object_or_404(selectors.voices_visible_to(request.user), pk=pk)
    return stored_file_response(
        request, voice.audio, content_type="audio/wav", filename=f"voice-{voice.pk}.wav"
    )


@require_POST
@login_required
def voice_delete(request, pk):
    voice = get_object_or_404(selectors.voices_visible_to(request.user), pk=pk)
    if not selectors.voice_is_managed_by(voice, request.user):
        raise PermissionDenied
    try:
        services.voice_delete(voice=voice)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Voice “{voice.name}” deleted.")
    return redirect("voice-list")


@require_POST
@login_required
def voice_rename(request, pk):
    voice = get_object_or_404(selectors.voices_visible_to(request.user), pk=pk)
    if not selectors.voice_is_managed_by(voice, request.user):
        raise PermissionDenied
    try:
        services.voice_rename(voice=voice, name=request.POST.get("name", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Voice renamed to “{voice.name}”.")
    return redirect("voice-list")
