"""The workspace: accepted waves on disk (parquet), their history, and the manifest.

See :mod:`evaluate.workspace.core` for the layout, :mod:`~evaluate.workspace.store`
for how a change is made all-or-nothing, and :mod:`~evaluate.workspace.history`
for replacing, undoing and removing imports.
"""

from evaluate.workspace.core import (
    CONFIG_NAME,
    DEFAULT_WAVES,
    StoreOutcome,
    Workspace,
    safe_label,
)

__all__ = ["Workspace", "StoreOutcome", "CONFIG_NAME", "DEFAULT_WAVES", "safe_label"]
