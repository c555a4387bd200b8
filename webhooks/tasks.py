"""django-q2 entry points for webhooks: thin, the services record every outcome."""

from . import services


def job_event(job_id: str, event_type: str) -> int:
    return len(services.job_event_fanout(job_id=job_id, event_type=event_type))


def delivery_attempt(delivery_id: int, replay: bool = False) -> str:
    return services.delivery_attempt(delivery_id=delivery_id, replay=replay)
