"""Where results go: one rule for what may be replaced, what is written in place, and file modes.

The rules (the README's "Output files" says the same):

* a regular file, or a path that does not exist yet, is written atomically (a temporary file
  renamed over it), so a failed run never leaves half a file;
* anything else that exists (a terminal, `/dev/stdout`, `/dev/null`, a pipe, a device) is
  written in place: it is the user's, and renaming a file over it would destroy it;
* a folder is refused with one line;
* file modes follow the umask, as any other program's new files do; a replaced file keeps the
  mode it had (and `batch -o` appends, so its file keeps its mode too).

Every failure is an `OutputError`: one line, never a traceback.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from summarizer.errors import OutputError


def describe_os_error(path: Path | str, exc: OSError) -> str:
    """`exc` said in one line that names `path`."""
    if isinstance(exc, IsADirectoryError) or exc.errno == errno.EISDIR:
        return f"cannot write {path}: it is a folder; name a file"
    if isinstance(exc, PermissionError):
        return f"cannot write {path}: permission denied"
    if isinstance(exc, NotADirectoryError):
        return f"cannot write {path}: a part of its folder path is a file"
    return f"cannot write {path}: {exc.strerror or exc}"


def current_umask() -> int:
    """The process's umask (read by setting and restoring it: there is no getter)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def kind(path: Path) -> str:
    """'missing', 'regular', 'folder', or 'special' (device, pipe, terminal, socket).

    Symbolic links are followed: `/dev/stdout` is special, a link to a file is regular.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        raise OutputError(describe_os_error(path, exc)) from None
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "regular"
    return "special"


def write_in_place(content: str, path: Path) -> None:
    """Write to a device, pipe or terminal as it is (no rename, no truncation of a file)."""
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(content)
    except OSError as exc:
        raise OutputError(describe_os_error(path, exc)) from None


def replace_atomically(content: str, path: Path) -> None:
    """Write a regular file (or a new one) through a temporary file renamed over it."""
    target = path.resolve()  # a link to a file: the file is replaced, the link stays
    try:
        previous = os.stat(target).st_mode if target.exists() else None
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise OutputError(describe_os_error(path, exc)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        mode = stat.S_IMODE(previous) if previous is not None else 0o666 & ~current_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(describe_os_error(path, exc)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def refuse_input(output: Path | None, source: str) -> None:
    """Refuse `-o` naming the article being read: replacing it would destroy the input."""
    if output is None or source == "-" or str(output) == "-":
        return
    try:
        same = os.path.samefile(source, output)
    except OSError:
        return
    if same and kind(output) == "regular":
        raise OutputError(f"cannot write {output}: it is the article being read; name another file")


def write_text(content: str, path: Path) -> None:
    """Write `content` (ending in a newline) to `path` by the module's rules."""
    content = content if content.endswith("\n") else content + "\n"
    found = kind(path)
    if found == "folder":
        raise OutputError(f"cannot write {path}: it is a folder; name a file")
    if found == "special":
        write_in_place(content, path)
    else:
        replace_atomically(content, path)
