"""The dashboard's templates compiled once and kept between runs (Jinja2's bytecode cache).

A module of its own so that Jinja2 is loaded only where a page is drawn
(:func:`evaluate.report.page.environment`): ``evaluate analyse`` builds the
report's tables from a :class:`~evaluate.report.page.Page` without drawing it.
"""

from __future__ import annotations

import contextlib

import jinja2
import jinja2.bccache

__all__ = ["CompiledTemplates", "compiled_templates"]


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled once and kept between runs, in the user's own folder of the system's
    temporary directory (Jinja2's default: mode 700, checked); each is keyed by its source's
    checksum, so an edited template is compiled again. A cache that cannot be read or written
    is passed over: the template is compiled as if there were none."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - a damaged cache file is only a missed cache
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def compiled_templates() -> jinja2.BytecodeCache | None:
    """The cache in the user's temporary folder; None where there is none of our own
    (each template is then compiled every time)."""
    try:
        return CompiledTemplates()
    except (OSError, RuntimeError):
        return None
