"""Who is asking, for commands that record it (pauses, priorities): a shell has no request."""

import getpass

from django.contrib.auth import get_user_model


def operator(by: str = "") -> dict:
    """The services' ``by``/``by_name``: the user ``--by`` names, else that name (default:
    this shell's login name) marked as coming from a shell."""
    name = by or getpass.getuser()
    user = get_user_model().objects.filter(username=name).first()
    return {"by": user, "by_name": name if user else f"{name} (shell)"}


def add_by_argument(parser) -> None:
    parser.add_argument(
        "--by", default="",
        help="Who asks, as recorded: a username links the user (default: your login name).",
    )  # fmt: skip
