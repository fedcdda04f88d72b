"""The real service on a free loopback port, for tests that need TCP (names kept for older tests).

Everything lives in ``tests.serverkit``: one way to start, wait for and stop ``stancewire serve``.
"""

from __future__ import annotations

from tests.serverkit import Server as LiveServer
from tests.serverkit import free_port
from tests.serverkit import running_server as live_server

__all__ = ["LiveServer", "free_port", "live_server"]
