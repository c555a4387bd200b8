"""Creating, canceling and retrying jobs: what users and operators ask for."""

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_q.tasks import async_task

import normalization
from lexicons import selectors as lexicon_selectors
from voices import services as voice_services
from voices.models import Voice
from webhooks.addresses import target_problem

from .. import idempotency, selectors, storage, uploads
from ..models import Job
from ..segmenting import SegmentPlan, plan_segments
from ..textclean import clean_text
from . import limits
from .dispatcher import dispatch_on_commit
from .events import Kind, event_record, job_ended_record
from .segments import JOIN_TASK, segments_create

Status = Job.Status


def job_create(
    *,
    owner: Any,
    text: str,
    video: Any = None,
    voice: Voice | None = None,
    priority: int = 0,
    idempotency_key: str = "",
    callback_url: str = "",
    review: bool | None = None,
    burn_subtitles: bool = False,
) -> Job:
    """Validate everything, store the speaker video, create the job, dispatch.

    ``review``: stop after the speech for the owner's approval (None: the owner's
    default). ``video`` is an uploaded file or a local path. Bad input raises
    ValidationError before any row exists, and no file is left behind.
    """
    fingerprint = (
        idempotency.request_fingerprint(
            text=text,
            priority=priority,
            voice=voice,
            callback_url=callback_url,
            video=video,
            burn_subtitles=burn_subtitles,
        )
        if idempotency_key
        else ""
    )
    existing = idempotency.job_for_key(owner=owner, key=idempotency_key, fingerprint=fingerprint)
    if existing:
        return existing
    text, speech = job_validate(
        owner=owner, text=text, voice=voice, priority=priority, callback_url=callback_url
    )
    if review is None:
        review = lexicon_selectors.review_by_default(owner)
    if video is not None:  # refused before a large upload is probed and stored
        with transaction.atomic():
            limits.submit_check(owner=owner, jobs=1, chars=len(text))
    # Not split into segments: an SSML document (it keeps its own plan of breaks) and a
    # job its owner reviews (one speech to listen to and approve).
    whole = speech.plan or review
    plan = SegmentPlan([speech.spoken]) if whole else _segment_plan(speech.spoken)

    job_id = uuid.uuid4()
    try:
        events: list[str] = []
        speaker, reference = "", None
        if video is not None:
            speaker, reference, note = _store_speaker(job_id, video, voice)
            events += [note] if note else []
        with transaction.atomic():
            limits.submit_check(owner=owner, jobs=1, chars=len(text))
            if reference is not None:
                voice = voice_services.voice_create(
                    owner=owner, name=f"Voice of job {job_id}", reference=reference, saved=False
                )
            job = Job.objects.create(
                id=job_id,
                owner=owner,
                text=text,
                spoken_text=speech.spoken,
                speech_plan=speech.plan,
                lexicon_versions=speech.lexicon_versions,
                review=review,
                voice=voice,
                speaker_video=speaker,
                priority=priority,
                max_attempts=settings.HEYGEM["MAX_ATTEMPTS"],
                idempotency_key=idempotency_key,
                request_fingerprint=fingerprint,
                callback_url=callback_url,
                burn_subtitles=burn_subtitles,
            )
            event_record(job_id=job.id, kind=Kind.CREATED, message="Job queued.")
            for message in events:
                event_record(job_id=job.id, kind=Kind.VOICE, message=message)
            if len(plan.texts) > 1:
                segments_create(parent=job, texts=plan.texts, message=_plan_message(plan))
            dispatch_on_commit()
    except IntegrityError:
        storage.delete_folder(storage.job_folder(job_id))
        if idempotency_key:  # lost a race with the same key: answer with the winner
            winner = idempotency.job_for_key(
                owner=owner, key=idempotency_key, fingerprint=fingerprint
            )
            if winner:
                return winner
        raise
    except BaseException:
        storage.delete_folder(storage.job_folder(job_id))
        raise
    return job


# Pieces of an SSML plan are cut to the engine's chunk size at TTS time: here only
# the breaks matter, so no piece is cut.
PLAN_PIECE_CHARS = 10**9


@dataclass(frozen=True)
class Speech:
    spoken: str
    plan: list = field(default_factory=list)  # [[words, pause seconds after], …]; [] for plain
    lexicon_versions: dict = field(default_factory=dict)


def job_speech(*, owner: Any, text: str) -> Speech:
    """What ``owner``'s text says: site-wide then owner's lexicon, then the normalizer.

    An SSML document (a <speak> root) is checked and planned with its pauses; one that
    cannot be read is refused naming the tag and where. Plain text is never SSML.
    """
    try:
        normalization.check_ssml(text)
    except normalization.SSMLError as exc:
        raise ValidationError({"text": str(exc)}) from None
    try:
        lexicon, versions = lexicon_selectors.lexicon_for(owner)
    except normalization.LexiconError as exc:
        raise ValidationError(
            {"text": f"Your pronunciation lexicon cannot be used: {exc}"}
        ) from None
    spoken = normalization.to_speech(text, lexicon=lexicon)
    plan: list = []
    if normalization.is_ssml(text):
        chunks = normalization.plan_speech(text, lexicon=lexicon, max_chars=PLAN_PIECE_CHARS)
        plan = [[chunk.text, chunk.pause_after_seconds] for chunk in chunks]
    if not spoken.strip():
        raise ValidationError({"text": "The text has nothing that can be spoken."})
    return Speech(spoken, plan, versions)


def _segment_plan(spoken: str) -> SegmentPlan:
    """Segments for speech longer than HEYGEM_SEGMENT_SECONDS (its length estimated from
    the speaking rate measured on recent jobs, or the documented figure before that)."""
    seconds = settings.HEYGEM["SEGMENT_SECONDS"]
    if not seconds or len(spoken) <= seconds * 5:  # 5 characters a second: the slowest rate
        return SegmentPlan([spoken])
    return plan_segments(
        spoken,
        target_chars=round(seconds * selectors.speaking_rate()),
        parallel=selectors.video_slots_enabled(),
    )


def _plan_message(plan: SegmentPlan) -> str:
    seconds = settings.HEYGEM["SEGMENT_SECONDS"]
    message = (
        f"Split into {len(plan.texts)} segments of about {seconds:g} s of speech at "
        "paragraph and sentence ends, to render on several GPUs at once."
    )
    if plan.clause_cuts:
        message += f" {plan.clause_cuts} of the cuts fall at a comma (no sentence end near)."
    if plan.forced_cuts:
        message += (
            f" {plan.forced_cuts} of the cuts fall between words: the text has no sentence "
            "or comma pause within a segment's length there."
        )
    return message


def _check_callback_url(url: str) -> None:
    """http(s) to a public address (unless allowed), refused at submit rather than at the end."""
    problem = target_problem(url, allow_private=settings.HEYGEM["CALLBACK_ALLOW_PRIVATE"])
    if problem:
        raise ValidationError({"callback_url": problem})


def job_validate(
    *, owner: Any, text: object, voice: Voice | None, priority: int, callback_url: str
) -> tuple[str, "Speech"]:
    """Check a job's input (no caps, nothing stored); returns the text and what it says."""
    text = job_validate_text(text)
    if callback_url:
        _check_callback_url(callback_url)
    if not Job.PRIORITY_MIN <= priority <= Job.PRIORITY_MAX:
        raise ValidationError(
            {"priority": f"Priority must be between {Job.PRIORITY_MIN} and {Job.PRIORITY_MAX}."}
        )
    if voice is not None and voice.owner_id not in (None, owner.pk):
        raise ValidationError({"voice": "Unknown voice."})
    return text, job_speech(owner=owner, text=text)


def job_validate_text(text: object) -> str:
    text = clean_text(text) if isinstance(text, str) else text
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"text": "Text is required and must not be blank."})
    limit = settings.HEYGEM["MAX_TEXT_CHARS"]
    if len(text) > limit:
        raise ValidationError(
            {"text": f"Text is {len(text):,} characters; the limit is {limit:,}."}
        )
    return text.strip()


def _store_speaker(
    job_id: uuid.UUID, video: Any, voice: Voice | None
) -> tuple[str, voice_services.Reference | None, str]:
    """Store the speaker video; its voice too when the job has none chosen.

    Returns the stored name, the reference taken from its audio (or None) and a
    note for the job's timeline about which voice speaks.
    """
    with storage.scratch() as scratch:
        path, info = uploads.speaker_video_store(video=video, folder=scratch)
        name = storage.job_name(job_id, path.name)
        reference, note = None, "The speaker video's audio is the reference voice."
        if voice is not None:
            note = ""
        elif not info.has_audio:
            note = "The speaker video has no audio track: default voice."
        else:
            try:
                reference = voice_services.reference_extract(
                    source=path, name=storage.job_name(job_id, "reference.wav")
                )
            except voice_services.ReferenceUnusable as exc:
                note = f"{exc} The default voice speaks instead."
        storage.store_file(path, name, move=True)
    return name, reference, note


def job_cancel(*, job: Job, reason: str = "Canceled by user.") -> bool:
    """Stop a job. A running stage notices at its next heartbeat and frees its slot.

    A segmented job's segments are canceled first, each as any job is (children
    before their parent: the lock order of jobs/services/segments.py)."""
    for segment in job.segments.filter(status__in=Job.LIVE_STATUSES):
        job_cancel(job=segment, reason=f"The job it belongs to was canceled: {reason}")
    with transaction.atomic():
        done = Job.objects.filter(pk=job.pk, status__in=Job.LIVE_STATUSES).update(
            status=Status.CANCELED, finished_at=timezone.now(), error=reason, progress_detail=""
        )
        if done:
            job_ended_record(job_id=job.pk, kind=Kind.CANCELED, message=reason)
    job.refresh_from_db()
    return bool(done)


def job_set_priority(*, job: Job, priority: int, by_name: str) -> bool:
    """Give a job that still waits for a slot a new priority: it moves in the queue order
    at once (the order is read afresh on every dispatch). False once it renders or ended.

    A segmented job's segments that still wait move with it (they keep their order).
    """
    if not Job.PRIORITY_MIN <= priority <= Job.PRIORITY_MAX:
        raise ValidationError(
            {"priority": f"Use {Job.PRIORITY_MIN} … {Job.PRIORITY_MAX} (higher runs first)."}
        )
    # Read, not taken from ``job``: an admin form has set the new value on it already.
    before = Job.objects.filter(pk=job.pk).values_list("priority", flat=True).first()
    with transaction.atomic():
        # Segments before their parent: the lock order of jobs/services/segments.py.
        Job.objects.filter(parent_id=job.pk, status__in=Job.PRIORITY_CHANGEABLE_STATUSES).update(
            priority=priority
        )
        done = Job.objects.filter(pk=job.pk, status__in=Job.PRIORITY_CHANGEABLE_STATUSES).update(
            priority=priority
        )
        if not done:
            transaction.set_rollback(True)  # nor its segments: the job ended meanwhile
        elif before != priority:
            event_record(
                job_id=job.pk, kind=Kind.PRIORITY, before=before, after=priority, by=by_name,
                message=f"Priority changed from {before} to {priority} by {by_name}.",
            )  # fmt: skip
            dispatch_on_commit()
    job.refresh_from_db()
    return bool(done)


def job_segments_abort(*, job_id: Any, error: str) -> bool:
    """A segment failed for good: the other segments stop, the job fails."""
    job = Job.objects.filter(pk=job_id, status=Status.SEGMENTED).first()
    if job is None:
        return False
    for segment in job.segments.filter(status__in=Job.LIVE_STATUSES):
        job_cancel(job=segment, reason="Another segment of the job failed.")
    with transaction.atomic():
        done = Job.objects.filter(pk=job.pk, status=Status.SEGMENTED).update(
            status=Status.FAILED, finished_at=timezone.now(), error=error, progress_detail=""
        )
        if done:
            job_ended_record(job_id=job.pk, kind=Kind.FAILED, message=error)
    return bool(done)


def job_retry(*, job: Job) -> bool:
    """Run a failed or canceled job again from the stage it stopped in.

    With its speech stored the job waits for a video slot again; without, it
    starts over at the TTS stage. Attempts, error and finish time are reset.
    """
    if job.segments.exists():
        return _segmented_retry(job)
    has_speech = storage.exists(job.speech_audio)
    status = Status.AUDIO_READY if has_speech else Status.QUEUED
    with transaction.atomic():
        # A purged job has no media left to run from (jobs.services.retention).
        retryable = Job.objects.filter(pk=job.pk, status__in=Job.RETRYABLE_STATUSES,
                                       media_purged_at__isnull=True)  # fmt: skip
        done = retryable.update(
            status=status,
            progress=40 if has_speech else 0,
            attempt=0,
            error="",
            finished_at=None,
            not_before=None,
            avoid_slot=None,
            engine_code="",
            speech_audio=job.speech_audio if has_speech else "",
            render_started_at=None,
            render_finished_at=None,
        )
        if done:
            stage = "video" if has_speech else "speech"
            event_record(
                job_id=job.pk, kind=Kind.RETRIED, message=f"Retried from the {stage} stage."
            )
            dispatch_on_commit()
    job.refresh_from_db()
    return bool(done)


def job_approve(*, job: Job) -> bool:
    """The owner listened and approves the speech: the job waits for a video slot."""
    with transaction.atomic():
        done = Job.objects.filter(pk=job.pk, status=Status.SPEECH_REVIEW).update(
            status=Status.AUDIO_READY, progress_detail=""
        )
        if done:
            event_record(job_id=job.pk, kind=Kind.APPROVED, message="Speech approved: render next.")
            dispatch_on_commit()
    job.refresh_from_db()
    return bool(done)


def job_respeak(*, job: Job, text: str | None = None) -> bool:
    """Speak a job under review again: with new text, or the same text with the lexicons
    as they are now. Bad text raises ValidationError and changes nothing."""
    text = job.text if text is None else job_validate_text(text)
    speech = job_speech(owner=job.owner, text=text)
    with transaction.atomic():
        done = Job.objects.filter(pk=job.pk, status=Status.SPEECH_REVIEW).update(
            status=Status.QUEUED,
            text=text,
            spoken_text=speech.spoken,
            speech_plan=speech.plan,
            lexicon_versions=speech.lexicon_versions,
            progress=0,
            progress_detail="",
            attempt=0,
            speech_audio="",
            audio_seconds=None,
            tts_started_at=None,
            tts_finished_at=None,
        )
        if done:
            changed = "new text" if text != job.text else "the same text"
            event_record(
                job_id=job.pk,
                kind=Kind.RESPOKEN,
                message=f"Speech asked for again with {changed}.",
                lexicon_versions=speech.lexicon_versions,
            )
            dispatch_on_commit()
    job.refresh_from_db()
    return bool(done)


def _segmented_retry(job: Job) -> bool:
    """A segmented job runs again: its failed or canceled segments from where they
    stopped, then the join (at once when every segment is done already)."""
    with transaction.atomic():
        done = Job.objects.filter(pk=job.pk, status__in=Job.RETRYABLE_STATUSES).update(
            status=Status.SEGMENTED, error="", finished_at=None
        )
        if not done:
            return False
        event_record(job_id=job.pk, kind=Kind.RETRIED, message="Retried: the unfinished segments.")
    pending = list(job.segments.filter(status__in=Job.RETRYABLE_STATUSES))
    for segment in pending:
        job_retry(job=segment)
    if not pending:
        transaction.on_commit(lambda: async_task(JOIN_TASK, str(job.pk), group="join"))
    job.refresh_from_db()
    return True
