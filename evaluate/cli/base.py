"""What every command shares: the group, the error handling, the options.

Nothing here imports pandas or the rest of the analysis stack: ``evaluate
--help`` loads only this and click. Commands import what they need inside
their own bodies.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from evaluate import __version__
from evaluate.errors import (
    EvaluateError,
    InstrumentError,
    WorkspaceError,
)

__all__ = [
    "cli", "DataProblem", "UsageProblem", "friendly", "echo",
    "workspace_option", "workspace_argument", "strict_option", "instruments_dir_option",
    "quiet_option", "show_names_option", "export_options",
]

USAGE_ERRORS = (InstrumentError, WorkspaceError)


class DataProblem(click.ClickException):
    """A problem with the data (exit 1)."""

    exit_code = 1


class UsageProblem(click.ClickException):
    exit_code = 2


def friendly(func):
    """Turn our own errors into plain messages with the right exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except USAGE_ERRORS as exc:
            raise UsageProblem(str(exc)) from None
        except EvaluateError as exc:
            raise DataProblem(str(exc)) from None
        except click.ClickException:
            raise
        except BrokenPipeError:  # output piped into `head` and closed: not an error
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        except OSError as exc:  # the disk, not the data: say which file, why, and what to do
            raise DataProblem(_disk_problem(exc)) from None
        except Exception as exc:  # a bug of ours: say so plainly, no traceback by default
            if os.environ.get("EVALUATE_DEBUG"):
                raise
            raise DataProblem(
                f"evaluate hit an internal error ({type(exc).__name__}: {exc}). Your files were "
                "not changed. Please report this, with the command you ran; set EVALUATE_DEBUG=1 "
                "to see the technical details."
            ) from None

    return wrapper


#: Commands whose changes to a workspace are all or nothing (a transaction each).
_WORKSPACE_CHANGES = {"ingest", "init", "undo", "remove", "restore", "repair"}


def _disk_problem(exc: OSError) -> str:
    """A failure of the file system in words: which file, why, what to do, and what it left.

    Says the workspace is unchanged only for commands that change one all or
    nothing; for the others, names the output folder when there is one.
    """
    from evaluate.workspace.files import explain_os_error

    ctx = click.get_current_context(silent=True)
    params = ctx.params if ctx is not None else {}
    out = params.get("out")
    where = exc.filename or exc.filename2 or (f"a file in {out}" if out else None)
    said = explain_os_error(exc, where or "a file it was writing", "finish")
    said = said[0].upper() + said[1:] + "."
    if ctx is not None and ctx.info_name in _WORKSPACE_CHANGES:
        said += (" Any change to a workspace is all or nothing, so the workspace is as it was "
                 "before this command.")
    return said


# ------------------------------------------------------------------ shared options
def workspace_option(func):
    return click.option(
        "--workspace", "-w", "workspace", type=click.Path(file_okay=False, path_type=Path),
        default=lambda: os.environ.get("EVALUATE_WORKSPACE", "."), show_default="current folder",
        help="The workspace folder (made with `evaluate init`).",
    )(func)


def workspace_argument(func):
    """The WORKSPACE argument of commands that read a workspace."""
    return click.argument("workspace", type=click.Path(exists=True, file_okay=False,
                                                       path_type=Path))(func)


def strict_option(func):
    return click.option("--strict", is_flag=True,
                        help="Exit with code 1 if any problem is found (for scripts and CI).")(func)


def instruments_dir_option(func):
    return click.option(
        "--instruments", "instruments_dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
        help="Folder of instrument files to use (default: the workspace's, or the shipped ones).",
    )(func)


def quiet_option(func):
    return click.option("--quiet", "-q", is_flag=True, help="Print only problems and errors.")(func)


def show_names_option(func):
    return click.option("--show-names", is_flag=True,
                        help="Show names and emails in problems on screen.")(func)


def export_options(func):
    for decorator in reversed([
        click.option("--instrument", "-i", required=True,
                     help="Which instrument the export answers, as ID@VERSION (e.g. baseline@1)."),
        click.option("--cohort", "-c", required=True, help="Cohort id, e.g. c1."),
        click.option("--wave", required=True,
                     help="Wave (time point), e.g. baseline, day1, end, follow_up."),
        click.option("--sheet", default=None, help="Sheet to read in an xlsx (default: the responses sheet)."),
        click.option("--platform", type=click.Choice(
            ["microsoft_forms", "google_forms", "qualtrics", "surveymonkey", "plain"]),
            default=None, help="Skip detection and read the export as this platform's layout."),
        click.option("--keep-preview", is_flag=True,
                     help="Keep Qualtrics survey-preview (test) responses."),
        click.option("--keep-incomplete", is_flag=True,
                     help="Keep unfinished responses."),
        click.option("--dates", type=click.Choice(["day-first", "month-first"]), default=None,
                     help="How the export writes dates such as 9/1/2025, when the file cannot "
                          "tell (US accounts: month-first; UK accounts: day-first)."),
    ]):
        func = decorator(func)
    return func


def echo(msg: str = "", quiet: bool = False, err: bool = False) -> None:
    """Print ``msg`` unless ``quiet``."""
    if not quiet:
        click.echo(msg, err=err)


# ------------------------------------------------------------------ the group
@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="evaluate")
def cli():
    """What's the evidence? Evaluate a leadership programme from its survey exports.

    \b
    Typical use:
      evaluate demo                       try everything on the bundled sample data
      evaluate init my-programme --roster roster.csv
      evaluate validate baseline.xlsx -i baseline@1 -c c1 --wave baseline
      evaluate ingest baseline.xlsx -w my-programme -i baseline@1 -c c1 --wave baseline
      evaluate analyse my-programme --out results/
      evaluate report my-programme --out reports/2026/

    Run `evaluate COMMAND --help` for the details of each command.
    """
