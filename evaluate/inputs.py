"""Limits on every file a person hands us: regular files only, sizes and YAML bounded.

A survey export, a roster or an instrument is opened only when it is a
regular file: a named pipe would make the read wait for ever, and a link to
``/dev/zero`` would fill the memory. Text is read only up to a stated size,
and YAML (instruments, the programme, the codebook) only when its nesting and
its anchors stay small: a "billion laughs" file, a few hundred bytes that
expand to billions of values through anchors and aliases, is refused before
anything is built from it.

Each check returns or raises with a plain sentence; the callers add the file
name and the kind of error (:class:`~evaluate.errors.ReadError`,
:class:`~evaluate.errors.InstrumentError`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import yaml

from evaluate.errors import InstrumentError

__all__ = [
    "MAX_YAML_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_VALUES",
    "env_megabytes",
    "max_text_export_bytes",
    "not_a_regular_file",
    "read_limited",
    "yaml_problem",
    "load_yaml",
    "size_words",
]

#: Instrument, programme and codebook files are a few kilobytes; this is generous.
MAX_YAML_BYTES = 2 * 1024 * 1024
#: Deepest nesting of lists and mappings a YAML file may use.
MAX_YAML_DEPTH = 32
#: Most values a YAML file may hold once its aliases are expanded.
MAX_YAML_VALUES = 200_000
#: Largest text export read, in MB (override: ``EVALUATE_MAX_TEXT_EXPORT_MB``).
DEFAULT_TEXT_EXPORT_MB = 512


def env_megabytes(name: str, default_mb: float) -> int:
    """A size limit in bytes from the environment variable ``name`` (in MB), else the default.

    >>> env_megabytes("EVALUATE_NO_SUCH_LIMIT", 2)
    2097152
    """
    text = os.environ.get(name, "")
    try:
        mb = float(text) if text.strip() else default_mb
    except ValueError:
        mb = default_mb
    return int((mb if mb > 0 else default_mb) * 1024 * 1024)


def max_text_export_bytes() -> int:
    """Largest csv/tsv/txt export read (``EVALUATE_MAX_TEXT_EXPORT_MB``, default 512 MB)."""
    return env_megabytes("EVALUATE_MAX_TEXT_EXPORT_MB", DEFAULT_TEXT_EXPORT_MB)


def size_words(n: int) -> str:
    """``size_words(3 * 1024 ** 2)`` → ``"3.0 MB"``.

    >>> size_words(2 * 1024 * 1024), size_words(512 * 1024 * 1024), size_words(300)
    ('2.0 MB', '512 MB', '300 bytes')
    """
    for unit, scale in (("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            value = n / scale
            return f"{value:,.0f} {unit}" if value >= 10 else f"{value:,.1f} {unit}"
    return f"{n} bytes"


def not_a_regular_file(path: str | Path) -> str | None:
    """What is wrong with ``path`` as a file to read, or None when it is a regular file.

    Links are followed: a link to a regular file is fine, a link to a device is not.

    >>> not_a_regular_file("/dev/zero")
    'is a device (/dev/zero), not a file'
    >>> not_a_regular_file("pyproject.toml") is None
    True
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "does not exist (or is a link to a file that is gone)"
    except OSError as exc:
        return f"cannot be looked at ({exc.strerror or exc})"
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe, not a file (reading it would wait for ever)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return f"is a device ({os.path.realpath(path)}), not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    return "is not a regular file"


def read_limited(path: str | Path, limit: int) -> bytes | None:
    """The bytes of a regular file, or None when it holds more than ``limit`` bytes.

    The size is checked before reading and again while reading (a file that
    grows as it is read is caught too); never more than ``limit + 1`` bytes
    are held.
    """
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size > limit:
            return None
        data = fh.read(limit + 1)
    return None if len(data) > limit else data


def yaml_problem(text: str, loader=None) -> str | None:
    """Why a YAML text must not be built into objects, or None when it is safe.

    Walks the parser's events (no objects are built, no recursion) counting
    nesting depth and the values the document would hold with every alias
    expanded; refuses beyond :data:`MAX_YAML_DEPTH` and :data:`MAX_YAML_VALUES`.
    Syntax errors are left to the loader, which reports their line.

    >>> yaml_problem("a: [1, 2, {b: 3}]") is None
    True
    >>> laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\\n" + "".join(
    ...     f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\\n"
    ...     for p, c in zip("abcdefg", "bcdefgh"))
    >>> yaml_problem(laughs)[:40]
    'uses anchors (&) and aliases (*) that wo'
    """
    loader = loader or getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    sizes: dict[str, int] = {}
    stack: list[list] = [[None, 0]]  # [anchor, values so far] per open list or mapping
    total = 0  # the values of every frame on the stack (a closed frame's join its parent's)
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                stack.append([event.anchor, 1])
                total += 1
                if len(stack) - 1 > MAX_YAML_DEPTH:
                    return (f"nests lists and mappings more than {MAX_YAML_DEPTH} deep "
                            f"(line {event.start_mark.line + 1})")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                anchor, count = stack.pop()
                if anchor is not None:
                    sizes[anchor] = count
                stack[-1][1] += count
                continue  # the total is unchanged
            elif isinstance(event, yaml.ScalarEvent):
                if event.anchor is not None:
                    sizes[event.anchor] = 1
                stack[-1][1] += 1
                total += 1
            elif isinstance(event, yaml.AliasEvent):
                size = sizes.get(event.anchor, 1)
                stack[-1][1] += size
                total += size
            else:
                continue
            if total > MAX_YAML_VALUES:
                return (f"uses anchors (&) and aliases (*) that would expand to more than "
                        f"{MAX_YAML_VALUES:,} values")
    except yaml.YAMLError:
        return None
    return None


def load_yaml(path: str | Path, *, what: str = "instrument file", loader=None,
              shown: str | None = None):
    """Load a small YAML file a person wrote, or say plainly why it cannot be used.

    Parameters
    ----------
    path : str or Path
        The file.
    what : str
        What the file is, for messages (``"instrument file"``, ``"codebook"``).
    shown : str, optional
        How messages name the file (default: its name).
    loader : yaml Loader class, optional
        Default: PyYAML's safe loader (the C one when available).

    Raises
    ------
    evaluate.errors.InstrumentError
        When the file is missing, not a regular file, over :data:`MAX_YAML_BYTES`,
        binary or not UTF-8 text, not valid YAML (with the line), nested too
        deep, or built to expand through aliases; each message names the file
        and the fix.
    """
    path = Path(path)
    loader = loader or getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    name = shown or path.name
    a_what = ("an " if what[:1] in "aeiou" else "a ") + what
    if not path.exists():
        raise InstrumentError(f"{name}: no such {what} — check the name and folder")
    problem = not_a_regular_file(path)
    if problem:
        raise InstrumentError(f"{name} {problem} — {a_what} is a small YAML text file; "
                              "move or rename what is there, or give the right path")
    try:
        data = read_limited(path, MAX_YAML_BYTES)
    except OSError as exc:
        raise InstrumentError(f"{name}: cannot be read ({exc.strerror or exc}) — check that you "
                              "may read it") from None
    if data is None:
        raise InstrumentError(
            f"{name}: is {size_words(path.stat().st_size)}, far more than any {what} "
            f"(at most {size_words(MAX_YAML_BYTES)}) — check that it is the right file")
    if b"\x00" in data:
        raise InstrumentError(f"{name}: holds binary data, not text, so it is not {a_what} — "
                              "replace it with the YAML file (the project's instruments/ folder "
                              "has a copy of each shipped one)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InstrumentError(
            f"{name}: is not UTF-8 text (byte {exc.start} cannot be read) — open it in a text "
            "editor and save it as UTF-8") from None
    problem = yaml_problem(text, loader)
    if problem:
        raise InstrumentError(f"{name}: {problem} — write the values out in full ({a_what} "
                              "needs no anchors or deep nesting)")
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        detail = getattr(exc, "problem", None) or str(exc)
        raise InstrumentError(
            f"{name}{where}: this is not valid YAML ({detail}) — check the indentation "
            "and that text containing ':' is in quotes") from None
    except RecursionError:
        raise InstrumentError(f"{name}: nests too deep to read — simplify it") from None
