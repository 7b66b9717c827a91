"""Commands that compute and present the evidence: analyse, report, export-network, demo."""

from __future__ import annotations

from pathlib import Path

import click

from evaluate.cli.base import UsageProblem, cli, echo, friendly, quiet_option, workspace_argument
from evaluate.cli.progress import progress_bar

__all__ = ['analyse_cmd', 'export_network_cmd', 'report_cmd', 'demo_cmd']


def _keep_report_tables(ws, results, context: dict, key: dict, tables: dict, books: dict,
                        csv_dir: Path) -> None:
    """Write the report's tables.xlsx and csv tables from the results just stored and keep
    them with them: `evaluate report` copies them (the analysis computes, the report draws).

    ``tables`` and ``books``: the report's tables and their workbook form, computed once for
    analysis.xlsx too; ``csv_dir``: where the analysis tables were just written as csv (the
    report's csv file of an analysis table is the same file, copied)."""
    import tempfile

    from evaluate.analysis import keep_csv_tables, keep_workbook
    from evaluate.report.analysis_book import from_results
    from evaluate.report.build import write_csv_tables, write_tables_workbook

    with tempfile.TemporaryDirectory(prefix="evaluate-tables-") as tmp:
        path = write_tables_workbook(results, context, books, Path(tmp) / "tables.xlsx")
        keep_workbook(ws, path, key, "tables.xlsx")
        written = {name: csv_dir / f"{name}.csv" for name in from_results(tables, results)}
        keep_csv_tables(ws, write_csv_tables(tables, Path(tmp) / "tables", written=written), key)


@cli.command("analyse", short_help="Compute the evidence: pre/post change, reliability, network growth.")
@workspace_argument
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the result tables (one csv each, and analysis.xlsx).")
@quiet_option
@friendly
def analyse_cmd(workspace, out, quiet):
    """Compute the evidence: pre/post change, reliability, attrition, network growth.

    Writes one csv per table and analysis.xlsx (every table but those with one
    row per person, which stay csv files). The same workspace always gives
    byte-identical tables. The results, analysis.xlsx and the report's
    tables.xlsx are also kept in the workspace, for `evaluate report` to use.

    Example: evaluate analyse my-programme --out results/
    """
    from evaluate.concurrency import beside_process, by_name, spare_core, warm

    with beside_process(spare_core()) as run:  # the network analyses meanwhile, on another core
        network = run(by_name, "evaluate.analysis.network_tables", workspace)
        # analysis.xlsx is written there too: its writer loads while the statistics are computed
        run(warm, "evaluate.report.analysis_book", "evaluate.report.xlsx")
        from evaluate.analysis import analyse_for_report, keep_workbook
        from evaluate.cli.allocator import return_freed_memory
        from evaluate.report.analysis_book import (
            report_tables,
            workbook_tables,
            write_analysis_workbook,
        )
        from evaluate.report.results_files import left_out_of_workbook, write_results
        from evaluate.workspace import Workspace
        from evaluate.workspace.results import results_key

        return_freed_memory()  # arrays freed go back to the system: the peak at national scale
        ws = Workspace.open(workspace)
        ws.require_imports("analyse")
        with progress_bar("analyse", quiet) as progress:
            key = results_key(ws.path)
            results, context = analyse_for_report(ws, progress=progress, network=network,
                                                  process=run)
            tables = report_tables(results, context)  # once, for analysis.xlsx and the report's
            books = workbook_tables(tables)
            out.mkdir(parents=True, exist_ok=True)
            book = run(write_analysis_workbook, books, out / "analysis.xlsx", context)
            paths = write_results(results, out, context=context, progress=progress, books=books,
                                  workbook=False)  # the csv tables and tables.xlsx meanwhile
            _keep_report_tables(ws, results, context, key, tables, books, out)
            paths.append(book.result())
            keep_workbook(ws, out / "analysis.xlsx", key)  # `evaluate report` copies it
    echo(f"Wrote {len(results)} tables to {out}/ (one csv each, and analysis.xlsx).", quiet)
    left_out = left_out_of_workbook(results)
    if left_out:
        echo("Not in analysis.xlsx, or not all of it:", quiet)
        for line in left_out:
            echo(f"  - {line}", quiet)
    claims = results.get("claims")
    if claims is not None and not claims.empty and not quiet:
        # the closing summary renders the claims ledger, as the dashboard does
        heads = claims[(claims["section"] == "overview") & claims["role"].isin(["headline", "network"])]
        if len(heads):
            click.echo("\nHeadlines:")
            for c in heads.itertuples(index=False):
                click.echo(f"  - {c.label}. {c.text}" if c.label else f"  - {c.text}")
    return paths


@cli.command("export-network", short_help="Write people and ties for Kumu, Polinode or as csv.")
@workspace_argument
@click.option("--format", "fmt", type=click.Choice(["kumu", "polinode", "csv"]), default="csv",
              show_default=True, help="Layout to write: Kumu or Polinode import sheets, or plain csv.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("network-export"),
              show_default=True, help="Folder to write into.")
@quiet_option
@friendly
def export_network_cmd(workspace, fmt, out, quiet):
    """Write people and ties for Kumu, Polinode or as csv (pseudonymous ids only).

    Example: evaluate export-network my-programme --format kumu --out network/
    """
    from evaluate.interchange import export_network
    from evaluate.workspace import Workspace

    ws = Workspace.open(workspace)
    ws.require_imports("export")
    paths = export_network(ws, out, fmt)
    for p in paths:
        echo(f"Wrote {p}", quiet)


@cli.command("report", short_help="Write the offline dashboard, the tables and a board paper.")
@workspace_argument
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for dashboard.html, tables.xlsx, analysis.xlsx and the csv tables.")
@click.option("--pdf", "pdf", is_flag=True,
              help="Also print the board paper, evidence.pdf (A4 landscape), with the "
                   "system's Chromium.")
@click.option("--docx", "docx", is_flag=True,
              help="Also write evaluation-report.docx: an editable Word draft (evidence per aim, "
                   "contribution analysis, stories of change, charts with their numbers, "
                   "methods) to finish in Word.")
@click.option("--personal", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write a personal 'my connections' page for each participant into "
                   "this folder (outside the report folder and the workspace), with index.csv "
                   "saying whose each page is.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None,
              help="With --personal: the roster file with names (default: the one the "
                   "workspace was made with).")
@quiet_option
@friendly
def report_cmd(workspace, out, pdf, docx, personal, roster, quiet):
    """Write the impact dashboard (one offline HTML file) and the tables.

    Uses the results `evaluate analyse` stored in the workspace when nothing
    has changed since; otherwise computes them (and says why).

    With --pdf, also the board paper evidence.pdf: the evidence cards on page 1,
    every chart whole on its page, page numbers, date and version in the footer.

    With --docx, also evaluation-report.docx: a Word draft for the evaluator to
    finish (the evidence per aim, the contribution analysis, the stories the
    panels chose, every chart with its numbers, methods and limitations), its
    figures from the same tables as the dashboard.

    With --personal DIR, also one page per participant who answered the
    network survey at the start and the end: the people they named, their
    new ties across boundaries and their part in linking people, beside their
    cohort's figures. Each page names only the people that person named;
    the pages and index.csv stay in DIR, apart from the report.

    Example: evaluate report my-programme --out reports/2026/ --pdf --docx
    """
    from evaluate.analysis import stored_results
    from evaluate.report.build import quotes_note, report_workspace
    from evaluate.workspace import Workspace

    ws = Workspace.open(workspace)
    ws.require_imports("report on")
    if roster is not None and personal is None:
        raise UsageProblem("--roster is used only with --personal DIR (the personal pages)")
    if personal is not None:
        from evaluate.report.personal import (
            PersonalPagesRefused,
            check_personal_dir,
            roster_people,
        )

        try:
            check_personal_dir(personal, report_dir=out, workspace=workspace)
            people = roster_people(roster or ws.roster_path, ws.salt,
                                   expected=ws.roster()["participant"])
        except PersonalPagesRefused as exc:
            raise UsageProblem(str(exc)) from None
    stored = stored_results(ws)
    if stored.tables is None:
        echo(f"Computing the results: {stored.why}.", quiet)
    else:
        echo("Using the results `evaluate analyse` stored (nothing has changed since).", quiet)
    written = None
    with progress_bar("report", quiet) as progress:
        paths, results, context = report_workspace(ws, out, stored, pdf=pdf, docx=docx,
                                                   progress=progress)
        if personal is not None:
            from evaluate.report.personal import write_personal_pages

            written = write_personal_pages(results, context, ws.roster(), people, personal,
                                           salt=ws.salt, progress=progress)
    echo("Report written:", quiet)
    for name, p in paths.items():
        echo(f"  {name}: {p}", quiet)
    if note := quotes_note(context):
        echo(note, quiet)
    if written is not None:
        if not written["pages"]:
            echo(f"No personal pages: no one answered the network survey at both the first "
                 f"and the last network wave. (index.csv in {personal}/ is empty.)", quiet)
        else:
            echo(f"Personal pages written: {len(written['pages'])} in {personal}/ "
                 f"(one per participant who answered the network survey at the start and the "
                 f"end).", quiet)
        echo(f"  {written['index'].name} says which page is whose: send each person only their "
             "own page; keep index.csv and that folder to yourself, apart from the report.", quiet)


@cli.command("demo", short_help="Try everything on the bundled sample programme.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports/demo"),
              show_default=True, help="Folder for the demo's workspace and report.")
@click.option("--sample-data", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Folder of sample exports with a manifest.yaml (default: the bundled ones).")
@quiet_option
@friendly
def demo_cmd(out, sample_data, quiet):
    """Try everything on the bundled sample programme: import, analyse, report.

    Builds a workspace from sample_data/, records the sample panels' story
    selection rounds, analyses it, and writes the dashboard (with its stories
    of change), evaluation-report.docx, tables.xlsx, analysis.xlsx and csv
    tables.

    Example: evaluate demo --out reports/demo
    """
    from evaluate.demo import run_demo

    with progress_bar("demo", quiet) as progress:
        paths = run_demo(out, sample_data, progress=progress)
    echo(f"Imported {paths.pop('imports')} sample exports into {paths.pop('workspace')}/", quiet)
    echo("Open the dashboard in a browser:", quiet)
    for name, p in paths.items():
        echo(f"  {name}: {p}", quiet)
