"""The HeyGem engine's Chinese messages, in English (ENGINES.md §2).

Engine messages are always recorded as given; these translations are added next
to them so users and operators can read them. Matching is by substring because
some messages embed the task code (``[<code>]预处理失败…``).
"""

# (substring, English, hint for the operator or user)
KNOWN = [
    ("三次获取音频时长失败", "could not read the audio's duration (three tries)",
     "the engine could not open the audio file: is the slot's data dir the folder "
     "mounted at /code/data?"),
    ("format video error", "preprocessing failed: the video could not be formatted",
     "the engine could not read the input files: is the slot's data dir the folder "
     "mounted at /code/data, and is the speaker video readable?"),
    ("预处理失败", "preprocessing failed", ""),
    ("存在多人脸", "more than one face in the video",
     "use a speaker video with exactly one face"),
    ("生成视频失败", "video generation failed", ""),
    ("忙碌中", "busy with another task", ""),
    ("任务不存在", "task not found", ""),
    ("系统异常", "system error", ""),
    ("获取锁异常", "could not take the engine's lock", ""),
    ("参数缺失", "a required field is missing", ""),
    ("任务视频驱动队列满", "the video driving queue is full (the engine is stuck)",
     "restart the container"),
    ("文件下载完成", "input files loaded", ""),
    ("音频特征提取完成", "audio features extracted; rendering frames", ""),
    ("视频处理完成", "frames rendered; muxing the audio", ""),
    ("任务完成", "task complete", ""),
]  # fmt: skip


def translate(message: object) -> str:
    """English for an engine message, or '' when it is not known."""
    text = str(message or "")
    for needle, english, _hint in KNOWN:
        if needle in text:
            return english
    return ""


def hint(message: object) -> str:
    text = str(message or "")
    return next((h for needle, _e, h in KNOWN if needle in text and h), "")


def describe(message: object) -> str:
    """The message as given, with its English in parentheses when known."""
    text = str(message or "").strip()
    english = translate(text)
    if not text:
        return "no message"
    return f"{english} (engine: {text})" if english else text


# Failures that mean the engine could not open its input files (wrong folder, bad path).
INPUT_READ_FAILURES = ("三次获取音频时长失败", "format video error")


def is_input_read_failure(message: object) -> bool:
    return any(needle in str(message or "") for needle in INPUT_READ_FAILURES)
