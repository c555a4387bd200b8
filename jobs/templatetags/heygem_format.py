"""Template filters of the pages: GPU memory, media lengths."""

from django import template

register = template.Library()


@register.filter
def gib(value: int) -> str:
    """Bytes as GiB with one decimal (GPU memory)."""
    return f"{value / 1024**3:.1f}"


@register.filter
def clock(seconds) -> str:
    """A media length as m:ss (or h:mm:ss); – when unknown."""
    if seconds is None:
        return "–"
    whole = round(float(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
