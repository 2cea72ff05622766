"""A real writer process for the durability tests.

``python -m tests.incident.writer PATH COUNT TAG``: appends COUNT notes to the journal at
PATH and prints each entry's id (flushed) only after `append` has returned — i.e. once the
entry is acknowledged as durable. COUNT 0 means "until killed".
"""

from __future__ import annotations

import sys
from pathlib import Path

from tui.core.journal import Journal


def main() -> int:
    path, count, tag = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    journal = Journal(path)
    n = 0
    while count == 0 or n < count:
        entry = journal.append("note", {"text": f"{tag} note {n}", "writer": tag, "n": n},
                               author=f"{tag}@test")
        sys.stdout.write(entry.id + "\n")
        sys.stdout.flush()
        n += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
