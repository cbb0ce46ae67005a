"""Our progress bars start no thread: an import's follow-ups fork worker processes only when no
other thread runs (core/parallel.py), and tqdm's monitor thread would outlive the bars."""

from __future__ import annotations

import io
import threading
import time
from types import SimpleNamespace

from core.progress import command_progress


def test_a_drawn_bar_leaves_no_thread_behind():
    command = SimpleNamespace(stderr=io.StringIO())
    with command_progress(command, desc="importing", unit="accounts", total=10) as progress:
        for done in range(10):
            progress(done + 1)
            time.sleep(0.01)

    assert "tqdm_monitor" not in [t.name for t in threading.enumerate()]
    assert "importing" in command.stderr.getvalue()
