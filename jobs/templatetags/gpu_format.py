from django import template

register = template.Library()


@register.filter
def gib(value: int) -> str:
    """Bytes as GiB with one decimal (GPU memory)."""
    return f"{value / 1024**3:.1f}"
