"""The panel's workbook: the stories a round considers, with room for the panel's choices.

``evaluate stories select`` writes one workbook per round: a sheet "About
this round" (the round, the level, who is on the panel and when they met,
and what to do) and one sheet per domain of change with its stories: the
story id, the title, the story and why it matters to its teller (only
stories whose authors agreed to share them; no names), what earlier rounds
said, then three columns for the panel: "Chosen" (Yes or No), "Why the panel
chose it" and "Verification note". ``evaluate stories record`` reads it back
(:func:`read_panel_workbook`); every problem is named by sheet, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaluate.errors import ReadError

__all__ = ["ABOUT_SHEET", "HEADINGS", "PanelRound", "write_panel_workbook",
           "read_panel_workbook"]

ABOUT_SHEET = "About this round"
#: Column headings of the story sheets, by the field they hold.
HEADINGS = {"story": "Story", "title": "Title", "text": "The story",
            "significance": "Why it matters to the storyteller", "chosen_before": "Chosen before",
            "selected": "Chosen", "reasons": "Why the panel chose it",
            "verification": "Verification note"}
_PANEL_COLUMNS = ("selected", "reasons", "verification")
_ABOUT_FIELDS = {"round": "Round", "level": "Level", "panel": "Panel (who decided)",
                 "decided": "Date the panel met"}
_YES = {"yes", "y", "chosen", "x", "1", "true", "✓"}
_NO = {"no", "n", "0", "false", "", "-"}


@dataclass(frozen=True)
class PanelRound:
    """A filled-in panel workbook, read back."""

    round_number: int
    level: str
    panel: str
    decided: str
    decisions: pd.DataFrame  # evaluate.stories.rounds.DECISION_COLUMNS


def _safe(value):
    from evaluate.privacy import neutralise_formula

    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    return neutralise_formula(str(value))


def write_panel_workbook(candidates: pd.DataFrame, path: str | Path, *, round_number: int,
                         level: str, programme: str = "") -> Path:
    """Write the panel's workbook for one round (see the module) and return its path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    about = wb.active
    about.title = ABOUT_SHEET
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    lines = [
        (f"Stories of change{' – ' + programme if programme else ''}", None),
        (None, None),
        (_ABOUT_FIELDS["round"], round_number),
        (_ABOUT_FIELDS["level"], level),
        (_ABOUT_FIELDS["panel"], None),
        (_ABOUT_FIELDS["decided"], None),
        (None, None),
        ("What to do", None),
        ("1. Read the stories on each sheet (one sheet per domain of change).", None),
        ("2. Discuss them and choose the story, or stories, the panel finds most significant "
         "in each domain.", None),
        ("3. Write Yes in \"Chosen\" for each one, and in \"Why the panel chose it\" the "
         "reasons the panel gave. Write No (or leave blank) for the others.", None),
        ("4. If the panel checked what a story says (with the storyteller or someone who was "
         "there), say how in \"Verification note\".", None),
        ("5. Fill in who was on the panel and the date above, save, and give the workbook back: "
         "evaluate stories record WORKSPACE THIS-FILE.xlsx", None),
        (None, None),
        ("The stories are shown only where their authors agreed to share them with the panel, "
         "and without names. Please do not copy them elsewhere.", None),
    ]
    for n, (a, b) in enumerate(lines, start=1):
        about.cell(row=n, column=1, value=_safe(a))
        if b is not None:
            about.cell(row=n, column=2, value=b if isinstance(b, int) else _safe(b))
        if a in _ABOUT_FIELDS.values():
            about.cell(row=n, column=1).font = bold
            if b is None:
                about.cell(row=n, column=2).fill = fill
    about["A1"].font = Font(bold=True, size=14)
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 60
    fields = ["story", "title", "text", "significance", *(
        ["chosen_before"] if round_number > 1 else []), *_PANEL_COLUMNS]
    widths = {"story": 12, "title": 28, "text": 70, "significance": 45, "chosen_before": 40,
              "selected": 10, "reasons": 45, "verification": 35}
    taken = {ABOUT_SHEET.casefold()}
    for (_, title), group in candidates.groupby(["domain", "domain_title"], sort=True):  # aim order
        name = "".join(ch for ch in str(title) if ch not in '[]:*?/\\')[:31] or "Stories"
        base, k = name, 2
        while name.casefold() in taken:
            name = f"{base[:28]} {k}"
            k += 1
        taken.add(name.casefold())
        sheet = wb.create_sheet(name)
        for col, field in enumerate(fields, start=1):
            cell = sheet.cell(row=1, column=col, value=HEADINGS[field])
            cell.font = bold
            letter = cell.column_letter
            sheet.column_dimensions[letter].width = widths[field]
        for r, row in enumerate(group.sort_values("story").itertuples(index=False), start=2):
            for col, field in enumerate(fields, start=1):
                value = getattr(row, field, None) if field not in _PANEL_COLUMNS else None
                cell = sheet.cell(row=r, column=col, value=_safe(value))
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if field in _PANEL_COLUMNS:
                    cell.fill = fill
        chosen = fields.index("selected") + 1
        letter = sheet.cell(row=1, column=chosen).column_letter
        check = DataValidation(type="list", formula1='"Yes,No"', allow_blank=True)
        check.add(f"{letter}2:{letter}{max(2, len(group) + 1)}")
        sheet.add_data_validation(check)
        sheet.freeze_panes = "B2"
        sheet.print_title_rows = "1:1"
    wb.properties.creator = "evaluate"
    wb.save(path)
    return path


def _text(value) -> str:
    from datetime import datetime

    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if not (value.hour or value.minute) else value.isoformat(" ", "minutes")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_panel_workbook(path: str | Path) -> PanelRound:
    """The panel's decisions from a workbook :func:`write_panel_workbook` wrote and a panel filled.

    Raises
    ------
    ReadError
        Naming the file, sheet, row and column: not a panel workbook, a
        missing round number, a "Chosen" cell that is neither Yes nor No, a
        chosen story with no reasons, or a story listed twice.
    """
    from openpyxl import load_workbook

    path = Path(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise ReadError(f"{path.name}: cannot be read as an Excel workbook "
                        f"({exc.__class__.__name__}) — give the workbook `evaluate stories "
                        "select` wrote, saved as .xlsx") from None
    if ABOUT_SHEET not in wb.sheetnames:
        raise ReadError(f"{path.name}: has no sheet \"{ABOUT_SHEET}\", so it is not a panel "
                        "workbook — give the workbook `evaluate stories select` wrote")
    about = {}
    for n, row in enumerate(wb[ABOUT_SHEET].iter_rows(min_col=1, max_col=2, values_only=True),
                            start=1):
        if row and row[0] in _ABOUT_FIELDS.values():
            about[row[0]] = (n, _text(row[1] if len(row) > 1 else None))
    where = f'{path.name}, sheet "{ABOUT_SHEET}"'
    row_no, round_text = about.get(_ABOUT_FIELDS["round"], (0, ""))
    if not round_text.isdigit():
        raise ReadError(f'{where}, row {row_no or "?"}, column B "{_ABOUT_FIELDS["round"]}": '
                        f'"{round_text}" is not a round number — write the number '
                        "`evaluate stories select` put there")
    rows = []
    for name in wb.sheetnames:
        if name == ABOUT_SHEET:
            continue
        cells = list(wb[name].iter_rows(values_only=True))
        if not cells:
            continue
        heads = [_text(h) for h in cells[0]]
        missing = [HEADINGS[f] for f in ("story", "selected", "reasons", "verification")
                   if HEADINGS[f] not in heads]
        if missing:
            raise ReadError(f'{path.name}, sheet "{name}", row 1: no column '
                            f'{", ".join(repr(m) for m in missing)} — keep the headings '
                            "`evaluate stories select` wrote")
        pos = {f: heads.index(HEADINGS[f]) for f in ("story", "selected", "reasons", "verification")}
        letter = {f: _letter(i) for f, i in pos.items()}
        for r, values in enumerate(cells[1:], start=2):
            values = list(values) + [None] * (len(heads) - len(values))
            story = _text(values[pos["story"]])
            if not story:
                continue
            chosen = _text(values[pos["selected"]]).casefold()
            at = f'{path.name}, sheet "{name}", row {r}'
            if chosen not in _YES | _NO:
                raise ReadError(f'{at}, column {letter["selected"]} "{HEADINGS["selected"]}": '
                                f'"{_text(values[pos["selected"]])}" is neither Yes nor No — '
                                "write Yes for a story the panel chose, No otherwise")
            reasons = _text(values[pos["reasons"]])
            if chosen in _YES and not reasons:
                raise ReadError(f'{at}, column {letter["reasons"]} "{HEADINGS["reasons"]}": '
                                f"story {story} is chosen but no reason is given — write why "
                                "the panel chose it (its reasons are part of the evidence)")
            rows.append({"story": story, "selected": chosen in _YES, "reasons": reasons,
                         "verification": _text(values[pos["verification"]]), "_at": at})
    wb.close()
    decisions = pd.DataFrame(rows, columns=["story", "selected", "reasons", "verification", "_at"])
    twice = decisions[decisions["story"].duplicated(keep="first")]
    if len(twice):
        first = twice.iloc[0]
        raise ReadError(f"{first['_at']}: story {first['story']} is listed twice — keep one row "
                        "per story")
    if decisions.empty:
        raise ReadError(f"{path.name}: no stories in it — give the workbook `evaluate stories "
                        "select` wrote, filled in")
    return PanelRound(int(round_text), about.get(_ABOUT_FIELDS["level"], (0, ""))[1],
                      about.get(_ABOUT_FIELDS["panel"], (0, ""))[1],
                      about.get(_ABOUT_FIELDS["decided"], (0, ""))[1],
                      decisions.drop(columns="_at").reset_index(drop=True))


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
