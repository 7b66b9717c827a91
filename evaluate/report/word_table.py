"""Word tables and styles written in bulk, for :mod:`evaluate.report.word`.

python-docx makes a table cell by cell: each new row's cells, each run's
font size and each cell's width go through its proxy objects, and setting a
column's width walks every cell of the table. Styling a paragraph or table by
name searches styles.xml (an XPath query) every time. Together that was most
of the time spent writing the evaluation report. Here:

- :func:`add_table` makes the header row and one model data row with
  python-docx, then copies the model row's XML for every row and puts each
  cell's text into its run as python-docx does (:func:`set_run_text`), so the
  document's XML is the same as cell by cell;
- :func:`remember_style_ids` looks each style name up once per document.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy

__all__ = ["add_table", "remember_style_ids", "set_run_text"]

_BREAKS = ("\t", "\r", "\n")


def remember_style_ids(doc) -> None:
    """Make ``doc`` look each style name up once (the styles do not change while it is written).

    python-docx turns a style name into its id by searching styles.xml for every
    paragraph, heading and table it styles; the ids are kept here per name and
    kind, and anything that is not a name (a style object) is looked up as before.
    """
    part = doc.part
    look_up = part.get_style_id
    ids: dict[tuple, str | None] = {}

    def get_style_id(style_or_name, style_type):
        if not isinstance(style_or_name, str):
            return look_up(style_or_name, style_type)
        key = (style_or_name, style_type)
        if key not in ids:
            ids[key] = look_up(style_or_name, style_type)
        return ids[key]

    part.get_style_id = get_style_id


def set_run_text(r, text: str) -> None:
    """Put ``text`` into an empty run element ``r`` exactly as python-docx's ``Run.text`` does.

    Text without tabs or line breaks is one ``w:t`` (none when empty), which is
    what python-docx writes for it; anything else goes through python-docx.
    """
    if any(c in text for c in _BREAKS):
        r.text = text
    elif text:
        r.add_t(text)


def add_table(doc, headings: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence,
              *, size, style: str = "Table Grid"):
    """A table of text with a bold header row, every run at ``size`` and fixed column ``widths``.

    The same document as making each cell with python-docx (``add_row().cells``,
    ``add_run(text).font.size``, each column's and cell's width): the header row
    and one model row are made that way, and each row is a copy of the model
    row with its texts put in. The header row is not marked as one here.
    """
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = style
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid, which LibreOffice reads
    for cell, text, width in zip(table.rows[0].cells, headings, widths, strict=True):
        cell.width = width  # and each cell, which Word reads
        run = cell.paragraphs[0].add_run(str(text))
        run.bold, run.font.size = True, size
    model = table.add_row()  # its cells take their widths from the grid
    for cell in model.cells:
        cell.paragraphs[0].add_run().font.size = size
    tbl, model_tr = table._tbl, model._tr
    tbl.remove(model_tr)
    tag = model_tr.tag
    w = tag[: tag.index("}") + 1]
    for values in rows:
        tr = deepcopy(model_tr)
        tbl.append(tr)
        for r, text in zip(tr.iterfind(f"{w}tc/{w}p/{w}r"), values, strict=True):
            set_run_text(r, text)
    return table
