"""Compiled templates kept between runs: the same page, and a damaged or unwritable cache is
only a missed cache."""

from __future__ import annotations

import jinja2
from jinja2.bccache import bc_magic

from evaluate.report.page import asset, script_json
from evaluate.report.template_cache import CompiledTemplates as _CompiledTemplates


def _env(cache) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("evaluate.report", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             bytecode_cache=cache)
    env.globals["asset"] = asset
    env.filters["script_json"] = script_json
    return env


def _macros(env: jinja2.Environment) -> str:
    return env.get_template("macros.html").render()


def test_templates_compiled_once_render_the_same(tmp_path):
    plain = _macros(_env(None))
    cache = _CompiledTemplates(str(tmp_path))
    assert _macros(_env(cache)) == plain
    files = list(tmp_path.iterdir())
    assert files, "the compiled template was not kept"
    assert _macros(_env(cache)) == plain  # read back from the cache


def test_a_damaged_cache_file_is_compiled_again(tmp_path):
    cache = _CompiledTemplates(str(tmp_path))
    plain = _macros(_env(cache))
    for f in tmp_path.iterdir():
        f.write_bytes(f.read_bytes()[:-40])  # cut short: unreadable code
    assert _macros(_env(cache)) == plain
    for f in tmp_path.iterdir():
        f.write_bytes(bc_magic + b"\x80\x04damaged")  # a checksum that cannot be read
    assert _macros(_env(cache)) == plain


def test_a_cache_that_cannot_be_written_is_passed_over(tmp_path):
    missing = tmp_path / "not-a-folder"
    assert _macros(_env(_CompiledTemplates(str(missing)))) == _macros(_env(None))
    assert not missing.exists()
