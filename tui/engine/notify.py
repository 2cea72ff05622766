"""Status updates sent to the `[[notify]]` targets: every target at once, each bounded.

Per target: one JSON POST (Slack incoming-webhook `text` + `blocks`, or the structured update
for `kind = "webhook"`), redirects never followed (a 3xx is a failure: the secret URL and the
body never reach another host), the answer read up to `MAX_ANSWER` bytes, each attempt cut at
the target's `timeout`, and on a 5xx, 429 or transport error up to `retries` more attempts
after an exponential backoff. So one target never takes longer than `worst_case(target)`.

The URL is a secret: results, reasons and journal entries name the target and its
``scheme://host/…`` only; any text from the transport is scrubbed of the URL's path and query.

`deliver` journals ahead (a `notify` entry, outcome `sending`, with the text), sends, then
journals one entry per target (outcome `sent` | `failed`, HTTP status, attempts, reason); a
`sent` entry restarts the next-update cadence (`clock.last_sent`).
"""

from __future__ import annotations

import asyncio
import json
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from tui.core.config.notify import NotifyTarget
from tui.core.incident.export_status import Update
from tui.core.sanitize import one_line

BACKOFF_S = 0.5
"""Delay before the first retry; doubled for each next one, at most BACKOFF_MAX_S."""
BACKOFF_MAX_S = 8.0
MAX_ANSWER = 64 * 1024
"""Bytes of an answer read at most (the rest is never received into memory)."""
REASON_CHARS = 300
MAX_TEXT = 16_000
"""Characters of the update text journaled with the `sending` entry."""
SLACK_SECTION = 2900
"""Slack rejects a section text over 3,000 characters."""


class JournalLike(Protocol):
    def append(self, kind: str, data: dict[str, Any], **kwargs: Any) -> Any: ...


@dataclass(frozen=True)
class Delivery:
    """How sending to one target went. Never holds the URL."""

    target: str
    where: str
    ok: bool
    status: int | None
    attempts: int
    reason: str
    elapsed_s: float

    def record(self, kind: str, send_id: str | None) -> dict[str, Any]:
        """The journal data of this result."""
        data: dict[str, Any] = {
            "outcome": "sent" if self.ok else "failed", "kind": kind, "target": self.target,
            "status": self.status, "attempts": self.attempts,
            "elapsed_s": round(self.elapsed_s, 3)}
        if self.reason:
            data["reason"] = self.reason
        if send_id:
            data["send"] = send_id
        return data

    def line(self) -> str:
        """One line for a person: ``slack-ops (https://hooks.slack.com/…): sent, HTTP 200``."""
        tries = f" after {self.attempts} attempts" if self.attempts > 1 else ""
        if self.ok:
            return f"{self.target} ({self.where}): sent, HTTP {self.status}{tries}"
        status = f"HTTP {self.status}, " if self.status else ""
        return f"{self.target} ({self.where}): FAILED, {status}{self.reason}{tries}"


# -- payloads ------------------------------------------------------------------------------
def _mrkdwn(text: object, limit: int = SLACK_SECTION) -> str:
    """Untrusted text for Slack mrkdwn: `&`, `<`, `>` escaped (no `<!channel>` pings, no
    links smuggled in), bounded."""
    value = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def slack_payload(update: Update) -> dict[str, Any]:
    """A Slack incoming-webhook message: `text` (the whole update, the notification's
    fallback) and `blocks` (header, the facts, current state, actions, root cause, next)."""
    d = update.data
    header = f"[{update.kind.capitalize()}] {d['severity']} {d['title']}"
    facts = [("Severity", d["severity"]), ("Status", str(d["status"]).upper()),
             ("Commander", d["commander"] or "—"), ("Started", d["times"]["start"])]
    actions = [f"• {a['result']}" + (f" — {a['override']}" if a["override"] else "")
               for a in d["actions_taken"]] or ["none run yet"]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": one_line(header)[:150]}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{_mrkdwn(v, 500)}"}
                                       for k, v in facts]},
        {"type": "section", "text": {"type": "mrkdwn", "text": _mrkdwn(d["summary"])}},
        {"type": "section", "text": {"type": "mrkdwn",
                                     "text": "*Current state*\n" + _mrkdwn(d["current_state"])}},
        {"type": "section", "text": {"type": "mrkdwn",
                                     "text": _mrkdwn("Actions taken\n" + "\n".join(actions))}},
    ]
    if "root_cause" in d:
        blocks.append({"type": "section", "text": {
            "type": "mrkdwn", "text": "*Root cause*\n" + _mrkdwn(d["root_cause"])}})
    nxt = d["next_update"] or "none planned"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _mrkdwn(
        f"Next update: {nxt} · incident {d['incident_id']} · sent by warroom", 1000)}]})
    return {"text": _mrkdwn(update.text, 3500), "blocks": blocks}


def payload(target: NotifyTarget, update: Update) -> bytes:
    """The JSON body for ``target``."""
    body = slack_payload(update) if target.kind == "slack" else update.data
    return json.dumps(body, ensure_ascii=False).encode()


# -- sending -------------------------------------------------------------------------------
def worst_case(target: NotifyTarget, backoff: float = BACKOFF_S) -> float:
    """The longest a target can take: every attempt's timeout plus every backoff."""
    waits = sum(min(backoff * 2 ** i, BACKOFF_MAX_S) for i in range(target.retries))
    return target.timeout * (target.retries + 1) + waits


def _scrub(text: str, url: str) -> str:
    """Transport or answer text without the secret parts of the URL (the whole URL, its
    userinfo, path and query, and every path segment or query value of 6+ characters: a
    receiver may echo a token), on one bounded line."""
    parts = urlsplit(url)
    pieces = [url, parts.path, parts.query, parts.netloc.rpartition("@")[0],
              parts.password or "", *parts.path.split("/"),
              *(p.partition("=")[2] for p in parts.query.split("&"))]
    for secret in sorted({p for p in pieces if len(p) >= 6 or (p in (parts.path, parts.query)
                          and len(p) > 1)}, key=len, reverse=True):
        text = text.replace(secret, "…")
    text = one_line(text)
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 1] + "…"


def _context(verify: bool, ca_file: str | None) -> ssl.SSLContext:
    """The TLS context (built in a thread: loading a CA bundle costs ~80 ms)."""
    import httpx  # here, off the event loop

    if verify and ca_file:
        return ssl.create_default_context(cafile=ca_file)
    return httpx.create_ssl_context(verify=verify)


def _ca_path(target: NotifyTarget, base_dir: str | Path) -> str | None:
    if not target.ca_file:
        return None
    path = Path(target.ca_file).expanduser()
    return str(path if path.is_absolute() else Path(base_dir) / path)


class _Retry(Exception):
    """An attempt that may succeed if tried again (5xx, 429, transport error)."""


async def _attempt(client: Any, target: NotifyTarget, body: bytes) -> tuple[int, bytes]:
    """One POST; (status, the first MAX_ANSWER bytes of the answer)."""
    headers = {"content-type": "application/json", "accept-encoding": "identity"}
    async with client.stream("POST", target.url, content=body, headers=headers) as answer:
        got = bytearray()
        async for chunk in answer.aiter_raw():
            got += chunk[: MAX_ANSWER - len(got)]
            if len(got) >= MAX_ANSWER:
                break
        return answer.status_code, bytes(got)


def _answer_text(answer: bytes, url: str) -> str:
    said = _scrub(answer[:400].decode("utf-8", "replace"), url).strip()
    return f"answered: {said[:200]}" if said else "empty answer"


async def send_one(target: NotifyTarget, body: bytes, *, base_dir: str | Path = ".",
                   backoff: float = BACKOFF_S) -> Delivery:
    """Send ``body`` to one target with retries; never raises, never exceeds
    `worst_case(target, backoff)` (plus the TLS context's build)."""
    import httpx

    began, where = time.monotonic(), target.where
    try:
        context = await asyncio.to_thread(_context, target.verify_tls,
                                          _ca_path(target, base_dir))
    except (OSError, ssl.SSLError) as exc:
        return Delivery(target.name, where, False, None, 0,
                        f"ca_file unusable: {one_line(str(exc))[:200]}", 0.0)
    attempts, status, reason = 0, None, ""
    async with httpx.AsyncClient(verify=context, follow_redirects=False,
                                 timeout=httpx.Timeout(target.timeout),
                                 headers={"user-agent": "warroom/0.1 (status update)"}) as client:
        while True:
            attempts += 1
            try:
                status, answer = await asyncio.wait_for(_attempt(client, target, body),
                                                        target.timeout)
                if 200 <= status < 300:
                    return Delivery(target.name, where, True, status, attempts, "",
                                    time.monotonic() - began)
                if 300 <= status < 400:
                    reason = "redirect not followed (the URL is not sent to another place)"
                    break
                reason = _answer_text(answer, target.url)
                if status < 500 and status != 429:
                    break  # 4xx: the same request fails again
                raise _Retry
            except _Retry:
                pass
            except (TimeoutError, httpx.TimeoutException):
                status, reason = None, f"no answer within {target.timeout:g} s"
            except httpx.TransportError as exc:
                status = None
                reason = _scrub(f"{type(exc).__name__}: {exc}", target.url)
                if "CERTIFICATE_VERIFY_FAILED" in str(exc) or isinstance(
                        exc.__context__, ssl.SSLCertVerificationError):
                    break  # an untrusted certificate stays untrusted
            except Exception as exc:  # anything else (a URL httpx refuses …): not retried,
                status = None         # and said without the URL
                reason = _scrub(f"{type(exc).__name__}: {exc}", target.url)
                break
            if attempts > target.retries:
                break
            await asyncio.sleep(min(backoff * 2 ** (attempts - 1), BACKOFF_MAX_S))
    return Delivery(target.name, where, False, status, attempts, reason or "failed",
                    time.monotonic() - began)


async def send_all(targets: Sequence[NotifyTarget], update: Update, *,
                   base_dir: str | Path = ".", backoff: float = BACKOFF_S) -> list[Delivery]:
    """Send ``update`` to every target concurrently; one result per target, in order."""
    return list(await asyncio.gather(*(
        send_one(t, payload(t, update), base_dir=base_dir, backoff=backoff)
        for t in targets)))


async def deliver(journal: JournalLike, targets: Sequence[NotifyTarget], update: Update, *,
                  author: str | None = None, base_dir: str | Path = ".",
                  backoff: float = BACKOFF_S) -> list[Delivery]:
    """Journal ahead, send to every target, journal each result (see the module's
    docstring). An unwritable journal raises `OSError` before anything is sent."""
    ahead = await asyncio.to_thread(journal.append, "notify", {
        "outcome": "sending", "kind": update.kind, "targets": [t.name for t in targets],
        "text": update.text[:MAX_TEXT]}, author=author)
    results = await send_all(targets, update, base_dir=base_dir, backoff=backoff)
    send_id = getattr(ahead, "id", None)
    for result in results:
        await asyncio.to_thread(journal.append, "notify", result.record(update.kind, send_id),
                                author=author)
    return results
