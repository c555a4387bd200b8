"""Batch pages: upload a CSV (or JSON), preview each row and its spoken text, confirm; follow it.

The previewed file waits in the session under a token until it is confirmed, so
the confirm step neither re-uploads it nor carries megabytes of text in a form field.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from heygem_site.pages import form_response, too_many_submissions

from . import selectors, services
from .downloads import batch_zip_response
from .forms import BatchUploadForm

PENDING = "batch-upload"


@login_required
def batch_new(request):
    form = BatchUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": services.batches.COLUMNS}
    if request.method == "POST" and "token" in request.POST:
        return batch_confirm(request, form, context)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            rows = services.batch_rows_parse(content=content, filename=upload.name)
            context["rows"] = services.batch_rows_check(owner=request.user, rows=rows)
        except ValidationError as exc:
            form.add_error(None, [m for ms in exc.message_dict.values() for m in ms])
        else:
            token = uuid.uuid4().hex
            request.session[PENDING] = {"token": token, "filename": upload.name,
                                        "content": content.decode("utf-8-sig"),
                                        "title": form.cleaned_data["title"]}  # fmt: skip
            context.update(token=token, title=form.cleaned_data["title"])
    return form_response(request, "jobs/batch_new.html", context, None)


def batch_confirm(request, form, context):
    pending = request.session.get(PENDING) or {}
    if pending.get("token") != request.POST["token"]:
        form.errors.clear()
        form.add_error(None, "This preview has expired: upload the file again.")
        return form_response(request, "jobs/batch_new.html", context, None)
    form.errors.clear()
    wait = too_many_submissions(request, form)
    refused = None
    if wait is None:
        try:
            rows = services.batch_rows_parse(content=pending["content"],
                                             filename=pending["filename"])  # fmt: skip
            checked = services.batch_rows_check(owner=request.user, rows=rows)
            batch = services.batch_create(owner=request.user, rows=checked,
                                          title=pending["title"])  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, [m for ms in exc.message_dict.values() for m in ms])
        except services.SubmitRefused as exc:
            form.add_error(None, str(exc))
            refused = exc
        else:
            del request.session[PENDING]
            messages.success(request, f"Batch of {len(checked)} jobs queued.")
            return redirect("batch-detail", pk=batch.pk)
    return form_response(request, "jobs/batch_new.html", context, wait, refused)


@login_required
def batch_list(request):
    page = Paginator(selectors.batches_visible_to(request.user), 20).get_page(
        request.GET.get("page")
    )
    rows = [(batch, selectors.batch_summary(batch)) for batch in page]
    return render(request, "jobs/batch_list.html", {"page": page, "rows": rows})


@login_required
def batch_detail(request, pk):
    batch = get_object_or_404(selectors.batches_visible_to(request.user), pk=pk)
    summary = selectors.batch_summary(batch)
    counts = ", ".join(f"{n} {status}" for status, n in summary.by_status.items() if n)
    context = {"batch": batch, "summary": summary, "counts": counts,
               "items": selectors.batch_items(batch)}  # fmt: skip
    return render(request, "jobs/batch_detail.html", context)


# action -> (service, said when it did n jobs, said when there was nothing to do)
BATCH_ACTIONS = {
    "cancel": (services.batch_cancel, "{n} job(s) canceled.",
               "No job of the batch is queued or running."),
    "retry": (services.batch_retry, "{n} job(s) queued again.",
              "No job of the batch failed or was canceled."),
}  # fmt: skip


@require_POST
@login_required
def batch_action(request, pk, action):
    batch = get_object_or_404(selectors.batches_visible_to(request.user), pk=pk)
    if action not in BATCH_ACTIONS:
        raise Http404("Unknown action.")
    service, done_text, nothing_text = BATCH_ACTIONS[action]
    try:
        done = service(batch=batch)
    except services.SubmitRefused as exc:
        messages.error(request, str(exc))
    else:
        if done:
            messages.success(request, done_text.format(n=done))
        else:
            messages.error(request, nothing_text)
    return redirect("batch-detail", pk=batch.pk)


@login_required
def batch_results(request, pk):
    return batch_zip_response(get_object_or_404(selectors.batches_visible_to(request.user), pk=pk))
