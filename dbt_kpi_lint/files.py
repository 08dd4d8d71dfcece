"""Reading a user's file without hanging on it, and writing one without leaving it half-written."""

from __future__ import annotations

import errno
import math
import os
import stat
import sys
import tempfile
from pathlib import Path

MEBIBYTE = 1024 * 1024
# Far beyond a hand-written schema or configuration file. 2 MiB of metric YAML took 1.2 s and 77 MB
# to parse here, so a file at the bound costs some 5 s and 300 MB, not the machine's memory.
MAX_TEXT_FILE_BYTES = 8 * MEBIBYTE
# Python refuses to turn longer integers into text or back (its int-string limit, 4,300 digits).
TOO_MANY_DIGITS = f"an integer of more than {getattr(sys, 'get_int_max_str_digits', lambda: 4300)() or 4300:,} digits"
# A FIFO opened without O_NONBLOCK blocks until a writer appears; a regular file ignores the flag.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class NotARegularFile(OSError):
    """A FIFO, a device (`/dev/zero`) or a socket where a file was expected: never read."""

    def __init__(self, path: Path) -> None:
        super().__init__(errno.EINVAL, "not a regular file (a FIFO, a device or a socket)", str(path))


class FileTooLarge(OSError):
    """A regular file beyond the bound its reader allows."""

    def __init__(self, path: Path, size: int, max_bytes: int) -> None:
        self.size, self.max_bytes = size, max_bytes
        super().__init__(errno.EFBIG, f"{megabytes(size)}, more than the {megabytes(max_bytes)} it may hold", str(path))


def megabytes(size: int) -> str:
    """`8 MB`, or `8.1 MB` rounded up: a file just past a bound never reads as the bound itself."""
    return f"{math.ceil(size * 10 / MEBIBYTE) / 10:.1f} MB" if size % MEBIBYTE else f"{size // MEBIBYTE} MB"


def read_regular_file(path: Path, max_bytes: int = MAX_TEXT_FILE_BYTES) -> bytes:
    """The bytes of the regular file at `path` (symlinks followed), if it holds at most `max_bytes`.

    Anything else is an OSError whose `strerror` says why. A path that `stat` shows to be a device
    is never opened (opening one can have effects), and no file is read past the bound.
    """
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise NotARegularFile(path)
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        status = os.fstat(descriptor)  # the path may have been replaced since the stat above
        if not stat.S_ISREG(status.st_mode):
            raise NotARegularFile(path)
        if status.st_size > max_bytes:
            raise FileTooLarge(path, status.st_size, max_bytes)
        content = os.read(descriptor, status.st_size + 1)
        if len(content) > status.st_size:  # it grew since fstat: one more read tells if past the bound
            content += os.read(descriptor, max_bytes + 1 - len(content))
            if len(content) > max_bytes:
                raise FileTooLarge(path, len(content), max_bytes)
        return content
    finally:
        os.close(descriptor)


def parse_error_text(error: ValueError) -> str:
    """What a parser's ValueError says; for an integer literal past Python's limit, in a user's words.

    Python's own text advises `sys.set_int_max_str_digits()`, which no user of a linter can act on.
    """
    return TOO_MANY_DIGITS if "integer string conversion" in str(error) else str(error)


def read_regular_text(path: Path, max_bytes: int = MAX_TEXT_FILE_BYTES) -> str:
    """`read_regular_file` decoded as UTF-8 (UnicodeDecodeError when it is not)."""
    return read_regular_file(path, max_bytes).decode("utf-8")


def write_atomically(path: Path, text: str) -> None:
    """Write UTF-8 text through a temporary file in the same directory, then rename it over `path`."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: Path, content: bytes) -> None:
    """Write through a temporary file in the same directory, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
