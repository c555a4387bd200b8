"""The lexicon pages: yours and the site-wide one (staff change it), PLS import/export;
your speech settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import EntryForm, ImportForm, SpeechSettingsForm
from .models import Lexicon
from .serializers import LIMITS

SCOPES = {"mine": False, "site": True}


def _lexicon(request, site: bool, *, write: bool) -> Lexicon:
    if site and write and not request.user.is_staff:
        raise PermissionDenied
    return services.lexicon_of(owner=None if site else request.user)


def _page(site: bool) -> str:
    return "site-lexicon" if site else "lexicon"


def _scope(scope: str) -> bool:
    if scope not in SCOPES:
        raise Http404("No such lexicon.")
    return SCOPES[scope]


@login_required
def lexicon_page(request, site: bool):
    """List, add, change; POST ``action`` = add (default) | update with ``pk``."""
    editable = not site or request.user.is_staff
    lexicon = _lexicon(request, site, write=request.method == "POST")
    form = EntryForm(request.POST if request.method == "POST" else None)
    editing = None
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "update":
                editing = get_object_or_404(lexicon.entries, pk=request.POST.get("pk"))
                services.entry_update(entry=editing, **form.cleaned_data)
                messages.success(request, f"“{editing.grapheme}” changed.")
            else:
                entry = services.entry_create(lexicon=lexicon, **form.cleaned_data)
                messages.success(request, f"“{entry.grapheme}” is now said “{entry.alias}”.")
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return redirect(_page(site))
    lexicon.refresh_from_db()
    context = {
        "lexicon": lexicon,
        "entries": lexicon.entries.all(),
        "site": site,
        "scope": "site" if site else "mine",
        "editable": editable,
        "form": form,
        "editing": editing,
        "import_form": ImportForm(),
        "limits": LIMITS,
        "settings_form": settings_form(request.user),
    }
    return render(request, "lexicons/lexicon.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def entry_delete(request, scope, pk):
    site = _scope(scope)
    lexicon = _lexicon(request, site, write=True)
    entry = get_object_or_404(lexicon.entries.select_related("lexicon"), pk=pk)
    services.entry_delete(entry=entry)
    messages.success(request, f"“{entry.grapheme}” deleted.")
    return redirect(_page(site))


@require_POST
@login_required
def lexicon_import(request, scope):
    site = _scope(scope)
    lexicon = _lexicon(request, site, write=True)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        document = form.cleaned_data["file"].read(LIMITS["max_pls_bytes"] + 1)
        try:
            count = services.lexicon_import_pls(
                lexicon=lexicon, document=document, replace=form.cleaned_data["replace"]
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"{count} entries imported.")
            return redirect(_page(site))
    lexicon.refresh_from_db()
    context = {
        "lexicon": lexicon, "entries": lexicon.entries.all(), "site": site,
        "scope": scope, "editable": True, "form": EntryForm(), "import_form": form,
        "limits": LIMITS, "settings_form": settings_form(request.user),
    }  # fmt: skip
    return render(request, "lexicons/lexicon.html", context, status=400)


@login_required
def lexicon_export(request, scope):
    site = _scope(scope)
    lexicon = _lexicon(request, site, write=False)
    response = HttpResponse(
        services.lexicon_export_pls(lexicon=lexicon), content_type="application/pls+xml"
    )
    name = "site-lexicon.pls" if site else "lexicon.pls"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@login_required
def speech_settings(request):
    form = SpeechSettingsForm(request.POST)
    form.is_valid()  # a checkbox: absent means off
    review = bool(form.cleaned_data.get("review_before_render"))
    services.speech_settings_update(user=request.user, review_before_render=review)
    messages.success(
        request,
        "New jobs stop for your review after the speech." if review
        else "New jobs render as soon as their speech is ready.",
    )  # fmt: skip
    return redirect("lexicon")


def settings_form(user) -> SpeechSettingsForm:
    return SpeechSettingsForm(initial={"review_before_render": selectors.review_by_default(user)})
