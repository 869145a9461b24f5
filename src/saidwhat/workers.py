"""Worker processes that do not outlive their parent.

A ``ProcessPoolExecutor`` worker waits on a pipe that it holds both ends of, so when its
parent is killed with SIGKILL (``kill -9``, the OOM killer, a CI timeout) it never sees the
pipe close and waits for ever, holding its memory (the models, about 1 GB with the tagger).
``die_with_parent`` in a pool's initializer ends the worker as soon as its parent is gone:

* a watchdog thread checks once every ``POLL_SECONDS`` whether the process' parent is still
  the one that started it (a dead parent's children are handed to init or a subreaper), and
  ends the process with ``os._exit`` if not. It works on every POSIX system and whatever
  thread of the parent started the worker; a worker busy in C code that holds the GIL ends
  when that call returns.
* with ``kernel=True``, on Linux, the kernel also sends SIGKILL at once when the parent dies
  (``prctl(PR_SET_PDEATHSIG)``, through ctypes). The kernel sends it when the parent *thread*
  that started the worker ends, so only pools whose workers are started by a thread that lives
  as long as the pool should ask for it (the ingest command's main thread); the web server's
  workers are started from whichever thread submits first, and rely on the watchdog.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time

POLL_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int, *, kernel: bool = False) -> None:
    """End this process when process ``parent`` (the pool's owner) is gone."""
    if kernel and sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the watchdog alone
            pass
    if os.getppid() != parent:  # it died before this process got here
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(POLL_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="saidwhat-parent-watch", daemon=True).start()


def started_by_main_thread() -> bool:
    """Whether a pool created now is created by the main thread (then ``kernel=True`` is
    safe for it: the main thread lives as long as the process)."""
    return threading.current_thread() is threading.main_thread()
