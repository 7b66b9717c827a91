"""Versioned survey instruments: items, response sets and scales, loaded from YAML.

An instrument is a YAML file a programme lead can read (see ``instruments/``).
Items keep their id across versions and across instruments (the post survey
repeats the baseline items under the same ids), which is what makes pre/post
comparison possible. ``resolve("baseline@1")`` finds one version;
``diff(a, b)`` says what changed between two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from evaluate.errors import InstrumentError
from evaluate.inputs import load_yaml
from evaluate.normalise import normalise_heading, normalise_label

__all__ = [
    "ITEM_TYPES",
    "ResponseSet",
    "Item",
    "Scale",
    "Aim",
    "Programme",
    "Instrument",
    "load_instrument",
    "load_instruments",
    "load_programme",
    "resolve",
    "diff",
    "default_instrument_dir",
]

#: The kinds of question an instrument may ask.
#: likert: ordered answers with codes; choice: one unordered option;
#: multi: several options in one cell; text: free text; number; date;
#: roster_multi: names of cohort members picked from a list (one cell, many names);
#: roster_grid: one column per cohort member, answered on a response set.
ITEM_TYPES = ("likert", "choice", "multi", "text", "number", "date", "roster_multi", "roster_grid")
#: What an answer that is not one of a multi-select's options holds back (item key
#: ``unknown_choice``): the whole response (default) or only that question's answer.
UNKNOWN_CHOICE = ("response", "answer")
#: Relations a network item may record.
RELATIONS = ("knew_before", "worked_with", "advice")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


# --------------------------------------------------------------------------- YAML with lines
class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader that remembers the line of every mapping (for error messages)."""


def _construct_mapping(loader, node, deep=False):
    mapping = _LineDict(loader.construct_mapping(node, deep=deep))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {
        k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)
    }
    return mapping


class _LineDict(dict):
    line: int = 0
    key_lines: dict


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line(mapping, key=None) -> int:
    if key is not None and getattr(mapping, "key_lines", None) and key in mapping.key_lines:
        return mapping.key_lines[key]
    return getattr(mapping, "line", 0)


class _Ctx:
    """Where we are in a file, to build messages that say which key, which line."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, mapping, key: str | None, problem: str, fix: str) -> InstrumentError:
        line = _line(mapping, key)
        where = f"{self.path.name}, line {line}" if line else self.path.name
        keypart = f', key "{key}"' if key else ""
        return InstrumentError(f"{where}{keypart}: {problem} — {fix}")

    def require(self, mapping, key: str, kind: type | tuple, what: str):
        if not isinstance(mapping, dict):
            raise self.fail({}, None, f"expected a mapping for {what}", "indent its keys under it")
        if key not in mapping or mapping[key] is None:
            raise self.fail(mapping, None, f'{what} has no "{key}"', f'add "{key}:" to it')
        value = mapping[key]
        kinds = (kind,) if isinstance(kind, type) else tuple(kind)
        # YAML's true/false are bools, and a bool is an int in Python: never take one for a number
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            names = " or ".join(k.__name__ for k in kinds)
            example = f", e.g. {key}: 1" if int in kinds else ""
            raise self.fail(
                mapping, key, f"{what}: {key} is {_shown(value)}",
                f"it should be a {_plain(names)}{example}"
            )
        return value

    def optional(self, mapping, key: str, kind, default, what: str):
        if key not in mapping or mapping[key] is None:
            return default
        return self.require(mapping, key, kind, what)


def _shown(value) -> str:
    """A value as the person wrote it in YAML (``true``, not ``True``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _plain(type_names: str) -> str:
    return (
        type_names.replace("str", "text")
        .replace("int", "whole number")
        .replace("list", "list")
        .replace("dict", "mapping")
        .replace("bool", "true/false")
    )


# --------------------------------------------------------------------------- models
@dataclass(frozen=True)
class ResponseSet:
    """The answers a question offers, with their codes.

    ``options`` is ordered (code, label); ``aliases`` maps other spellings a
    platform may export to a code; ``missing`` lists answers that mean "no
    answer" (``Prefer not to say``), coded as missing.
    """

    id: str
    options: tuple[tuple[int, str], ...]
    ordered: bool = True
    aliases: tuple[tuple[str, int], ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def codes(self) -> tuple[int, ...]:
        return tuple(code for code, _ in self.options)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for _, label in self.options)

    def label_of(self, code: int) -> str:
        return dict(self.options).get(code, str(code))

    def lookup(self) -> dict[str, int]:
        """Normalised label (and alias) → code."""
        table = {normalise_label(label): code for code, label in self.options}
        table.update({normalise_label(alias): code for alias, code in self.aliases})
        return table

    def missing_keys(self) -> set[str]:
        return {normalise_label(m) for m in self.missing}

    def describe(self) -> str:
        """``Strongly disagree … Strongly agree`` for messages."""
        labels = self.labels
        if len(labels) <= 3:
            return ", ".join(labels)
        return f"{labels[0]} … {labels[-1]} (or the codes {min(self.codes)}–{max(self.codes)})"


@dataclass(frozen=True)
class Item:
    """One question. ``id`` is stable across versions and instruments."""

    id: str
    text: str
    type: str
    response_set: str | None = None
    reverse: bool = False
    required: bool = False
    aliases: tuple[str, ...] = ()
    relation: str | None = None
    attribute: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    then_of: str | None = None
    #: The yes/no item whose "Yes" lets this free-text answer be quoted; a tuple
    #: when several must all be "Yes" (see :attr:`quote_consents`).
    quotable_if: str | tuple[str, ...] | None = None
    prompt: str | None = None
    module: str | None = None
    qualtrics_tag: str | None = None
    qualtrics_qid: str | None = None
    #: What a choice that is not one of a multi-select's options holds back:
    #: ``"response"`` (the whole response, the default) or ``"answer"`` (only
    #: this question's answer; the rest of the response is kept).
    unknown_choice: str = "response"

    @property
    def quote_consents(self) -> tuple[str, ...]:
        """The consent items that must all be answered "Yes" before this answer is quoted.

        >>> Item("story", "Your story", "text", quotable_if=("share_consent", "quote_consent")).quote_consents
        ('share_consent', 'quote_consent')
        >>> Item("best", "Best?", "text", quotable_if="quote_consent").quote_consents
        ('quote_consent',)
        """
        if not self.quotable_if:
            return ()
        return (self.quotable_if,) if isinstance(self.quotable_if, str) else tuple(self.quotable_if)

    def headings(self) -> tuple[str, ...]:
        """Every heading this item may appear under, normalised for matching."""
        keys = [normalise_heading(self.id), normalise_heading(self.text)]
        keys += [normalise_heading(a) for a in self.aliases]
        return tuple(dict.fromkeys(k for k in keys if k))


@dataclass(frozen=True)
class Scale:
    """Items scored together. ``scoring`` is ``mean`` (of answered items) or ``sum``."""

    id: str
    title: str
    items: tuple[str, ...]
    scoring: str = "mean"
    min_items: int = 1
    aim: str | None = None
    principles: tuple[str, ...] = ()
    then_of: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Aim:
    id: str
    title: str
    short: str = ""


@dataclass(frozen=True)
class Programme:
    """The programme an instrument set serves: its aims and principles."""

    name: str
    aims: tuple[Aim, ...]
    principles: tuple[Aim, ...]
    modules: tuple[Aim, ...] = ()
    #: aims → outcomes → indicators → measures → Kirkpatrick level (evaluate.logic)
    logic_model: object = None

    def aim(self, aim_id: str) -> Aim:
        for a in self.aims:
            if a.id == aim_id:
                return a
        raise InstrumentError(f'No programme aim "{aim_id}" — aims are: {", ".join(a.id for a in self.aims)}')


@dataclass(frozen=True)
class Instrument:
    """A versioned survey: what it asks, how answers are coded, how scales are scored."""

    id: str
    version: int
    title: str
    wave: str
    items: tuple[Item, ...]
    response_sets: dict[str, ResponseSet] = field(default_factory=dict)
    scales: tuple[Scale, ...] = ()
    compares_with: tuple[str, ...] = ()
    identity: dict[str, tuple[str, ...]] = field(default_factory=dict)
    description: str = ""
    path: Path | None = None

    @property
    def ref(self) -> str:
        """``id@version``, the form used on the command line and in manifests."""
        return f"{self.id}@{self.version}"

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise InstrumentError(
            f'{self.ref} has no item "{item_id}" — its items are: '
            + ", ".join(i.id for i in self.items)
        )

    def item_ids(self, *types: str) -> list[str]:
        return [i.id for i in self.items if not types or i.type in types]

    def response_set_of(self, item: Item) -> ResponseSet | None:
        return self.response_sets.get(item.response_set) if item.response_set else None

    def scale(self, scale_id: str) -> Scale:
        for s in self.scales:
            if s.id == scale_id:
                return s
        raise InstrumentError(f'{self.ref} has no scale "{scale_id}"')


# --------------------------------------------------------------------------- parsing
def _str_tuple(ctx: _Ctx, mapping, key: str, what: str) -> tuple[str, ...]:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if value is None:
        return ()
    if isinstance(value, (str, int, float)):
        return (str(value),)
    if not isinstance(value, list):
        raise ctx.fail(mapping, key, f"{what}: {key} should be a list", "write it as [a, b] or one '- a' per line")
    for v in value:
        if isinstance(v, bool) or v is None or isinstance(v, (list, dict)):
            shown = "a list or mapping" if isinstance(v, (list, dict)) else _shown(v)
            raise ctx.fail(mapping, key, f"{what}: {key} holds {shown}, not text (YAML reads "
                           "yes, no, on, off, true, false and a blank that way)",
                           'put each entry in quotes, e.g. "Yes"')
    return tuple(str(v) for v in value)


def _parse_response_set(ctx: _Ctx, rid: str, spec) -> ResponseSet:
    what = f'response set "{rid}"'
    if not isinstance(spec, dict):
        raise ctx.fail({}, None, f"{what} is not a mapping", "give it options: {1: label, ...}")
    options = ctx.require(spec, "options", (dict, list), what)
    pairs: list[tuple[int, str]] = []
    if isinstance(options, dict):
        items = list(options.items())
    else:
        items = list(enumerate(options, start=1))
    for code, label in items:
        try:
            pairs.append((int(code), str(label)))
        except (TypeError, ValueError):
            raise ctx.fail(options if isinstance(options, dict) else spec, "options",
                           f"{what}: code {code!r} is not a whole number",
                           "write options as `1: Strongly disagree`") from None
    codes = [c for c, _ in pairs]
    if len(set(codes)) != len(codes):
        raise ctx.fail(spec, "options", f"{what} repeats a code", "give every option its own code")
    aliases_spec = ctx.optional(spec, "aliases", dict, {}, what)
    aliases = []
    for alias, code in aliases_spec.items():
        if code not in codes:
            raise ctx.fail(aliases_spec, alias, f'{what}: alias "{alias}" points at code {code!r}, which is not an option',
                           f"use one of the codes {codes}")
        aliases.append((str(alias), int(code)))
    return ResponseSet(
        id=rid,
        options=tuple(pairs),
        ordered=bool(ctx.optional(spec, "ordered", bool, True, what)),
        aliases=tuple(aliases),
        missing=_str_tuple(ctx, spec, "missing", what),
    )


def _parse_item(ctx: _Ctx, spec, response_sets: dict) -> Item:
    if not isinstance(spec, dict):
        raise ctx.fail({}, None, f"an item is {spec!r}", "each item is a mapping with id, text and type")
    item_id = str(ctx.require(spec, "id", (str,), "an item"))
    what = f'item "{item_id}"'
    if not _ID.match(item_id):
        raise ctx.fail(spec, "id", f'{what}: ids are lower-case letters, digits and "_"',
                       "rename it, e.g. see_the_system")
    kind = ctx.require(spec, "type", str, what)
    if kind not in ITEM_TYPES:
        raise ctx.fail(spec, "type", f'{what}: type "{kind}" is not known', f"use one of: {', '.join(ITEM_TYPES)}")
    rset = spec.get("response_set")
    if kind in ("likert", "choice", "multi", "roster_grid") and not rset:
        raise ctx.fail(spec, None, f"{what} ({kind}) has no response_set",
                       f"add response_set: one of {', '.join(response_sets) or '(define response_sets first)'}")
    if rset and rset not in response_sets:
        raise ctx.fail(spec, "response_set", f'{what}: response set "{rset}" is not defined',
                       f"define it under response_sets or use one of: {', '.join(response_sets)}")
    relation = spec.get("relation")
    if kind.startswith("roster") and relation not in RELATIONS and spec.get("attribute") is None:
        raise ctx.fail(spec, "relation", f"{what}: a roster question needs relation (or attribute)",
                       f"use relation: one of {', '.join(RELATIONS)}")
    known = {"id", "text", "type", "response_set", "reverse", "required", "aliases", "relation",
             "attribute", "min", "max", "then_of", "quotable_if", "prompt", "module", "note",
             "qualtrics", "unknown_choice"}
    for key in spec:
        if key not in known:
            raise ctx.fail(spec, key, f'{what}: "{key}" is not a known item key',
                           f"use only: {', '.join(sorted(known))}")
    tag, qid = _parse_qualtrics_ids(ctx, spec, what)
    unknown_choice = ctx.optional(spec, "unknown_choice", str, "response", what)
    if unknown_choice not in UNKNOWN_CHOICE or (kind != "multi" and "unknown_choice" in spec):
        raise ctx.fail(spec, "unknown_choice",
                       f'{what}: unknown_choice "{unknown_choice}" is not known'
                       if unknown_choice not in UNKNOWN_CHOICE else
                       f"{what}: unknown_choice applies to multi-select (multi) questions only",
                       "use unknown_choice: answer (an answer that is not one of the options "
                       "holds back only this question's answer) or response (the whole "
                       "response, the default), on a multi question")
    return Item(
        id=item_id,
        text=str(ctx.require(spec, "text", str, what)),
        type=kind,
        response_set=rset,
        reverse=bool(ctx.optional(spec, "reverse", bool, False, what)),
        required=bool(ctx.optional(spec, "required", bool, False, what)),
        aliases=_str_tuple(ctx, spec, "aliases", what),
        relation=relation,
        attribute=spec.get("attribute"),
        minimum=spec.get("min"),
        maximum=spec.get("max"),
        then_of=spec.get("then_of"),
        quotable_if=_quotable_if(ctx, spec, what),
        prompt=spec.get("prompt"),
        module=None if spec.get("module") is None else str(spec.get("module")),
        qualtrics_tag=tag,
        qualtrics_qid=qid,
        unknown_choice=unknown_choice,
    )


def _quotable_if(ctx: _Ctx, spec, what: str) -> str | tuple[str, ...] | None:
    """``quotable_if: quote_consent`` or a list of consent items that must all be "Yes"."""
    value = spec.get("quotable_if")
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value[0] if len(value) == 1 else tuple(value)
    raise ctx.fail(spec, "quotable_if", f"{what}: quotable_if is {_shown(value)}",
                   "name the yes/no consent item (quotable_if: quote_consent), or list the "
                   "items that must all be answered Yes (quotable_if: [share_consent, "
                   "quote_consent])")


_QID = re.compile(r"^QID\d+(?:[_-]\w+)*$", flags=re.IGNORECASE)


def _parse_qualtrics_ids(ctx: _Ctx, spec, what: str) -> tuple[str | None, str | None]:
    """``qualtrics: {tag: Q7, qid: QID7}``: the question's export tag and/or id in Qualtrics.

    With them a Qualtrics export matches this item whatever language its
    question-text row is in (row 1 holds the tag, row 3 the QID).
    """
    ids = ctx.optional(spec, "qualtrics", dict, None, what)
    if ids is None:
        return None, None
    for key in ids:
        if key not in ("tag", "qid"):
            raise ctx.fail(ids, key, f'{what}: "qualtrics" takes tag and qid, not "{key}"',
                           "write qualtrics: {tag: Q7, qid: QID7} (either may be left out)")
    tag = ctx.optional(ids, "tag", (str, int), None, f"{what}, qualtrics")
    qid = ctx.optional(ids, "qid", str, None, f"{what}, qualtrics")
    if tag is None and qid is None:
        raise ctx.fail(ids, None, f'{what}: "qualtrics" names neither tag nor qid',
                       "add tag: (row 1 of the export, e.g. Q7) and/or qid: (e.g. QID7)")
    if qid is not None and not _QID.match(qid.strip()):
        raise ctx.fail(ids, "qid", f'{what}: qid "{qid}" is not a Qualtrics question id',
                       "a qid looks like QID7 (row 3 of the export shows it)")
    return (None if tag is None else str(tag).strip()), (None if qid is None else qid.strip())


def _parse_scale(ctx: _Ctx, spec, item_ids: set[str]) -> Scale:
    scale_id = str(ctx.require(spec, "id", str, "a scale"))
    what = f'scale "{scale_id}"'
    items = _str_tuple(ctx, spec, "items", what)
    if not items:
        raise ctx.fail(spec, None, f"{what} lists no items", "add items: [item_id, ...]")
    for it in items:
        if it not in item_ids:
            raise ctx.fail(spec, "items", f'{what} uses item "{it}", which this instrument does not ask',
                           "add the item or remove it from the scale")
    scoring = ctx.optional(spec, "scoring", str, "mean", what)
    if scoring not in ("mean", "sum"):
        raise ctx.fail(spec, "scoring", f'{what}: scoring "{scoring}" is not known', "use mean or sum")
    min_items = ctx.optional(spec, "min_items", int, max(1, (len(items) + 1) // 2), what)
    if not 1 <= min_items <= len(items):
        raise ctx.fail(spec, "min_items", f"{what}: min_items {min_items} is outside 1–{len(items)}",
                       "set it to how many items must be answered for a score")
    return Scale(
        id=scale_id,
        title=str(ctx.optional(spec, "title", str, scale_id, what)),
        items=items,
        scoring=scoring,
        min_items=min_items,
        aim=None if spec.get("aim") is None else str(spec.get("aim")),
        principles=_str_tuple(ctx, spec, "principles", what),
        then_of=spec.get("then_of"),
        description=str(spec.get("description") or ""),
    )


def _read_yaml(path: Path, what: str = "instrument file"):
    """A YAML file, bounded in size, nesting and aliases (see :mod:`evaluate.inputs`)."""
    return load_yaml(path, what=what, loader=_LineLoader)


_CACHE: dict[tuple, Instrument] = {}


def load_instrument(path: str | Path) -> Instrument:
    """Load one instrument file, checking it thoroughly (cached while the file is unchanged).

    Raises
    ------
    InstrumentError
        Naming the file, line and key at fault and how to fix it.
    """
    path = Path(path)
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None
    if key is not None and key in _CACHE:
        return _CACHE[key]
    instrument = _load_instrument(path)
    if key is not None:
        _CACHE[key] = instrument
    return instrument


def _load_instrument(path: Path) -> Instrument:
    ctx = _Ctx(path)
    doc = _read_yaml(path)
    if not isinstance(doc, dict):
        raise InstrumentError(f"{path.name}: an instrument file is a mapping with id, version, items — this one is empty or a list")
    inst_id = str(ctx.require(doc, "id", str, "the instrument"))
    if not _ID.match(inst_id):
        raise ctx.fail(doc, "id", f'instrument id "{inst_id}" should be lower-case letters, digits and "_"', "rename it")
    version = ctx.require(doc, "version", int, "the instrument")
    rsets_spec = ctx.optional(doc, "response_sets", dict, {}, "the instrument")
    response_sets = {str(k): _parse_response_set(ctx, str(k), v) for k, v in rsets_spec.items()}
    items_spec = ctx.require(doc, "items", list, "the instrument")
    items = tuple(_parse_item(ctx, s, response_sets) for s in items_spec)
    seen: set[str] = set()
    for spec, item in zip(items_spec, items, strict=True):
        if item.id in seen:
            raise ctx.fail(spec, "id", f'item id "{item.id}" appears twice', "give each item its own id")
        seen.add(item.id)
    platform_ids: dict[str, str] = {}
    for spec, item in zip(items_spec, items, strict=True):
        for pid in (item.qualtrics_tag, item.qualtrics_qid):
            if pid is None:
                continue
            other = platform_ids.setdefault(pid.casefold(), item.id)
            if other != item.id:
                raise ctx.fail(spec, "qualtrics", f'items "{other}" and "{item.id}" both claim the '
                               f'Qualtrics id "{pid}"', "give each question its own tag and qid")
    for spec, item in zip(items_spec, items, strict=True):
        if item.then_of and item.then_of not in seen:
            raise ctx.fail(spec, "then_of", f'item "{item.id}" is a then-test of "{item.then_of}", which is not asked',
                           "then_of names an item of this instrument")
    scales_spec = ctx.optional(doc, "scales", list, [], "the instrument")
    scales = tuple(_parse_scale(ctx, s, seen) for s in scales_spec)
    scale_ids = [s.id for s in scales]
    if len(set(scale_ids)) != len(scale_ids):
        raise ctx.fail(doc, "scales", "a scale id appears twice", "give each scale its own id")
    identity_spec = ctx.optional(doc, "identity", dict, {}, "the instrument")
    identity = {str(k): _str_tuple(ctx, identity_spec, k, "identity") for k in identity_spec}
    return Instrument(
        id=inst_id,
        version=version,
        title=str(ctx.optional(doc, "title", str, inst_id, "the instrument")),
        wave=str(ctx.optional(doc, "wave", str, "baseline", "the instrument")),
        items=items,
        response_sets=response_sets,
        scales=scales,
        compares_with=_str_tuple(ctx, doc, "compares_with", "the instrument"),
        identity=identity,
        description=str(doc.get("description") or ""),
        path=path,
    )


def default_instrument_dir() -> Path:
    """The ``instruments/`` folder shipped with the project (in the wheel, or the checkout's)."""
    from evaluate.resources import shipped_dir

    found = shipped_dir("instruments")
    if found is None:
        raise InstrumentError("Cannot find the shipped instruments/ folder (this installation is "
                              "incomplete: reinstall programme-evaluate) — or pass --instruments DIR")
    return found


def load_instruments(directory: str | Path | None = None) -> dict[str, Instrument]:
    """Every instrument under ``directory`` (default: the shipped ones), keyed ``id@version``."""
    directory = Path(directory) if directory else default_instrument_dir()
    found: dict[str, Instrument] = {}
    for path in sorted(directory.glob("*.y*ml")):
        if path.stem in ("programme", "codebook"):
            continue
        inst = load_instrument(path)
        if inst.ref in found:
            other = found[inst.ref].path
            raise InstrumentError(
                f"{path.name} and {other.name if other else '?'} both define {inst.ref} — "
                "give the newer one the next version number"
            )
        found[inst.ref] = inst
    return found


def resolve(ref: str, instruments: dict[str, Instrument] | None = None) -> Instrument:
    """Find ``id@version`` (or the latest version of ``id``)."""
    instruments = instruments if instruments is not None else load_instruments()
    ref = ref.strip()
    if ref in instruments:
        return instruments[ref]
    inst_id, _, version = ref.partition("@")
    same_id = sorted((i for i in instruments.values() if i.id == inst_id), key=lambda i: i.version)
    if not version and same_id:
        return same_id[-1]
    if same_id:
        raise InstrumentError(
            f'There is no version {version} of instrument "{inst_id}" — versions available: '
            + ", ".join(i.ref for i in same_id)
        )
    raise InstrumentError(
        f'There is no instrument "{ref}" — available: {", ".join(sorted(instruments)) or "(none)"}. '
        "Run `evaluate instruments list` to see them."
    )


def load_programme(directory: str | Path | None = None) -> Programme:
    """The programme description (``programme.yaml``): aims, principles, modules."""
    directory = Path(directory) if directory else default_instrument_dir()
    path = directory / "programme.yaml"
    ctx = _Ctx(path)
    doc = _read_yaml(path, "programme file")
    if not isinstance(doc, dict):
        raise InstrumentError(f"{path.name}: expected a mapping with name, aims, principles")

    def entries(key: str) -> tuple[Aim, ...]:
        out = []
        for spec in ctx.optional(doc, key, list, [], "the programme"):
            out.append(Aim(id=str(ctx.require(spec, "id", (str, int), key)),
                           title=str(ctx.require(spec, "title", str, key)),
                           short=str(spec.get("short") or "")))
        return tuple(out)

    from evaluate.logic import parse_logic_model

    aims = entries("aims")
    return Programme(
        name=str(ctx.require(doc, "name", str, "the programme")),
        aims=aims,
        principles=entries("principles"),
        modules=entries("modules"),
        logic_model=parse_logic_model(doc.get("logic_model"), path.name, aims),
    )


# --------------------------------------------------------------------------- diff
def diff(a: Instrument, b: Instrument) -> pd.DataFrame:
    """What changed from instrument ``a`` to ``b``.

    Returns
    -------
    DataFrame with columns ``part`` (item / scale / response_set), ``id``,
    ``change`` (added / removed / changed), ``field``, ``before``, ``after``.
    Empty when nothing changed.
    """
    rows: list[dict] = []

    def compare(part: str, old: dict, new: dict, fields: tuple[str, ...]):
        for key in old.keys() - new.keys():
            rows.append(dict(part=part, id=key, change="removed", field="", before="", after=""))
        for key in new.keys() - old.keys():
            rows.append(dict(part=part, id=key, change="added", field="", before="", after=""))
        for key in old.keys() & new.keys():
            for f in fields:
                before, after = getattr(old[key], f), getattr(new[key], f)
                if before != after:
                    rows.append(dict(part=part, id=key, change="changed", field=f,
                                     before=_show(before), after=_show(after)))

    compare("item", {i.id: i for i in a.items}, {i.id: i for i in b.items},
            ("text", "type", "response_set", "reverse", "aliases", "relation", "then_of",
             "qualtrics_tag", "qualtrics_qid"))
    compare("scale", {s.id: s for s in a.scales}, {s.id: s for s in b.scales},
            ("items", "scoring", "min_items", "aim", "principles"))
    compare("response_set", a.response_sets, b.response_sets, ("options", "missing", "aliases"))
    out = pd.DataFrame(rows, columns=["part", "id", "change", "field", "before", "after"])
    order = {"response_set": 0, "item": 1, "scale": 2}
    return out.sort_values(["part", "id", "field"], key=lambda s: s.map(order) if s.name == "part" else s,
                           ignore_index=True)


def _show(value) -> str:
    if isinstance(value, tuple):
        return ", ".join(_show(v) for v in value)
    return "" if value is None else str(value)
