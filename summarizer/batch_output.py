"""The JSONL file a batch appends to: locked, repaired, resumed and kept to one row per article.

A batch may be killed at any moment and run again, and a user may start a second run on the
same file by mistake. So:

* a run holds an exclusive lock (`flock`) on its output for as long as it writes; a second
  run on the same file is refused with one line instead of writing every article twice;
* a torn last line (a run killed mid-write) is cut off before anything is appended;
* the newest row of an article is the one that counts: an article whose newest row is a
  summary is done, one whose newest row is an error is tried again. When the run ends (or is
  interrupted) the file is compacted to one row per article, the newest, so a retried
  article leaves no stale error row beside its summary;
* a device, a pipe or a terminal (`-o /dev/stdout`) is written in place: it cannot be read
  back, locked or compacted, so there is no resuming there (and no hang reading it);
* a write that fails (a full disk, `/dev/full`) stops the run with an `OutputError`.

Memory stays bounded by the number of articles, never the size of the file: compaction reads
the file twice instead of holding it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from summarizer.errors import OutputError
from summarizer.output import describe_os_error, kind


def row_id(line: str | bytes) -> tuple[str | None, bool] | None:
    """(article id, is a summary) of one output line; None when the line is not a row."""
    try:
        row = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if not isinstance(row, dict):
        return None
    article = row.get("article")
    if isinstance(article, dict) and isinstance(article.get("id"), str):
        return article["id"], "error" not in row
    if "error" in row:
        return (row["id"] if isinstance(row.get("id"), str) else None), False
    return None


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        yield from enumerate(handle)


def newest_rows(path: Path) -> tuple[dict[str, tuple[int, bool]], int]:
    """For each article id, (line number of its newest row, that row is a summary); and how
    many lines are not rows (unreadable)."""
    newest: dict[str, tuple[int, bool]] = {}
    unreadable = 0
    for number, line in _lines(path):
        if not line.strip():
            continue
        found = row_id(line)
        if found is None:
            unreadable += 1
            continue
        article_id, ok = found
        if article_id is not None:
            newest[article_id] = (number, ok)
    return newest, unreadable


def done_ids(output: Path) -> set[str]:
    """Ids whose newest row in `output` is a summary (failed articles are tried again)."""
    if kind(output) != "regular":
        return set()
    newest, _ = newest_rows(output)
    return {article_id for article_id, (_, ok) in newest.items() if ok}


def repair_torn_tail(handle: TextIO, path: Path) -> bool:
    """Cut a last line that has no newline (a killed run's half row); True when one was cut."""
    with path.open("rb") as reader:
        size = reader.seek(0, os.SEEK_END)
        if size == 0:
            return False
        reader.seek(size - 1)
        if reader.read(1) == b"\n":
            return False
        # walk back to the previous newline, in blocks
        position = size
        while position > 0:
            step = min(65536, position)
            reader.seek(position - step)
            block = reader.read(step)
            cut = block.rfind(b"\n")
            if cut >= 0:
                position = position - step + cut + 1
                break
            position -= step
    handle.flush()
    os.truncate(path, position)
    handle.seek(0, os.SEEK_END)
    return True


def compact(path: Path) -> int:
    """Rewrite `path` with one row per article (its newest), in the order rows were written,
    dropping unreadable lines; returns how many lines were dropped. Atomic: a temporary file
    renamed over the output, with the output's mode."""
    newest, _ = newest_rows(path)
    keep = {number for number, _ in newest.values()}
    total = 0
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.resolve().parent)
    try:
        with os.fdopen(fd, "wb") as out:
            for number, line in _lines(path):
                if not line.strip():
                    continue
                total += 1
                if number in keep:
                    out.write(line if line.endswith(b"\n") else line + b"\n")
        os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path.resolve())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return total - len(keep)


@dataclass
class BatchOutput:
    """The open output of one run: `write` appends a row; `close` compacts and unlocks."""

    path: Path
    handle: TextIO
    regular: bool
    notes: list[str] = field(default_factory=list)

    def write(self, row: str) -> None:
        """Append one row and flush it, so a killed run keeps every finished row."""
        try:
            self.handle.write(row if row.endswith("\n") else row + "\n")
            self.handle.flush()
        except OSError as exc:
            raise OutputError(describe_os_error(self.path, exc)) from None

    def close(self, *, compact_rows: bool = True) -> None:
        try:
            if self.regular and compact_rows:
                self.handle.flush()
                dropped = compact(self.path)
                if dropped:
                    self.notes.append(
                        f"{self.path}: kept the newest row of each article ({dropped} older dropped)"
                    )
        except OSError as exc:
            self.notes.append(f"{self.path} was not compacted: {exc.strerror or exc}")
        finally:
            with contextlib.suppress(OSError):  # a full device refuses the last flush again
                self.handle.close()  # closing releases the lock


def _open_locked(path: Path) -> TextIO:
    """The file opened for appending (created with the umask's mode), exclusively locked."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o666)  # the umask applies
        handle = os.fdopen(fd, "a", encoding="utf-8")
    except OSError as exc:
        raise OutputError(describe_os_error(path, exc)) from None
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise OutputError(
            f"{path} is being written by another batch run: wait for it to finish, or choose another -o"
        ) from None
    return handle


def open_output(path: Path) -> BatchOutput:
    """Open (create) the output for appending: locked, its torn tail cut. Raises OutputError
    for a folder, a file another run is writing, or a file that cannot be opened."""
    found = kind(path)
    if found == "folder":
        raise OutputError(f"cannot write {path}: it is a folder; name a file")
    if found == "special":
        try:
            return BatchOutput(path, open(path, "w", encoding="utf-8"), regular=False)
        except OSError as exc:
            raise OutputError(describe_os_error(path, exc)) from None
    while True:
        handle = _open_locked(path)
        try:  # a run that just finished may have compacted the file: lock the file now there
            if os.fstat(handle.fileno()).st_ino == os.stat(path).st_ino:
                break
        except FileNotFoundError:
            pass
        handle.close()
    output = BatchOutput(path, handle, regular=True)
    if repair_torn_tail(handle, path):
        output.notes.append(f"{path}: cut a torn last line left by an interrupted run")
    return output
