"""The package's stages import only earlier stages: the analysis never imports the report."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "evaluate"
# the drivers that run every stage in turn may import any of them (the command line,
# the demo and the local app, which calls the same library functions as the commands)
DRIVERS = {"cli", "app", "demo.py", "__init__.py"}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_no_module_before_the_report_imports_the_report():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        top = path.relative_to(PACKAGE).parts[0]
        if top in DRIVERS or top in ("report", "shipped"):
            continue
        hits = sorted(m for m in _imports(path) if m == "evaluate.report" or m.startswith("evaluate.report."))
        if hits:
            offenders.append(f"{path.relative_to(PACKAGE)}: {', '.join(hits)}")
    assert not offenders, "modules before the report import it:\n" + "\n".join(offenders)
