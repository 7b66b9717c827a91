"""The instruments shipped in instruments/ load and fit together.

These tests read the real YAML files, so a typo in an instrument (an item id
that a scale misses, a then-test pointing nowhere) fails here before it fails
an import.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluate.instruments import ITEM_TYPES, diff, load_instruments, load_programme, resolve
from evaluate.normalise import normalise_heading

INSTRUMENT_DIR = Path(__file__).resolve().parent.parent / "instruments"
EXPECTED = {
    "baseline@1",
    "baseline@2",
    "connections@1",
    "session_feedback@1",
    "network@1",
    "post@1",
    "follow_up@1",
}


@pytest.fixture(scope="module")
def instruments():
    return load_instruments(INSTRUMENT_DIR)


@pytest.fixture(scope="module")
def programme():
    return load_programme(INSTRUMENT_DIR)


def test_every_expected_instrument_is_shipped(instruments):
    assert set(instruments) >= EXPECTED


def test_file_names_match_id_and_version(instruments):
    for ref, inst in instruments.items():
        assert inst.path is not None
        assert inst.path.stem == f"{inst.id}-v{inst.version}", ref


def test_programme_aims_principles_modules(programme):
    assert programme.name == "Leading Beyond Boundaries"
    assert [a.id for a in programme.aims] == ["aim1", "aim2", "aim3"]
    assert [p.id for p in programme.principles] == [f"p{i}" for i in range(1, 7)]
    assert [m.id for m in programme.modules] == ["day1", "day2"]
    assert all(a.short for a in programme.aims)
    assert "Coach Approach" in programme.modules[1].short


def test_scales_point_at_real_aims_and_principles(instruments, programme):
    aims = {a.id for a in programme.aims}
    principles = {p.id for p in programme.principles}
    for ref, inst in instruments.items():
        for scale in inst.scales:
            assert scale.aim in aims, (ref, scale.id)
            assert set(scale.principles) <= principles, (ref, scale.id)


def test_baseline_covers_every_aim_and_principle(instruments, programme):
    base = instruments["baseline@1"]
    assert {s.aim for s in base.scales} == {a.id for a in programme.aims}
    covered = {p for s in base.scales for p in s.principles}
    assert covered == {p.id for p in programme.principles}


def test_multi_item_scales_have_a_reverse_item_where_natural(instruments):
    base = instruments["baseline@1"]
    with_reverse = [s.id for s in base.scales if any(base.item(i).reverse for i in s.items)]
    assert {"system_leadership", "coach_approach", "peer_network", "system_innovation"} <= set(
        with_reverse
    )


def test_scale_items_are_likert_on_one_response_set(instruments):
    for ref, inst in instruments.items():
        for scale in inst.scales:
            kinds = {inst.item(i).type for i in scale.items}
            rsets = {inst.item(i).response_set for i in scale.items}
            assert kinds == {"likert"}, (ref, scale.id)
            assert len(rsets) == 1, (ref, scale.id)


@pytest.mark.parametrize("ref", ["post@1", "follow_up@1"])
def test_later_waves_repeat_baseline_scales_with_same_ids(instruments, ref):
    base, later = instruments["baseline@1"], instruments[ref]
    assert "baseline@1" in later.compares_with
    for scale in base.scales:
        again = later.scale(scale.id)
        assert again.items == scale.items
        for item_id in scale.items:
            before, after = base.item(item_id), later.item(item_id)
            assert (before.text, before.reverse, before.response_set) == (
                after.text,
                after.reverse,
                after.response_set,
            )


def test_follow_up_repeats_post_change_challenge(instruments):
    post, follow = instruments["post@1"], instruments["follow_up@1"]
    assert post.scale("change_challenge").items == follow.scale("change_challenge").items


def test_then_items_point_at_real_items(instruments):
    post = instruments["post@1"]
    then_items = [i for i in post.items if i.then_of]
    assert len(then_items) >= 10
    for item in then_items:
        target = post.item(item.then_of)
        assert item.id == f"then_{target.id}"
        assert item.text.startswith("Looking back, before the programme: ")
        assert item.text.endswith(target.text)
        assert item.reverse == target.reverse


def test_then_scales_mirror_their_scale(instruments):
    post = instruments["post@1"]
    then_scales = [s for s in post.scales if s.then_of]
    assert then_scales
    for scale in then_scales:
        target = post.scale(scale.then_of)
        assert scale.items == tuple(f"then_{i}" for i in target.items)
        assert scale.aim == target.aim


def test_quotable_if_names_a_yes_no_item(instruments):
    for ref, inst in instruments.items():
        for item in inst.items:
            for name in item.quote_consents:
                consent = inst.item(name)
                assert consent.type == "choice", ref
                assert set(inst.response_set_of(consent).labels) == {"Yes", "No"}, ref


def test_every_text_item_in_connections_has_a_prompt(instruments):
    conn = instruments["connections@1"]
    prompts = [i for i in conn.items if i.type == "text"]
    assert len(prompts) == 4
    assert all(i.prompt and i.quotable_if == "quote_consent" for i in prompts)


def test_network_items(instruments):
    net = instruments["network@1"]
    relations = {i.id: i.relation for i in net.items if i.type == "roster_multi"}
    assert relations == {
        "knew_before": "knew_before",
        "worked_with": "worked_with",
        "advice": "advice",
    }
    grids = {i.attribute: i for i in net.items if i.type == "roster_grid"}
    assert set(grids) == {"frequency", "trust"}
    assert net.response_set_of(grids["trust"]).codes == (-1, 0, 1)
    assert net.response_set_of(grids["frequency"]).labels[0] == "Never"


def test_session_feedback_covers_both_days(instruments, programme):
    fb = instruments["session_feedback@1"]
    modules = {i.module for i in fb.items if i.module}
    assert modules == {m.id for m in programme.modules}
    nps = fb.response_set_of(fb.item("recommend"))
    assert nps.codes == tuple(range(11))


def test_item_types_are_known(instruments):
    for inst in instruments.values():
        assert {i.type for i in inst.items} <= set(ITEM_TYPES)


def test_identity_aliases(instruments):
    for ref, inst in instruments.items():
        assert "Email" in inst.identity["email"], ref
        assert "RecipientEmail" in inst.identity["email"], ref
        assert "Your name" in inst.identity["name"], ref


def test_baseline_v2_diff_shows_reworded_and_added_item(instruments):
    changes = diff(resolve("baseline@1", instruments), resolve("baseline@2", instruments))
    reworded = changes[(changes.part == "item") & (changes.field == "text")]
    assert list(reworded.id) == ["need_certainty"]
    added = changes[(changes.part == "item") & (changes.change == "added")]
    assert list(added.id) == ["place_priorities"]
    # everything else is identical, so the rest stays comparable
    assert set(changes.id) <= {"need_certainty", "place_priorities", "community_voice"}


def test_latest_baseline_is_version_two(instruments):
    assert resolve("baseline", instruments).version == 2


def test_no_heading_points_at_two_items(instruments):
    """A heading or alias shared by two items would make column matching ambiguous."""
    for ref, inst in instruments.items():
        owner: dict[str, str] = {}
        identity = {normalise_heading(a) for aliases in inst.identity.values() for a in aliases}
        for item in inst.items:
            for key in item.headings():
                assert owner.setdefault(key, item.id) == item.id, (ref, key)
                assert key not in identity, (ref, key)
