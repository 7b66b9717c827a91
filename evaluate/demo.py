"""The demo: build a workspace from the bundled sample data, analyse it, write the report.

``sample_data/manifest.yaml`` lists every export with its instrument, cohort,
wave and platform; the demo ingests them all into a fresh workspace, exactly
as a programme lead would with ``evaluate ingest``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from evaluate.errors import WorkspaceError
from evaluate.progress import plan, step

__all__ = ["sample_data_dir", "load_sample_manifest", "build_demo_workspace",
           "record_sample_rounds", "run_demo"]


def sample_data_dir() -> Path:
    """The bundled ``sample_data/`` folder (in the wheel, or the checkout's)."""
    from evaluate.resources import shipped_dir

    found = shipped_dir("sample_data")
    if found is None:
        raise WorkspaceError("Cannot find the bundled sample_data/ folder with its manifest.yaml "
                             "(this installation is incomplete: reinstall programme-evaluate) — "
                             "or pass --sample-data DIR")
    return found


def load_sample_manifest(directory: Path) -> dict:
    text = (directory / "manifest.yaml").read_text(encoding="utf-8")
    manifest = yaml.safe_load(text) or {}
    if isinstance(manifest, list):
        manifest = {"exports": manifest}
    return manifest


def _exports(manifest: dict) -> list[dict]:
    for key in ("exports", "files", "entries"):
        if key in manifest:
            return list(manifest[key])
    return [v for v in manifest.values() if isinstance(v, dict) and "path" in v]


def build_demo_workspace(workspace: Path, sample_dir: Path | None = None, *, progress=None):
    """A fresh workspace holding every sample export. Returns ``(ws, results_per_file)``."""
    from evaluate.ingest.pipeline import ingest_into
    from evaluate.workspace import CONFIG_NAME, Workspace

    sample_dir = sample_dir or sample_data_dir()
    manifest = load_sample_manifest(sample_dir)
    if (workspace / CONFIG_NAME).exists():
        config = yaml.safe_load((workspace / CONFIG_NAME).read_text(encoding="utf-8")) or {}
        if not config.get("demo"):
            raise WorkspaceError(f"{workspace} is a real workspace, not the demo's — choose another --out")
        shutil.rmtree(workspace)
    roster_path = sample_dir / manifest.get("roster", "roster.csv")
    ws = Workspace.init(workspace, roster=roster_path, programme=manifest.get("programme"))
    ws.config["demo"] = True
    ws._write_config()
    outcomes = []
    exports = _exports(manifest)
    plan(progress, len(exports))
    for n, entry in enumerate(exports, start=1):
        step(progress, f"Importing {n}/{len(exports)}: {entry['path']}")
        result, outcome = ingest_into(
            ws, sample_dir / entry["path"], entry["instrument"], cohort=str(entry["cohort"]),
            wave=str(entry["wave"]), sheet=entry.get("sheet"), platform=entry.get("platform"),
            dates=entry.get("dates"))
        outcomes.append((entry, result, outcome))
    return ws, outcomes


def record_sample_rounds(ws, sample_dir: Path, panel_dir: Path) -> list[Path]:
    """Run the sample programme's story selection rounds, as its panels did.

    For each round in ``stories-panel.yaml``: write the panel's workbook
    (``evaluate stories select``), fill it in with that panel's choices,
    reasons and verification notes (found by story title), and record it
    (``evaluate stories record``). Returns the filled workbooks.
    """
    from openpyxl import load_workbook

    from evaluate.roster import read_roster
    from evaluate.stories import collect_stories, record_round, round_candidates
    from evaluate.stories.workbook import (
        ABOUT_SHEET,
        HEADINGS,
        read_panel_workbook,
        write_panel_workbook,
    )

    spec = sample_dir / (load_sample_manifest(sample_dir).get("stories_panel") or "")
    if not spec.is_file():
        return []
    rounds = (yaml.safe_load(spec.read_text(encoding="utf-8")) or {}).get("rounds") or []
    personal = read_roster(ws.roster_path, ws.salt).personal_data() if ws.roster_path else None
    written = []
    responses = ws.responses() if rounds else None  # a round records choices, not answers
    for r in rounds:
        number, candidates = round_candidates(ws, collect_stories(ws, responses=responses))
        path = write_panel_workbook(candidates, panel_dir / f"panel-round-{number}.xlsx",
                                    round_number=number, level=r["level"],
                                    programme=ws.programme_name)
        chosen = {c["title"]: c for c in r.get("chosen") or []}
        wb = load_workbook(path)
        for row in wb[ABOUT_SHEET].iter_rows(min_col=1, max_col=2):
            if row[0].value == "Panel (who decided)":
                row[1].value = r["panel"]
            elif row[0].value == "Date the panel met":
                row[1].value = str(r["decided"])
        for sheet in wb.worksheets[1:]:
            heads = [c.value for c in sheet[1]]
            col = {f: heads.index(HEADINGS[f]) for f in ("title", "selected", "reasons",
                                                          "verification")}
            for cells in sheet.iter_rows(min_row=2):
                pick = chosen.get(cells[col["title"]].value)
                cells[col["selected"]].value = "Yes" if pick else "No"
                if pick:
                    cells[col["reasons"]].value = pick["reasons"]
                    cells[col["verification"]].value = pick.get("verification") or None
        wb.save(path)
        filled = read_panel_workbook(path)
        record_round(ws, filled.decisions, round_number=filled.round_number, level=filled.level,
                     panel=filled.panel, decided=filled.decided, source=path.name,
                     personal=personal, responses=responses)
        written.append(path)
    return written


def run_demo(out_dir: Path, sample_dir: Path | None = None, *, progress=None) -> dict[str, Path]:
    """Build the demo workspace under ``out_dir/workspace``, record the sample story rounds,
    analyse it, write the report and evaluation-report.docx.

    The report's workbooks and csv tables are kept with the stored results, so that
    ``evaluate report`` on the demo workspace copies them."""
    from evaluate.analysis import analyse_for_report, keep_report_files, network_tables
    from evaluate.concurrency import beside_process, spare_core
    from evaluate.report.build import build_report
    from evaluate.report.chart_images import Camera
    from evaluate.workspace.results import results_key

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Chromium starts while the exports are imported (on a core the imports leave idle), ready
    # for the charts; the network analyses run in a second process beside the story rounds
    # (which touch no network data) and the statistics.
    with Camera() as camera:
        ws, outcomes = build_demo_workspace(out_dir / "workspace", sample_dir, progress=progress)
        with beside_process(spare_core()) as run:
            network = run(network_tables, ws.path)
            panels = record_sample_rounds(ws, sample_dir or sample_data_dir(), out_dir / "panel")
            key = results_key(ws.path)
            results, context = analyse_for_report(ws, progress=progress, network=network,
                                                  process=run)
        paths = build_report(results, context, out_dir, docx=True, progress=progress,
                             camera=camera)
    keep_report_files(ws, paths, {}, key)
    paths = dict(paths)
    paths["workspace"] = ws.path
    paths["imports"] = len(outcomes)
    if panels:
        paths["panel"] = panels[-1].parent
    return paths
