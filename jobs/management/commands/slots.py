"""Operator command for GPU slots: add, add-seed-layout, list, enable, disable, drain,
pause, resume, remove, probe.

``pause`` keeps a slot enabled and healthy but gives it no new stage (its running one
finishes); unlike ``disable`` it is recorded with who and why, and ``resume`` undoes it.

``add`` refuses a slot whose settings are wrong for good (backend, data dir) but
keeps one whose engine does not answer yet: containers start slowly (HeyGem's
model load plus a 15 s sleep, the ASR service behind Fish-Speech), so such a
slot is added unhealthy, with the reason, and joins once a probe passes.
"""

from json import dumps
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jobs import selectors, services
from jobs.management.who import add_by_argument, operator
from jobs.models import GpuSlot, Job
from jobs.serializers import SlotOutput


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
        add.add_argument(
            "--host", default="",
            help="The box whose `manage.py workers` drive the slot (its HEYGEM_HOST; default: "
                 "this box's). Its data dir is checked only when run on that box.",
        )  # fmt: skip
        seed = sub.add_parser(
            "add-seed-layout",
            help="Register the seed's GPU box: per GPU a HeyGem video and a Fish-Speech TTS slot; "
            "run it on that box (its data dirs are made here, its slots are this HEYGEM_HOST's).",
        )
        seed.add_argument("--host", default="127.0.0.1", help="Address of the engines.")
        seed.add_argument("--data-root", default="~/heygem_data")
        seed.add_argument("--gpus", type=int, default=3, help="How many GPUs (default 3).")
        seed.add_argument("--video-port", type=int, default=8390, help="Port of gpu0's video.")
        seed.add_argument("--tts-port", type=int, default=18182, help="Port of gpu0's TTS.")
        seed.add_argument("--video-dir", default="gpu{i}", help="Video data dir under the root.")
        seed.add_argument("--tts-dir", default="tts{i}", help="TTS data dir under the root.")
        seed.add_argument("--container-data-dir", default="/code/data")
        seed.add_argument(
            "--prefix", default="",
            help="Put before each slot name (slot names are site-wide: box-b- makes "
                 "box-b-gpu0-video on a second box).",
        )  # fmt: skip
        listing = sub.add_parser("list", help="Show every slot with its state.")
        listing.add_argument("--json", action="store_true", help="For scripts: the API's shape.")
        for action in ("enable", "disable", "drain", "remove"):
            one = sub.add_parser(action)
            one.add_argument("names", nargs="+")
        pause = sub.add_parser("pause", help="Give slots no new stage (running ones finish).")
        pause.add_argument("names", nargs="+")
        pause.add_argument("--reason", default="", help="Why (shown to operators and users).")
        add_by_argument(pause)
        resume = sub.add_parser("resume", help="Let paused slots take work again.")
        resume.add_argument("names", nargs="+")
        add_by_argument(resume)
        probe = sub.add_parser("probe", help="Ask engines whether they can take work.")
        probe.add_argument("names", nargs="*", help="Default: every slot of this host.")
        probe.add_argument(
            "--deep", action="store_true", help="Video slots also render a tiny clip."
        )

    def handle(self, *args, action, **opts):
        # No worker count to adjust: `manage.py workers` sizes itself to the enabled slots.
        getattr(self, f"do_{action.replace('-', '_')}")(**opts)

    def do_add(self, *, name, stage, backend, gpu, url, data_dir, container_data_dir, host="",
               **_):  # fmt: skip
        try:
            slot = services.slot_create(
                name=name, stage=stage, backend=backend, gpu=gpu, base_url=url,
                data_dir=data_dir, container_data_dir=container_data_dir, host=host,
            )  # fmt: skip
        except ValidationError as exc:
            raise CommandError(_message(exc)) from exc
        self.stdout.write(f"Added slot {slot.name} ({slot.stage}, {slot.backend}) on host "
                          f"{slot.host}.")  # fmt: skip
        if slot.host == settings.HEYGEM["HOST"]:
            self._first_probe(slot)
        else:  # its engine's address may mean another machine from here (127.0.0.1)
            self.stdout.write(f"  Not probed from here: run `manage.py slots probe {slot.name}` "
                              f"on {slot.host} to check its engine.")  # fmt: skip

    def _first_probe(self, slot):
        if slot.is_embedded:
            return
        error = services.slot_probe(slot=slot)
        if not error:
            self.stdout.write(f"  {slot.name}: the engine answered; the slot takes work.")
            return
        every = settings.HEYGEM["SWEEP_SECONDS"]
        self.stderr.write(
            f"  WARNING: {slot.name}: {error}\n  The slot is kept out of work until a probe "
            f"passes (the sweep re-probes every {every:.0f} s; or run: manage.py slots probe "
            f"{slot.name})."
        )

    def do_add_seed_layout(self, *, host, data_root, gpus, video_port, tts_port, video_dir,
                           tts_dir, container_data_dir, prefix="", **_):  # fmt: skip
        root = Path(data_root).expanduser()
        for i in range(gpus):
            for stage, backend, port, folder, sub in (
                ("video", "heygem", video_port + i, video_dir, "temp"),
                ("tts", "fish_speech", tts_port + i, tts_dir, "origin_audio"),
            ):
                data_dir = root / folder.format(i=i)
                (data_dir / sub).mkdir(parents=True, exist_ok=True)
                name = f"{prefix}gpu{i}-{stage}"
                if GpuSlot.objects.filter(name=name).exists():
                    self.stdout.write(f"Slot {name} exists already; left as it is.")
                    continue
                self.do_add(
                    name=name, stage=stage, backend=backend, gpu=f"gpu{i}",
                    url=f"http://{host}:{port}", data_dir=str(data_dir),
                    container_data_dir=container_data_dir,
                )  # fmt: skip

    def do_list(self, *, json=False, **_):
        if json:
            data = SlotOutput(selectors.slots_with_current_job(), many=True).data
            self.stdout.write(dumps(data, indent=2))
            return
        slots = list(GpuSlot.objects.with_pause())
        if not slots:
            self.stdout.write("No slots. Add one with: manage.py slots add --help")
            return
        running = {
            (job.tts_slot_id if job.status == Job.Status.SYNTHESIZING else job.video_slot_id): job
            for job in Job.objects.filter(status__in=Job.RUNNING_IN.values())
        }
        row = "{:<20} {:<6} {:<12} {:<6} {:<12} {:<12} {:<36} {}"
        self.stdout.write(
            row.format("NAME", "STAGE", "BACKEND", "GPU", "STATE", "HOST", "JOB", "ENDPOINT")
        )
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
                    slot.host,
                    str(job.pk) if job else "-",
                    endpoint,
                )  # fmt: skip
            )
            if slot.active_pause is not None:
                pause = slot.active_pause
                why = f" ({pause.reason})" if pause.reason else ""
                self.stdout.write(
                    f"    paused by {pause.paused_by_name} since {pause.paused_at:%Y-%m-%d %H:%M}"
                    f" UTC{why}"
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

    def do_pause(self, *, names, reason, by, **_):
        for slot in self._slots(names):
            self._pause_change(services.slot_pause, slot=slot, reason=reason, **operator(by))
            self.stdout.write(f"Paused {slot.name}: it finishes its stage and takes no new one.")

    def do_resume(self, *, names, by, **_):
        for slot in self._slots(names):
            self._pause_change(services.slot_resume, slot=slot, **operator(by))
            self.stdout.write(f"Resumed {slot.name}.")

    def _pause_change(self, service, **arguments):
        try:
            service(**arguments)
        except (services.PauseConflict, ValidationError) as exc:
            raise CommandError(_message(exc)) from exc

    def do_remove(self, *, names, **_):
        for slot in self._slots(names):
            try:
                services.slot_remove(slot=slot)
            except ValidationError as exc:
                raise CommandError(_message(exc)) from exc
            self.stdout.write(f"Removed {slot.name}.")

    def do_probe(self, *, names, deep=False, **_):
        # Unnamed: this box's slots, whose engine addresses mean what they say from here.
        here = GpuSlot.objects.filter(host=settings.HEYGEM["HOST"])
        slots = self._slots(names) if names else list(here)
        failed = 0
        for slot in slots:
            error = services.slot_probe(slot=slot, deep=deep)
            slot.refresh_from_db()
            if not error:
                self.stdout.write(f"{slot.name}: ok")
            elif slot.healthy and slot.engine_busy:  # reachable, still finishing a task
                self.stdout.write(f"{slot.name}: busy: {error}")
            else:
                failed += 1
                self.stdout.write(f"{slot.name}: FAILED: {error}")
        if failed:
            raise CommandError(f"{failed} of {len(slots)} slots failed the probe.")

    def _slots(self, names):
        found = {s.name: s for s in GpuSlot.objects.filter(name__in=names)}
        missing = [n for n in names if n not in found]
        if missing:
            raise CommandError(f"No slot named {', '.join(missing)}.")
        return [found[n] for n in names]


def _message(exc: Exception) -> str:
    if not isinstance(exc, ValidationError):
        return str(exc)
    if hasattr(exc, "message_dict"):
        return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)
