"""The one way out to the terminal: everything a command prints passes ``visible_lines``.

The views already show each name through ``visible``; this is the last line of defence, so
that text no view thought of (a message, a path, a name from an import) cannot act on the
terminal either. It is light on purpose: ``sleepplan plan`` imports it at every start.

The one exception is data: an export written to a file or a pipe is a backup and passes byte
for byte. Shown on a terminal, it is made visible like everything else.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO, cast

from sleepplan.core.visible import json_escaped, visible_lines


class VisibleWriter(io.TextIOBase):
    """A text stream that shows every control and hidden character it is given (newlines stay)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def writable(self) -> bool:
        """Always: it is an output stream."""
        return True

    def write(self, text: str) -> int:
        """Write ``text`` as ``visible_lines`` shows it."""
        self.stream.write(visible_lines(text))
        return len(text)

    def flush(self) -> None:
        """Flush the wrapped stream."""
        self.stream.flush()

    def isatty(self) -> bool:
        """Whether the wrapped stream is a terminal."""
        return self.stream.isatty()


def data_passes_unchanged(stream: TextIO) -> bool:
    """Whether data (an export) may go to ``stream`` as it is: only when it is not a terminal.

    A file or a pipe gets the exact bytes (it is a backup, and escaping would change it); a
    terminal would act on them, so there the data is made visible like any other text.
    """
    return not stream.isatty()


@contextmanager
def one_way_out(*, stdout_is_data: bool = False) -> Iterator[None]:
    """Route ``sys.stdout`` and ``sys.stderr`` through ``VisibleWriter`` while a command runs.

    Args:
        stdout_is_data: the command writes data (an export) to stdout; it then passes unchanged
            where ``data_passes_unchanged`` says so. Messages on stderr are always made visible.
    """
    saved = sys.stdout, sys.stderr
    if not (stdout_is_data and data_passes_unchanged(sys.stdout)):
        sys.stdout = cast(TextIO, VisibleWriter(sys.stdout))
    sys.stderr = cast(TextIO, VisibleWriter(sys.stderr))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def json_text(data: object) -> str:
    r"""``data`` as indented JSON in which every hidden character is a ``\u`` escape."""
    return json_escaped(json.dumps(data, indent=2, ensure_ascii=False))
