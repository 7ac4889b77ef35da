"""Ctrl-C for a batch: the CLI's SIGINT handler sets ``STOP``, and the batch runner stops at
its next report. The handler also raises KeyboardInterrupt, but one raised while Python runs
a finalizer is printed as "ignored" and lost; the flag is not."""

from __future__ import annotations

import threading

STOP = threading.Event()


def stop_if_asked() -> None:
    if STOP.is_set():
        raise KeyboardInterrupt
