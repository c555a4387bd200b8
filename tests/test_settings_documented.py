"""Every environment variable the settings read is documented in .env.example."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def variables_read(path: Path) -> set[str]:
    text = path.read_text()
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', text)) | set(
        re.findall(r'os\.environ\.get\(\s*"([A-Z][A-Z0-9_]+)"', text)
    )


def test_every_setting_is_listed_in_env_example():
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(),
                                re.MULTILINE))  # fmt: skip
    read = variables_read(ROOT / "heygem_site/settings.py") | variables_read(
        ROOT / "deploy/gunicorn.conf.py"
    )

    assert read, "the pattern found no variables at all"
    assert read - documented == set()
