"""Operator command for GPU slots: add, list, enable, disable, drain, remove, probe."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jobs import services
from jobs.models import GpuSlot, Job


class Command(BaseCommand):
    help = "Manage the engine slots jobs run on."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Register an engine endpoint.")
        add.add_argument("--name", required=True)
        add.add_argument("--stage", required=True, choices=GpuSlot.Stage.values)
        add.add_argument("--backend", required=True, choices=GpuSlot.Backend.values)
        add.add_argument("--gpu", default="", help="GPU label shown on the dashboard.")
        add.add_argument("--url", default="", help="Engine base URL (HTTP backends).")
        add.add_argument("--data-dir", default="", help="Host folder mounted in the engine.")
        add.add_argument("--container-data-dir", default="/code/data")
        sub.add_parser("list", help="Show every slot with its state.")
        for action in ("enable", "disable", "drain", "remove"):
            one = sub.add_parser(action)
            one.add_argument("names", nargs="+")
        probe = sub.add_parser("probe", help="Ask engines whether they can take work.")
        probe.add_argument("names", nargs="*", help="Default: every slot.")

    def handle(self, *args, action, **opts):
        getattr(self, f"do_{action}")(**opts)

    def do_add(self, *, name, stage, backend, gpu, url, data_dir, container_data_dir, **_):
        try:
            slot = services.slot_create(
                name=name, stage=stage, backend=backend, gpu=gpu, base_url=url,
                data_dir=data_dir, container_data_dir=container_data_dir,
            )  # fmt: skip
        except ValidationError as exc:
            raise CommandError(_message(exc)) from exc
        self.stdout.write(f"Added slot {slot.name} ({slot.stage}, {slot.backend}).")

    def do_list(self, **_):
        slots = list(GpuSlot.objects.all())
        if not slots:
            self.stdout.write("No slots. Add one with: manage.py slots add --help")
            return
        running = {
            (job.tts_slot_id if job.status == Job.Status.SYNTHESIZING else job.video_slot_id): job
            for job in Job.objects.filter(status__in=Job.RUNNING_IN.values())
        }
        row = "{:<20} {:<6} {:<12} {:<6} {:<12} {:<36} {}"
        self.stdout.write(row.format("NAME", "STAGE", "BACKEND", "GPU", "STATE", "JOB", "ENDPOINT"))
        for slot in slots:
            job = running.get(slot.pk)
            endpoint = slot.base_url or "embedded"
            self.stdout.write(
                row.format(
                    slot.name,
                    slot.stage,
                    slot.backend,
                    slot.gpu or "-",
                    slot.state,
                    str(job.pk) if job else "-",
                    endpoint,
                )  # fmt: skip
            )
            if slot.last_error:
                self.stdout.write(f"    last error: {slot.last_error}")

    def do_enable(self, *, names, **_):
        for slot in self._slots(names):
            services.slot_set_enabled(slot=slot, enabled=True)
            self.stdout.write(f"Enabled {slot.name}.")

    def do_disable(self, *, names, **_):
        for slot in self._slots(names):
            services.slot_set_enabled(slot=slot, enabled=False)
            self.stdout.write(f"Disabled {slot.name}.")

    def do_drain(self, *, names, **_):
        for slot in self._slots(names):
            services.slot_drain(slot=slot)
            self.stdout.write(f"Draining {slot.name}: it takes no new job.")

    def do_remove(self, *, names, **_):
        for slot in self._slots(names):
            try:
                services.slot_remove(slot=slot)
            except ValidationError as exc:
                raise CommandError(_message(exc)) from exc
            self.stdout.write(f"Removed {slot.name}.")

    def do_probe(self, *, names, **_):
        slots = self._slots(names) if names else list(GpuSlot.objects.all())
        failed = 0
        for slot in slots:
            error = services.slot_probe(slot=slot)
            failed += bool(error)
            self.stdout.write(f"{slot.name}: {'FAILED: ' + error if error else 'ok'}")
        if failed:
            raise CommandError(f"{failed} of {len(slots)} slots failed the probe.")

    def _slots(self, names):
        found = {s.name: s for s in GpuSlot.objects.filter(name__in=names)}
        missing = [n for n in names if n not in found]
        if missing:
            raise CommandError(f"No slot named {', '.join(missing)}.")
        return [found[n] for n in names]


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)
