"""Embedded video: ffmpeg loops or trims the speaker video to the speech and muxes it in.

No lip-sync (the UI says so); it lets the whole product run on any machine.
"""

from .. import media
from .base import EngineError, Heartbeat, RenderRequest, VideoEngine


class DubEngine(VideoEngine):
    def render(self, request: RenderRequest, heartbeat: Heartbeat) -> None:
        partial = request.out_path.with_name(request.out_path.stem + ".partial.mp4")
        progress_file = request.out_path.with_name(request.out_path.stem + ".progress")
        args = [
            # Loop the speaker video as often as the speech needs, then cut both
            # at the speech's length so the streams end together.
            "-stream_loop", "-1", "-i", str(request.video_path),
            "-i", str(request.audio_path),
            "-map", "0:v:0", "-map", "1:a:0",
            "-t", f"{request.audio_seconds:.3f}",
            "-vf", "scale=trunc(min(iw\\,1280)/2)*2:-2",
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "128k",
            "-progress", str(progress_file),
            "-movflags", "+faststart", str(partial),
        ]  # fmt: skip
        try:
            media.run_ffmpeg(
                args, heartbeat=heartbeat, timeout=max(600, 20 * request.audio_seconds),
                progress=media.ffmpeg_progress(progress_file, request.audio_seconds),
            )  # fmt: skip
            partial.replace(request.out_path)
        except media.MediaError as exc:
            raise EngineError(str(exc)) from exc
        finally:  # a canceled render leaves nothing behind
            partial.unlink(missing_ok=True)
            progress_file.unlink(missing_ok=True)

    def probe(self, *, deep: bool = False) -> None:
        try:
            media.tool("ffmpeg")
        except media.MediaError as exc:
            raise EngineError(str(exc)) from exc
