"""The `evaluate` command: a thin layer over the library, written for programme leads.

One module per concept: :mod:`~evaluate.cli.base` (the group, error handling,
shared options), :mod:`~evaluate.cli.design` (instruments, logic model,
schemas, publishing), :mod:`~evaluate.cli.imports` (validate, ingest),
:mod:`~evaluate.cli.workspace` (init, status, check, repair, history, undo,
remove, restore), :mod:`~evaluate.cli.results` (analyse, report,
export-network, demo), :mod:`~evaluate.cli.stories` (stories select, record,
rounds), :mod:`~evaluate.cli.app` (app, corrections) and
:mod:`~evaluate.cli.progress` (progress bars), :mod:`~evaluate.cli.collector` (the
cycle collector while a command imports its libraries). A new
command goes in the module of its concept, decorated ``@cli.command(...)``.

Only click is imported to build the commands: each command imports the
library it needs when it runs, so ``evaluate --help`` starts quickly.

Exit codes: 0 fine; 1 data problems (always when a file cannot be used,
and for any problem under --strict); 2 a usage mistake (wrong option, no
such workspace or instrument).
"""

from __future__ import annotations

# importing the command modules registers their commands on the group
from evaluate.cli import app, design, imports, results, stories, workspace  # noqa: F401
from evaluate.cli.base import DataProblem, UsageProblem, cli

__all__ = ["cli", "main", "DataProblem", "UsageProblem"]


def main() -> None:  # pragma: no cover - console script entry point
    """Run the ``evaluate`` command."""
    from evaluate.cli.collector import command_process

    command_process()  # the cycle collector set for one command's process (see the module)

    from evaluate import igraph_import

    igraph_import.HIDE_MATPLOTLIB = True  # our own process: no drawings through igraph
    cli(prog_name="evaluate")

