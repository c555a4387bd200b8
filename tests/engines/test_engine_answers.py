"""Engine answers by code: told by the HTTP clients, counted by stages and probes, on /metrics.

The stages run in django-q2 workers, possibly on other hosts; the counts reach the web
process's /metrics through the database (``EngineAnswerCount``).
"""

import socket
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from jobs import services, stages
from jobs.engines import Answer, AnswerTally, EngineBusy, EngineUnavailable, RenderRequest
from jobs.engines.heygem import HeyGemEngine
from jobs.engines.http import EngineHttp, engine_code
from jobs.models import EngineAnswerCount, GpuSlot, Job
from tests.conftest import register_fake_pairs
from tests.fakes import fake_gpu_pairs

from .conftest import Beats, render_as_a_stage, video_slot

SUBMIT, QUERY = "/easy/submit", "/easy/query"


def answers(text: str) -> dict[tuple[str, ...], float]:
    """heygem_engine_answers_total as Prometheus reads it: labels -> value."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "heygem_engine_answers_total":
                labels = sample.labels
                key = ("slot", "caller", "path", "status", "code")
                found[tuple(labels[k] for k in key)] = sample.value
                kind = "heygem" if labels["slot"].endswith("-video") else "fish_speech"
                assert labels["engine"] == kind
    return found


def scrape(client, operator) -> dict[tuple[str, ...], float]:
    client.force_login(operator)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "# TYPE heygem_engine_answers_total counter" in response.content.decode()
    return answers(response.content.decode())


# --- the hook: every call told once, answered or not --------------------------------


@pytest.mark.django_db
def test_the_client_tells_the_hook_each_answers_status_and_engine_code(heygem, inputs, tmp_path):
    tally = AnswerTally()
    engine = HeyGemEngine(video_slot(heygem).config(), tally)
    request = RenderRequest(code=uuid.uuid4().hex, audio_path=inputs["speech"],
                            video_path=inputs["video"], out_path=tmp_path / "r.mp4",
                            audio_seconds=1.5)  # fmt: skip
    heygem.fail_next("busy")

    with pytest.raises(EngineBusy):
        render_as_a_stage(engine, request, Beats())
    render_as_a_stage(engine, request, Beats())

    counts = tally.counts()
    assert counts[Answer(SUBMIT, "200", "10001")] == 1
    assert counts[Answer(SUBMIT, "200", "10000")] == 1
    assert counts[Answer(QUERY, "200", "10000")] == heygem.queries
    assert sum(counts.values()) == len(heygem.submissions) + heygem.queries


def test_calls_that_get_no_answer_are_told_as_refused_or_timeout(settings):
    tally = AnswerTally()
    with socket.socket() as silent:  # accepts connections (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        http = EngineHttp(f"http://127.0.0.1:{port}", engine="test", on_answer=tally)
        with pytest.raises(EngineUnavailable, match="no answer within"):
            http.json("GET", QUERY, read_timeout=0.2)
    refused = EngineHttp(f"http://127.0.0.1:{port}", engine="test", on_answer=tally)
    with pytest.raises(EngineUnavailable, match="connection refused"):
        refused.request("POST", "/v1/invoke", read_timeout=1)

    assert tally.counts() == {Answer(QUERY, "timeout"): 1, Answer("/v1/invoke", "refused"): 1}


@pytest.mark.django_db
def test_an_http_error_is_told_by_status_and_an_odd_code_cannot_grow_the_kinds(heygem):
    tally = AnswerTally()
    http = EngineHttp(heygem.url, engine="test", on_answer=tally)
    with pytest.raises(EngineUnavailable, match="HTTP 405"):
        http.json("GET", SUBMIT, read_timeout=5)  # Flask: wrong method

    assert tally.counts() == {Answer(SUBMIT, "405"): 1}
    assert [engine_code({"code": c}) for c in (10004, -1, "0", True, "x" * 40, [1])] == [
        "10004", "-1", "0", "other", "other", "other"
    ]  # fmt: skip
    assert engine_code({"status": "ok"}) == ""


# --- the flush: counts reach the table once ---------------------------------------


@pytest.mark.django_db
def test_a_flush_adds_to_the_slots_counters_and_forgets_only_what_was_written():
    slot = GpuSlot.objects.create(name="gpu0-video", stage="video", backend="heygem")
    tally = AnswerTally()
    record = lambda counts: services.slot_answers_record(  # noqa: E731
        slot_id=slot.pk, caller="stage", counts=counts
    )
    for _ in range(3):
        tally(Answer(QUERY, "200", "10000"))
    tally(Answer(SUBMIT, "200", "10001"))

    def failing(counts):
        raise RuntimeError("database down")

    with pytest.raises(RuntimeError):
        tally.flush(failing)
    tally.flush(record)  # the failed flush lost nothing
    tally(Answer(QUERY, "200", "10000"))
    tally.flush(record)
    tally.flush(record)  # nothing new: no write

    rows = {(r.path, r.code): r.count for r in EngineAnswerCount.objects.filter(slot=slot)}
    assert rows == {(QUERY, "10000"): 4, (SUBMIT, "10001"): 1}
    assert tally.counts() == {}


@pytest.mark.django_db
def test_answers_that_arrive_while_a_flush_writes_are_kept_for_the_next():
    slot = GpuSlot.objects.create(name="gpu0-tts", stage="tts", backend="fish_speech")
    tally = AnswerTally()
    invoke = Answer("/v1/invoke", "200")
    tally(invoke)

    def record_while_another_answer_comes(counts):
        tally(invoke)  # the synthesis thread answers during the write
        services.slot_answers_record(slot_id=slot.pk, caller="stage", counts=counts)

    tally.flush(record_while_another_answer_comes)

    assert EngineAnswerCount.objects.get(slot=slot).count == 1
    assert tally.counts() == {invoke: 1}


@pytest.mark.django_db
def test_a_stage_heartbeat_flushes_its_counts_with_the_lease_renewal(owner):
    slot = GpuSlot.objects.create(name="gpu0-video", stage="video", backend="heygem", fence=3,
                                  lease_until=timezone.now() + timedelta(seconds=60))  # fmt: skip
    job = Job.objects.create(owner=owner, text="t", spoken_text="t", status="rendering",
                             video_slot=slot, fence=3)  # fmt: skip
    binding = stages.Binding(job_id=job.pk, stage="video", slot_id=slot.pk, fence=3)
    binding.answers(Answer(QUERY, "200", "10000"))
    binding()  # not due: nothing written
    assert not EngineAnswerCount.objects.exists()

    binding.renew_every = 0
    binding(10)

    row = EngineAnswerCount.objects.get()
    assert (row.slot_id, row.caller, row.code, row.count) == (slot.pk, "stage", "10000", 1)


# --- through the real stages, dispatcher and sweep, onto /metrics --------------------


@pytest.fixture
def pairs(tmp_path):
    with fake_gpu_pairs(tmp_path, 2, video_options={"render_seconds": 0.2}) as started:
        register_fake_pairs(started)
        GpuSlot.objects.filter(name__startswith="gpu1-").update(enabled=False)
        yield started


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("sync_tasks")
def test_a_busy_engine_and_the_probe_that_readmits_it_are_counted_on_metrics(
    client, owner, operator, pairs
):
    pairs[0].video.fail_next("busy")

    job = services.job_create(owner=owner, text="Patience.")
    job.refresh_from_db()
    assert job.status == Job.Status.AUDIO_READY  # waiting: the engine said busy

    seen = scrape(client, operator)
    assert seen[("gpu0-video", "stage", SUBMIT, "200", "10001")] == 1
    assert ("gpu0-video", "stage", SUBMIT, "200", "10000") not in seen
    assert seen[("gpu0-tts", "stage", "/v1/preprocess_and_tran", "200", "0")] == 1
    assert seen[("gpu0-tts", "stage", "/v1/invoke", "200", "")] == 1

    services.sweep()  # the probe finds the engine free; the render runs

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    seen = scrape(client, operator)
    assert seen[("gpu0-video", "probe", QUERY, "200", "10004")] == 1  # the probe's unknown code
    assert seen[("gpu0-video", "stage", SUBMIT, "200", "10001")] == 1  # a counter: still there
    assert seen[("gpu0-video", "stage", SUBMIT, "200", "10000")] == 1
    assert seen[("gpu0-video", "stage", QUERY, "200", "10000")] == pairs[0].video.queries - 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("sync_tasks")
def test_an_engine_that_refuses_connections_is_counted_on_metrics(client, owner, operator, pairs):
    pairs[0].tts.stop()

    job = services.job_create(owner=owner, text="Anyone there?")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED

    seen = scrape(client, operator)
    refused = seen[("gpu0-tts", "stage", "/v1/preprocess_and_tran", "refused", "")]
    # Every attempt tries the preparation twice (HEYGEM_TTS_PREPARE_RETRY_SECONDS).
    assert refused == 2 * job.max_attempts
    assert all(status == "refused" for (slot, _c, _p, status, _code) in seen if slot == "gpu0-tts")
