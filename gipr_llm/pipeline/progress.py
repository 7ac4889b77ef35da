"""Progress of a batch a person can watch, on stderr.

On a terminal, a live bar (files done/total, rate, ETA, failures so far); otherwise (a log
file, CI) a plain line every few seconds. ``quiet`` shows neither. The summary at the end
says what was read, what failed, how many reports have errors or warnings, and the time.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress

PLAIN_EVERY_SECONDS = 5.0


@dataclass(slots=True)
class Tally:
    """What a batch came to."""

    total: int
    read: int = 0
    failed: int = 0
    skipped: int = 0  # already in the store at this extraction version
    with_errors: int = 0
    with_warnings: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def done(self) -> int:
        return self.read + self.failed + self.skipped

    def summary(self) -> str:
        seconds = time.monotonic() - self.started
        text = f"共{self.total}份：读取{self.read}份，失败{self.failed}份"
        if self.skipped:
            text += f"，未变化跳过{self.skipped}份"
        return (
            f"{text}；{self.with_errors}份有错误，{self.with_warnings}份有警告；用时{seconds:.1f}秒"
            f" (read {self.read}, failed {self.failed}, skipped {self.skipped}, with errors"
            f" {self.with_errors}, with warnings {self.with_warnings}, {seconds:.1f} s)"
        )


class BatchProgress:
    """``with BatchProgress(total) as progress: progress.advance(...)``, then ``progress.tally``."""

    def __init__(
        self, total: int, *, quiet: bool = False, stream: TextIO | None = None, stdout_busy: bool = False
    ) -> None:
        """``stdout_busy``: the command writes its own output to stdout; when that is the same
        terminal, a bar would tear through it, so only the summary shows."""
        self.tally = Tally(total)
        self.stream = stream or sys.stderr
        self.quiet = quiet
        tty = self.stream.isatty()
        self._ticks = not quiet and total > 1 and not (stdout_busy and tty and sys.stdout.isatty())
        self._live = self._ticks and tty
        self._bar: Progress | None = None
        self._last_line = time.monotonic()

    def __enter__(self) -> BatchProgress:
        if self._live:
            self._bar = _live_bar(self.stream)
            self._bar.start()
            self._task = self._bar.add_task("files", total=self.tally.total, failed=0)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
        if not self.quiet:
            self.stream.write(f"gipr: {self.tally.summary()}\n")
            self.stream.flush()

    def note(self, message: str) -> None:
        """A line above the bar (a failed file's reason); printed even when quiet."""
        if self._bar is not None:
            self._bar.console.print(message, markup=False, highlight=False)
        else:
            self.stream.write(message + "\n")
            self.stream.flush()

    def advance(
        self, *, failed: bool = False, skipped: bool = False, errors: int = 0, warnings: int = 0
    ) -> None:
        t = self.tally
        if skipped:
            t.skipped += 1
        elif failed:
            t.failed += 1
        else:
            t.read += 1
            t.with_errors += errors > 0
            t.with_warnings += warnings > 0
        if self._bar is not None:
            self._bar.update(self._task, advance=1, failed=t.failed)
        elif self._ticks:
            now = time.monotonic()
            if now - self._last_line >= PLAIN_EVERY_SECONDS:
                self._last_line = now
                self.stream.write(f"gipr: {self._plain_line(now)}\n")
                self.stream.flush()

    def _plain_line(self, now: float) -> str:
        t = self.tally
        rate = t.done / max(now - t.started, 1e-9)
        left = (t.total - t.done) / rate if rate else 0
        return f"{t.done}/{t.total} 份，{rate:.1f} 份/秒，预计还需{left:.0f}秒，失败{t.failed}份"


def _live_bar(stream: TextIO) -> Progress:
    # rich is imported here, for a terminal only: a batch run from a script or CI never
    # draws the bar, and the import is a twentieth of the command's start-up.
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:.1f} 份/秒" if speed else "– 份/秒")

    return Progress(
        TextColumn("gipr"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("剩余"),
        TimeRemainingColumn(),
        TextColumn("[red]失败 {task.fields[failed]}"),
        console=Console(file=stream),
        transient=True,
    )
