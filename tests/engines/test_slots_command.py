"""``manage.py slots`` for GPU engines: the seed's layout, checks on add, probes."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from jobs.models import GpuSlot
from tests.fakes import fake_gpu_pairs

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def slots(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("slots", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def add(name, backend, url, data_dir) -> tuple[str, str]:
    stage = "video" if backend == "heygem" else "tts"
    return slots("add", "--name", name, "--stage", stage, "--backend", backend,
                 "--url", url, "--data-dir", str(data_dir))  # fmt: skip


def test_the_seed_layout_is_one_command_with_its_folders(tmp_path):
    out, err = slots("add-seed-layout", "--host", "127.0.0.1", "--data-root", str(tmp_path))

    rows = GpuSlot.objects.order_by("name").values_list(
        "name", "stage", "backend", "base_url", "data_dir", "container_data_dir"
    )
    expected = []
    for i in range(3):
        expected += [
            (f"gpu{i}-tts", "tts", "fish_speech", f"http://127.0.0.1:{18182 + i}",
             f"{tmp_path}/tts{i}", "/code/data"),
            (f"gpu{i}-video", "video", "heygem", f"http://127.0.0.1:{8390 + i}",
             f"{tmp_path}/gpu{i}", "/code/data"),
        ]  # fmt: skip
    assert list(rows) == expected
    for i in range(3):
        assert (tmp_path / f"gpu{i}" / "temp").is_dir()
        assert (tmp_path / f"tts{i}" / "origin_audio").is_dir()
    # Nothing listens on the seed's ports here: added, kept out, and told why.
    assert err.count("  WARNING: gpu") == 6 and "connection refused" in err
    assert set(GpuSlot.objects.values_list("healthy", flat=True)) == {False}


def test_every_value_of_the_seed_layout_can_be_changed_and_rerunning_it_is_harmless(tmp_path):
    args = ["add-seed-layout", "--host", "10.0.0.5", "--data-root", str(tmp_path), "--gpus", "2",
            "--video-port", "9000", "--tts-port", "19000", "--video-dir", "face{i}",
            "--tts-dir", "voice{i}", "--container-data-dir", "/data"]  # fmt: skip
    slots(*args)
    out, _ = slots(*args)

    assert "exists already" in out and GpuSlot.objects.count() == 4
    gpu1 = GpuSlot.objects.get(name="gpu1-video")
    assert gpu1.base_url == "http://10.0.0.5:9001" and gpu1.data_dir == f"{tmp_path}/face1"
    assert GpuSlot.objects.get(name="gpu1-tts").container_data_dir == "/data"


def test_a_second_box_adds_its_seed_layout_under_a_prefix_for_its_own_host(tmp_path, settings):
    slots("add-seed-layout", "--gpus", "1", "--data-root", str(tmp_path / "a"))
    settings.HEYGEM = {**settings.HEYGEM, "HOST": "box-b"}
    slots(
        "add-seed-layout", "--gpus", "1", "--data-root", str(tmp_path / "b"), "--prefix", "box-b-"
    )

    assert sorted(GpuSlot.objects.values_list("name", "host")) == [
        ("box-b-gpu0-tts", "box-b"), ("box-b-gpu0-video", "box-b"),
        ("gpu0-tts", "local"), ("gpu0-video", "local"),
    ]  # fmt: skip


def test_a_slot_whose_engines_answer_is_added_healthy(tmp_path):
    with fake_gpu_pairs(tmp_path, 1) as [pair]:
        out, err = add("gpu0-video", "heygem", pair.video_url, pair.video_data_dir)
        add("gpu0-tts", "fish_speech", pair.tts_url, pair.tts_data_dir)

    assert "the engine answered; the slot takes work" in out and err == ""
    assert set(GpuSlot.objects.values_list("healthy", flat=True)) == {True}


def test_a_data_dir_that_does_not_exist_is_refused(tmp_path):
    with pytest.raises(CommandError) as refused:
        add("gpu0-video", "heygem", "http://127.0.0.1:8390", tmp_path / "missing")

    assert f"The data dir {tmp_path}/missing does not exist" in str(refused.value)
    assert not GpuSlot.objects.exists()


def test_a_tts_slot_whose_data_dir_the_engine_does_not_see_is_added_but_kept_out(tmp_path):
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    with fake_gpu_pairs(tmp_path, 1) as [pair]:
        _, err = add("gpu0-tts", "fish_speech", pair.tts_url, wrong)

    assert f"{wrong} is not the folder mounted at /code/data" in err
    slot = GpuSlot.objects.get(name="gpu0-tts")
    assert slot.state == "unhealthy" and "is not the folder mounted" in slot.last_error


def test_probe_reports_each_slot_and_fails_when_one_is_down(tmp_path):
    with fake_gpu_pairs(tmp_path, 2) as pairs:
        for i, pair in enumerate(pairs):
            add(f"gpu{i}-video", "heygem", pair.video_url, pair.video_data_dir)
        pairs[1].video.stop()
        out = StringIO()
        with pytest.raises(CommandError) as failed:
            call_command("slots", "probe", stdout=out)

    assert "gpu0-video: ok" in out.getvalue()
    assert "gpu1-video: FAILED: The HeyGem video (gpu1-video) engine at" in out.getvalue()
    assert "1 of 2 slots failed the probe" in str(failed.value)
    assert GpuSlot.objects.get(name="gpu1-video").state == "unhealthy"


def test_a_deep_probe_finds_a_video_data_dir_the_engine_does_not_see(tmp_path):
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    with fake_gpu_pairs(tmp_path, 1) as [pair]:
        add("gpu0-video", "heygem", pair.video_url, wrong)
        assert GpuSlot.objects.get().healthy  # the quick probe cannot tell
        out = StringIO()
        with pytest.raises(CommandError):
            call_command("slots", "probe", "--deep", "gpu0-video", stdout=out)

    assert "could not read the clip written to" in out.getvalue()
    assert GpuSlot.objects.get().state == "unhealthy"


def test_the_compose_file_pins_each_pair_to_its_own_gpu_on_the_seed_ports():
    compose = yaml.safe_load((ROOT / "deploy" / "docker-compose.gpus.yml").read_text())
    services = compose["services"]

    for i in range(3):
        video, tts, asr = (
            services[f"heygem-gpu{i}"],
            services[f"heygem-tts{i}"],
            services[f"heygem-asr{i}"],
        )
        for container in (video, tts, asr):
            assert f"NVIDIA_VISIBLE_DEVICES={i}" in container["environment"]
            [device] = container["deploy"]["resources"]["reservations"]["devices"]
            assert device["device_ids"] == [str(i)] and device["capabilities"] == ["gpu"]
        assert video["ports"] == [f"{8390 + i}:8383"]
        assert tts["ports"] == [f"{18182 + i}:8080"]
        assert video["volumes"] == [f"${{HEYGEM_DATA:-~/heygem_data}}/gpu{i}:/code/data"]
        assert tts["volumes"] == [f"${{HEYGEM_DATA:-~/heygem_data}}/tts{i}:/code/data"]
        # Each TTS finds its own ASR under the name the image looks for.
        assert tts["networks"] == [f"pair{i}"]
        assert asr["networks"] == {f"pair{i}": {"aliases": ["heygem-asr"]}}
