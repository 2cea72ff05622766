"""Test harness: real components (dockerd, sshd, tmux, HTTP/HTTPS servers) for the suite.

Fixtures are registered in ``tests/conftest.py``; the helpers here can be imported directly
(``from tests.infra.http import Fixed``).
"""

from tests.infra.common import free_port, in_ci, is_root, require, wait_until

__all__ = ["free_port", "in_ci", "is_root", "require", "wait_until"]
