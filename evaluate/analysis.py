"""Run every analysis on a workspace and write the result tables.

``analyse(ws)`` gathers the statistics (``evaluate.stats``) and network
(``evaluate.network``) tables; ``report_context(ws)`` gathers what the report
needs to describe the data (imports, quarantine, versions, consented quotes);
``evaluate.report.results_files.write_results`` writes the tables out.
Same workspace and version → byte-identical tables.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime, timezone

import pandas as pd

from evaluate import __version__
from evaluate.errors import EvaluateError
from evaluate.progress import plan, step
from evaluate.roster import comparison_groups, split_by_group

__all__ = ["analyse", "analyse_and_store", "analyse_and_store_beside", "analyse_for_report",
           "network_tables", "stored_results", "stored_workbook", "keep_workbook",
           "keep_csv_tables", "kept_report_files", "keep_report_files",
           "report_context", "voices"]


def analyse(ws, *, progress=None, context: dict | None = None, network: Future | None = None,
            process: Callable[..., Future] | None = None) -> dict[str, pd.DataFrame]:
    """Every analysis table for the workspace (statistics first, then network).

    ``progress`` (see :mod:`evaluate.progress`) hears of each of the four steps.
    ``context``: a dict that receives the :func:`report_context` the claims were
    drawn with, so a caller writing the tables need not read the responses again.
    ``network``: a future of :func:`network_tables` of the same workspace, begun
    earlier in a second process (:func:`evaluate.concurrency.beside_process`), so
    the network analyses run while the statistics are computed here; without
    it they are computed here, after the statistics. ``process``: the ``run`` of
    that block, for work the statistics hand on (omega's bootstrap, at national
    scale: :func:`evaluate.stats.analyse_workspace`).

    Notes
    -----
    The analyses make thousands of small matrix operations (a cohort's
    networks, omega's refits, L-BFGS steps), where starting BLAS threads
    costs far more than it saves: on a busy two-core machine one L-BFGS fit
    of a 40-person network took 200 times as long with two threads as with
    one. So BLAS runs on one thread here; the results are the same.
    """
    import scipy.linalg  # noqa: F401 - scipy's own BLAS: loaded now, so the limit reaches it
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _analyse(ws, progress, context, network, process)


def network_tables(path) -> dict[str, pd.DataFrame]:
    """The network analyses of the workspace at ``path``, as :func:`analyse` makes them: what
    a second process computes beside the statistics (``analyse(network=...)``)."""
    from evaluate import network
    from evaluate.concurrency import one_blas_thread
    from evaluate.workspace import Workspace

    return one_blas_thread(network.analyse_workspace, Workspace.open(path))


def _analyse(ws, progress, context: dict | None, network: Future | None,
             process: Callable[..., Future] | None) -> dict[str, pd.DataFrame]:
    from evaluate import stats

    plan(progress, 4)
    step(progress, "Analysing survey scores (pre/post, reliability, attrition)")
    responses = ws.responses()  # read once for every analysis below
    results = dict(stats.analyse_workspace(ws, responses=responses, process=process))
    from evaluate.stats.answers import item_distribution

    step(progress, "Counting answers to each question")
    programme_responses, _ = split_by_group(responses, ws.roster())
    results["item_distribution"] = item_distribution(
        programme_responses, ws.instruments(), min_group_size=ws.min_group_size)
    from evaluate.text import load_codebook, theme_counts

    step(progress, "Finding themes in free-text answers")
    codebook = ws.path / "instruments" / "codebook.yaml"
    texts = voices(ws, responses=responses)  # read once: the themes and the claims' context
    results["themes"] = theme_counts(texts, load_codebook(codebook if codebook.exists() else None),
                                     min_group_size=ws.min_group_size)
    step(progress, "Analysing the network (ties, growth, boundary spanning)")
    if network is None:
        from evaluate import network as network_analyses

        results.update(network_analyses.analyse_workspace(ws))
    else:
        results.update(network.result())
    try:
        programme = ws.programme()
    except EvaluateError:
        programme = None
    from evaluate.stories import chosen_stories, collect_stories, story_counts, story_selection

    stories = collect_stories(ws, responses=responses)
    if len(stories):
        results["story_counts"] = story_counts(stories, min_group_size=ws.min_group_size)
        results["story_selection"] = chosen_stories(stories, story_selection(ws))
    if programme is not None:
        from evaluate.logic import evidence_matrix

        results["evidence_matrix"] = evidence_matrix(programme, results, ws.instruments())
    from evaluate.claims.ledger import build_claims

    drawn_with = report_context(ws, responses=responses, voices_table=texts)
    if context is not None:
        context.update(drawn_with)
    results.update(build_claims(results, programme, drawn_with))
    if programme is not None:  # after the ledger: its evidence labels rate the links
        from evaluate.contribution import contribution_tables

        results.update(contribution_tables(programme, results, ws.instruments(),
                                           selection=results.get("story_selection"),
                                           stories=results.get("story_counts")))
    return {k: v for k, v in results.items() if isinstance(v, pd.DataFrame)}


def analyse_and_store(ws, *, progress=None, context: dict | None = None,
                      network: Future | None = None, process: Callable[..., Future] | None = None
                      ) -> dict[str, pd.DataFrame]:
    """:func:`analyse` (``context``, ``network`` and ``process`` as there), then store the
    tables in the workspace for ``evaluate report``.

    They are stored only if the workspace did not change while they were
    computed (an import made meanwhile would make them belong to no state).
    """
    from evaluate.workspace.results import results_key, store_results

    key = results_key(ws.path)
    results = analyse(ws, progress=progress, context=context, network=network, process=process)
    if results_key(ws.path) == key:
        store_results(ws.path, key, results)
    return results


def analyse_and_store_beside(ws, *, progress=None) -> dict[str, pd.DataFrame]:
    """:func:`analyse_and_store`, the network analyses (and omega's bootstrap at national
    scale) in a second process meanwhile, where this process may use a second core (for
    callers that compute results they found not stored)."""
    from evaluate.concurrency import beside_process, spare_core

    with beside_process(spare_core()) as run:
        return analyse_and_store(ws, progress=progress, process=run,
                                 network=run(network_tables, ws.path))


def analyse_for_report(ws, *, progress=None, network: Future | None = None,
                       process: Callable[..., Future] | None = None
                       ) -> tuple[dict[str, pd.DataFrame], dict]:
    """:func:`analyse_and_store` (``network`` and ``process`` as in :func:`analyse`), and the
    :func:`report_context` its claims were drawn with (the responses are read once for
    both): what a report is written from."""
    context: dict = {}
    results = analyse_and_store(ws, progress=progress, context=context, network=network,
                                process=process)
    return results, context or report_context(ws)


def stored_results(ws):
    """The tables ``analyse_and_store`` stored, if the workspace and version are unchanged.

    Returns a :class:`evaluate.workspace.results.Stored`: ``tables`` (None when
    they must be computed again) and ``why`` (plain words: none stored yet, the
    workspace changed, another version, or damaged).
    """
    from evaluate.workspace.results import load_results, results_key

    return load_results(ws.path, results_key(ws.path))


def stored_workbook(ws, name: str = "analysis.xlsx"):
    """The ``analysis.xlsx`` (or the report's ``tables.xlsx``) written from the stored
    results, if it can be reused (else None).

    Reusable when it was written from the tables :func:`stored_results` gives
    now (same workspace state, version and layout) and is intact.
    """
    from evaluate.workspace.results import results_key
    from evaluate.workspace.results import stored_workbook as kept

    return kept(ws.path, results_key(ws.path), name)


def keep_workbook(ws, path, key: dict | None = None, name: str = "analysis.xlsx") -> bool:
    """Keep ``analysis.xlsx`` (or ``tables.xlsx``: ``name``), at ``path``, with the stored
    results it was written from.

    ``key``: the state the results were computed from (default: now). Kept
    only if the stored results are that state's, so the report reuses the
    workbook only with the tables it holds.
    """
    from evaluate.workspace.results import results_key, store_workbook

    return store_workbook(ws.path, key or results_key(ws.path), path, name)


def keep_csv_tables(ws, paths, key: dict | None = None) -> bool:
    """Keep the report's csv tables (``paths``) with the stored results they were written
    from, as :func:`keep_workbook` keeps a workbook."""
    from evaluate.workspace.results import results_key, store_csv_tables

    return store_csv_tables(ws.path, key or results_key(ws.path), paths)


def kept_report_files(ws, key: dict) -> dict:
    """The report's files kept with the results stored under ``key`` (the state the caller
    read them in), as ``build_report``'s keyword arguments: ``analysis_workbook``,
    ``tables_workbook`` and ``csv_tables``, each None when it cannot be reused."""
    from evaluate.workspace.results import stored_csv_tables as kept_csv
    from evaluate.workspace.results import stored_workbook as kept

    return {"analysis_workbook": kept(ws.path, key),
            "tables_workbook": kept(ws.path, key, "tables.xlsx"),
            "csv_tables": kept_csv(ws.path, key)}


def keep_report_files(ws, paths: dict, kept: dict, key: dict) -> None:
    """Keep what a report wrote (``paths``, as ``build_report`` returns them) rather than
    copied (``kept``, as :func:`kept_report_files` gave), so the next report copies it.

    Kept only while the results stored under ``key`` are those it was written from."""
    from pathlib import Path

    if kept.get("analysis_workbook") is None:
        keep_workbook(ws, paths["analysis"], key)
    if kept.get("tables_workbook") is None:
        keep_workbook(ws, paths["tables"], key, "tables.xlsx")
    if kept.get("csv_tables") is None:
        keep_csv_tables(ws, sorted(Path(paths["csv"]).glob("*.csv")), key)


def voices(ws, *, responses: pd.DataFrame | None = None,
           instruments: dict | None = None) -> pd.DataFrame:
    """Free-text answers of programme participants, with whether they agreed to be quoted.

    Stories of change (an instrument asking ``story``) are left out: they are
    read by selection panels and reported as chosen (:mod:`evaluate.stories`).

    Columns: ``instrument, wave, cohort, item, prompt, text, quotable``. A text
    is quotable only where the instrument names its consent items
    (``quotable_if``) and the answer to each is "Yes" (code 1). ``responses``:
    ``ws.responses()`` when the caller has read them already (else only the columns used
    here are read); ``instruments``: ``ws.instruments()``, likewise.
    """
    rows = []
    roster = ws.roster()
    chosen = []
    for _ref, inst in sorted((ws.instruments() if instruments is None else instruments).items()):
        text_items = [i for i in inst.items if i.type == "text" and i.id != "stakeholders"]
        if not text_items or "story" in inst.item_ids():
            continue  # stories of change go through their panels (evaluate.stories), not here
        chosen.append((inst, text_items))
    if responses is None:  # only the columns used here
        used = ["participant", "wave", "cohort", "instrument", "instrument_version"]
        used += [c for _, items in chosen for i in items for c in (i.id, *i.quote_consents)]
        responses = ws.responses(only=used)
    instrument_ids = (responses["instrument"].astype("string").str.partition("@")[0]
                      if "instrument" in responses else pd.Series(pd.NA, index=responses.index))
    for inst, text_items in chosen:
        mine = (instrument_ids == inst.id).fillna(False).to_numpy(dtype=bool)
        wanted = ["participant", "wave", "cohort", "instrument_version",
                  *(i.id for i in text_items), *(c for i in text_items for c in i.quote_consents)]
        columns = [c for c in dict.fromkeys(wanted) if c in responses.columns]  # only what is used
        resp, _ = split_by_group(responses.loc[mine, columns].reset_index(drop=True), roster)
        if resp.empty:
            continue
        resp = resp[resp["instrument_version"].astype(int) == inst.version] if "instrument_version" in resp else resp
        for item in text_items:
            if item.id not in resp:
                continue
            text = resp[item.id].astype("string")
            has = text.notna() & (text.str.strip() != "")
            consents = item.quote_consents
            if consents and all(c in resp for c in consents):
                quotable = pd.Series(True, index=resp.index)
                for c in consents:  # every consent item answered "Yes" (code 1)
                    quotable &= pd.to_numeric(resp[c], errors="coerce") == 1
            else:
                quotable = pd.Series(False, index=resp.index)
            part = pd.DataFrame({"wave": resp["wave"], "cohort": resp["cohort"], "text": text,
                                 "quotable": quotable.to_numpy(dtype=bool)})
            rows.append(((inst.id, item.id), item.prompt or item.text, part[has.to_numpy()]))
    if not rows:
        return pd.DataFrame(columns=["instrument", "wave", "cohort", "item", "prompt", "text", "quotable"])
    return _sorted_voices(rows)


def _sorted_voices(rows: list) -> pd.DataFrame:
    """The texts of :func:`voices` in order of instrument, item, wave, cohort and text
    (stable), from ``rows``: ((instrument, item), prompt, texts) of each item answered,
    emptied as it is read.

    An item of one instrument version only is sorted on its own by wave, cohort and
    text, and its instrument, item and prompt filled in after: sorting every row by all
    five moved the three repeated columns too (a national cohort's 400,000 texts)."""
    keys = [key for key, _, _ in rows]
    if len(set(keys)) < len(keys):  # an item in two versions: its rows sort together
        out = pd.concat([part.assign(instrument=key[0], item=key[1], prompt=prompt)
                         for key, prompt, part in rows], ignore_index=True)
        rows.clear()  # in ``out`` now: not held while it is sorted
        columns = ["instrument", "wave", "cohort", "item", "prompt", "text", "quotable"]
        return out[columns].sort_values(["instrument", "item", "wave", "cohort", "text"],
                                        ignore_index=True)
    parts = []
    for (instrument, item), prompt, part in sorted(rows, key=lambda r: r[0]):
        part = part.sort_values(["wave", "cohort", "text"], ignore_index=True)
        parts.append(pd.DataFrame({
            "instrument": instrument, "wave": part["wave"], "cohort": part["cohort"],
            "item": item, "prompt": prompt, "text": part["text"], "quotable": part["quotable"]}))
    rows.clear()
    return pd.concat(parts, ignore_index=True)


def _programme_cohorts(cohorts, roster: pd.DataFrame, groups: pd.Series) -> list:
    """The ``cohorts`` that are not made only of comparison-group members (``groups``:
    :func:`evaluate.roster.comparison_groups`). Each distinct cohort of the roster is read
    once (iterating a national roster made a Python string per person)."""
    only_comparison = set(roster["cohort"].unique()) - set(
        roster.loc[~roster["participant"].astype("string").isin(groups.index), "cohort"].unique())
    return [c for c in cohorts if c not in only_comparison]


def report_context(ws, *, responses=None, voices_table: pd.DataFrame | None = None) -> dict:
    """What the report (and the claims it draws) needs besides the analysis tables.

    ``responses`` (``ws.responses()``) saves reading them again when the caller has them;
    ``voices_table`` (:func:`voices` of the same workspace) saves gathering the free text again.
    """
    try:
        programme = ws.programme()
    except EvaluateError:
        programme = None
    quarantine = ws.quarantine()
    instruments = ws.instruments()
    roster = ws.roster()
    groups = comparison_groups(roster)
    programme_cohorts = _programme_cohorts(ws.cohorts, roster, groups)
    used = sorted(set(ws.imports().get("instrument", pd.Series(dtype=str)).tolist()))
    return {
        "programme": ws.programme_name,
        "programme_info": programme,
        "aims": list(programme.aims) if programme else [],
        "principles": list(programme.principles) if programme else [],
        "modules": list(programme.modules) if programme else [],
        "cohorts": programme_cohorts,
        "comparison_groups": sorted(set(groups)),
        "waves": ws.waves,
        "min_group_size": ws.min_group_size,
        "imports": ws.imports(),
        "quarantine": quarantine,
        "instrument_versions": [
            {"ref": ref, "title": instruments[ref].title, "wave": instruments[ref].wave}
            for ref in used if ref in instruments
        ],
        "software_version": __version__,
        "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "voices": (voices(ws, responses=responses, instruments=instruments)
                   if voices_table is None else voices_table),
    }
