# PostgreSQL tells listeners (jobs.live) when a job, its timeline or a slot changes:
# NOTIFY is delivered at commit, so a watcher never sees a change that rolls back.

from django.db import migrations

CHANNEL = "heygem_changes"

FORWARD = f"""
CREATE FUNCTION heygem_notify_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{CHANNEL}', 'job:' || NEW.id::text);
  RETURN NULL;
END $$;
CREATE FUNCTION heygem_notify_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{CHANNEL}', 'job:' || NEW.job_id::text);
  RETURN NULL;
END $$;
CREATE FUNCTION heygem_notify_slot() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{CHANNEL}', 'slot:' || COALESCE(NEW.id, OLD.id)::text);
  RETURN NULL;
END $$;
CREATE TRIGGER jobs_job_notify AFTER INSERT OR UPDATE ON jobs_job
  FOR EACH ROW EXECUTE FUNCTION heygem_notify_job();
CREATE TRIGGER jobs_jobevent_notify AFTER INSERT ON jobs_jobevent
  FOR EACH ROW EXECUTE FUNCTION heygem_notify_event();
CREATE TRIGGER jobs_gpuslot_notify AFTER INSERT OR UPDATE OR DELETE ON jobs_gpuslot
  FOR EACH ROW EXECUTE FUNCTION heygem_notify_slot();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS jobs_job_notify ON jobs_job;
DROP TRIGGER IF EXISTS jobs_jobevent_notify ON jobs_jobevent;
DROP TRIGGER IF EXISTS jobs_gpuslot_notify ON jobs_gpuslot;
DROP FUNCTION IF EXISTS heygem_notify_job();
DROP FUNCTION IF EXISTS heygem_notify_event();
DROP FUNCTION IF EXISTS heygem_notify_slot();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0007_shared_cache_table"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
