"""Every admin page an operator can reach answers without a server error, odd input included."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import make_job, make_slot, make_voice
from webhooks import services as webhook_services
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db

# Query strings a person or a scanner may send to a list page.
ODD_QUERIES = [
    "?q=%00", "?q=%27%22%3C", "?status=%00", "?status=bogus", "?o=99", "?o=%00", "?p=99999",
    "?p=-1", "?created_at__gte=not-a-date", "?id__exact=%00", "?pk=%00", "?e=1", "?all=",
    "?stage__exact=%00", "?kind__exact=%00", "?q=" + "x" * 3000,
]  # fmt: skip


@pytest.fixture
def every_kind_of_row(owner):
    slot = make_slot("gpu0-video", gpu="gpu0")
    job = make_job(owner, status="succeeded", with_files=True, video_slot=slot)
    make_voice(owner)
    endpoint = webhook_services.endpoint_create(owner=owner, url="https://8.8.8.8/hook", events=[])
    WebhookDelivery.objects.create(
        message_id="msg_1", endpoint=endpoint, job=job, url=endpoint.url,
        event_type="job.succeeded", payload={},
    )  # fmt: skip
    return job


def admin_models():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def test_every_list_add_and_change_page_answers_without_a_server_error(
    client, operator, every_kind_of_row
):
    client.force_login(operator)
    failures = []
    for model, _ in admin_models():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        for query in ["", *ODD_QUERIES]:
            status = client.get(changelist + query).status_code
            if status >= 500 or status == 404:
                failures.append(f"{changelist}{query[:40]} -> {status}")
        add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        status = client.get(add).status_code
        if status >= 500 or status == 404:
            failures.append(f"{add} -> {status}")
        row = model.objects.first()
        if row is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])
            status = client.get(change).status_code
            if status != 200:
                failures.append(f"{change} -> {status}")
    assert failures == []


def test_every_model_of_the_product_is_in_the_admin():
    labels = {model._meta.label for model, _ in admin_models()}
    assert {"jobs.Job", "jobs.JobEvent", "jobs.GpuSlot", "voices.Voice",
            "webhooks.WebhookEndpoint", "webhooks.WebhookDelivery"} <= labels  # fmt: skip


def test_the_admin_is_branded_and_its_filters_have_distinct_titles(client, operator):
    client.force_login(operator)
    text = client.get("/admin/jobs/job/").text
    assert "HeyGem Studio" in text
    assert text.count("By backend") == 0
    assert "By speech backend" in text and "By video backend" in text


def test_a_jobs_media_are_links_in_its_admin_page(client, operator, every_kind_of_row):
    job = every_kind_of_row
    client.force_login(operator)
    text = client.get(f"/admin/jobs/job/{job.pk}/change/").text
    assert f'href="/jobs/{job.pk}/result"' in text and f'href="/jobs/{job.pk}/speech"' in text


def test_jobs_are_submitted_through_the_product_not_added_in_the_admin(client, operator):
    client.force_login(operator)
    assert client.get("/admin/jobs/job/add/").status_code == 403
    assert "Add job" not in client.get("/admin/jobs/job/").text


def test_an_operator_replays_a_delivery_from_the_admin(
    client, operator, every_kind_of_row, monkeypatch
):
    queued = []
    monkeypatch.setattr("webhooks.services.async_task", lambda *args, **kw: queued.append(args))
    delivery = WebhookDelivery.objects.get()
    client.force_login(operator)
    client.post("/admin/webhooks/webhookdelivery/",
                {"action": "replay", "_selected_action": [delivery.pk]})  # fmt: skip
    assert queued == [("webhooks.tasks.delivery_attempt", delivery.pk, True)]
