"""Line-level helpers of the runbook parser: mojibake repair, inline Markdown removed,
action markers, "does this line look like a shell command".

Every line of a runbook is untrusted: escape sequences and controls are removed
(`tui.core.sanitize`) before anything else looks at it; markup such as `[bold]` stays literal
text (it is rendered as `Text`, never parsed).
"""

from __future__ import annotations

import re

from tui.core.sanitize import one_line

from .model import MAX_TEXT

MARKER = re.compile(r"<!--\s*warroom\s*:\s*action\s*=\s*([A-Za-z0-9_.:-]{1,64})\s*-->", re.I)
"""`<!-- warroom: action=rollback -->` on a step's line or on the line right after it."""
_COMMENT = re.compile(r"<!--.*?-->")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\w)")
_INLINE_CODE = re.compile(r"`([^`]+)`")
_LEADING_SYMBOLS = re.compile(r"^[^\w\[(<\"'`/.$~]+")
_CP1252: dict[str, int] = {}
for _b in range(256):
    try:
        _CP1252[bytes([_b]).decode("cp1252")] = _b
    except UnicodeDecodeError:
        _CP1252[chr(_b)] = _b  # the five bytes cp1252 leaves undefined pass through as C1
_MOJIBAKE_HINT = re.compile("[ÃÂâð][\u0080-\u00bf\u0152-\u2122]")

_WORDS = """
sudo curl wget docker docker-compose podman kubectl helm ssh scp rsync systemctl service
journalctl supervisorctl php composer git cd ls cat tail head less grep egrep rg awk sed ps
kill pkill killall df du free htop top uptime vmstat iostat netstat ss lsof ip ping dig
nslookup traceroute mtr openssl certbot redis-cli psql pg_dump pg_restore pg_isready mysql
mysqldump mongo mongosh python python3 pip node npm npx pnpm yarn make bash sh zsh echo export
env source tar gzip cp mv rm mkdir chmod chown ln touch truncate find xargs watch aws gcloud
az terraform ansible ansible-playbook nginx apachectl apache2ctl a2ensite crontab nself
dokploy vault consul nomad jq yq tee sleep iptables ufw nft mount umount lsblk fdisk
"""
COMMAND_WORDS = frozenset(_WORDS.split())
_PROMPT = re.compile(r"^(?:\$|#|>)\s+(?=\S)")


def demojibake(line: str) -> str:
    """Repair UTF-8 read as cp1252 ("ðŸ“š" → "📚", "â”€" → "─") when the whole line decodes
    back; any other line is returned unchanged (a real "é" stays)."""
    if not _MOJIBAKE_HINT.search(line):
        return line
    try:
        raw = bytes(_CP1252[ch] for ch in line)
    except KeyError:
        return line
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:  # a byte lost on the way (e.g. the 0x8F of "🛡️"): the rest
        fixed = raw.decode("utf-8", errors="ignore")
        lost = len(raw) - len(fixed.encode())
        return fixed if lost <= 4 * len(_MOJIBAKE_HINT.findall(line)) else line


MAX_LINE = 4_000
"""Characters of one physical line looked at (the rest is cut: bounded regex work)."""


def clean_line(raw: str) -> str:
    """One physical line made inert: cut to MAX_LINE, mojibake repaired, escapes and
    controls removed."""
    return one_line(demojibake(raw[:MAX_LINE])).rstrip()


def markers(text: str) -> list[str]:
    return MARKER.findall(text)


def inline(text: str, limit: int = MAX_TEXT) -> str:
    """Markdown inline syntax removed for display: comments, links (their text kept),
    emphasis, backticks; cut to `limit`."""
    text = _COMMENT.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", text)
    text = _INLINE_CODE.sub(r"\1", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def heading_title(text: str) -> str:
    """A heading's words: inline syntax and leading emoji/symbols removed."""
    title = inline(text, 120).strip().rstrip(":").strip()
    stripped = _LEADING_SYMBOLS.sub("", title)
    return stripped or title


def inline_commands(text: str) -> list[str]:
    """The `code spans` of a step that look like commands (`php artisan down`, not `/up`)."""
    return [m for m in _INLINE_CODE.findall(_COMMENT.sub("", text)) if looks_like_command(m)]


def looks_like_command(line: str) -> bool:
    """A shell command line: a known command word first (after an optional `$ ` prompt), a
    `./script`, a `VAR=value cmd`, or a path to an executable with arguments."""
    text = _PROMPT.sub("", line.strip(), count=1) if line.lstrip()[:2] in ("$ ", "> ") \
        else line.strip()
    if not text or text.startswith("#"):
        return False
    first = text.split()[0]
    if "=" in first and re.fullmatch(r"[A-Z_][A-Z0-9_]*=\S*", first):
        rest = text.split()[1:]
        return bool(rest) and looks_like_command(" ".join(rest))
    if first in COMMAND_WORDS:
        return True
    if first.startswith("./") or first.startswith("~/"):
        return True
    return first.startswith("/") and first.count("/") >= 2 and " " in text
