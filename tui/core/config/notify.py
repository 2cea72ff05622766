"""Schema of `[[notify]]`: where status updates are sent (`warroom incident notify KIND`, the
incident menu's "send status update").

```toml
[[notify]]
name = "slack-incidents"              # names the target in prompts, toasts and the journal
kind = "slack"                        # Slack incoming webhook: {"text": ..., "blocks": [...]}
url = "${SLACK_INCIDENTS_WEBHOOK}"    # a SECRET: never printed, logged nor journaled
timeout = 5.0                         # seconds per attempt
retries = 3                           # more attempts after a 5xx or a transport error (0-5)

[[notify]]
name = "status-bot"
kind = "webhook"                      # the structured update as JSON (see export_status.py)
url = "https://bot.internal:8443/hooks/${BOT_TOKEN}"
ca_file = "/etc/ssl/internal-ca.pem"  # trust this CA (verify_tls = false: trust anything)
```
The URL is shown as ``scheme://host[:port]/…`` only (`where`); redirects are never followed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from . import checks
from .convert import check

NOTIFY_KINDS = ("slack", "webhook")
MAX_RETRIES = 5


def _kind(value: str) -> str | None:
    return None if value in NOTIFY_KINDS else f"must be one of {', '.join(NOTIFY_KINDS)}"


def _retries(value: int) -> str | None:
    return None if 0 <= value <= MAX_RETRIES else f"must be 0-{MAX_RETRIES}"


def _timeout(value: float) -> str | None:
    return None if 0 < value <= 120 else "must be more than 0 and at most 120 seconds"


@dataclass(frozen=True)
class NotifyTarget:
    """One receiver of status updates. `url` is a secret (kept out of `repr` too)."""

    name: str = field(metadata=check(checks.name))
    url: str = field(repr=False, metadata=check(checks.url))
    kind: str = field(default="slack", metadata=check(_kind))
    timeout: float = field(default=5.0, metadata=check(_timeout))
    retries: int = field(default=3, metadata=check(_retries))
    verify_tls: bool = True
    ca_file: str | None = None

    @property
    def where(self) -> str:
        """What may be shown of the URL: ``https://hooks.slack.com/…`` (no user, path,
        query: the secret is usually in the path)."""
        return public_url(self.url)


def public_url(url: str) -> str:
    """``scheme://host[:port]/…`` of a URL (userinfo, path and query dropped)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        port = parts.port
    except ValueError:
        return "(invalid URL)"
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}{f':{port}' if port else ''}/…"


def notify_issues(targets: tuple[NotifyTarget, ...]) -> list[tuple[str, str]]:
    """Target names are unique (they name journal entries and toasts)."""
    names = [t.name for t in targets]
    return [(f"notify[{len(names) - 1 - names[::-1].index(dup)}].name",
             f"duplicate notify target name {dup!r}") for dup in checks.duplicates(names)]
