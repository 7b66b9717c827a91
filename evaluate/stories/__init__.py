"""Participants' stories of change (the Most Significant Change technique).

- :mod:`evaluate.stories.collect`: the stories in a workspace, each with its
  domain (the programme aim it is about) and its storyteller's consents; a
  story whose author did not agree to share it never leaves this module with
  its words.
- :mod:`evaluate.stories.rounds`: the selection panels' decisions, recorded as
  events in the workspace history (who decided, when, why; undoable), round
  after round (team, then programme board ...).
- :mod:`evaluate.stories.workbook`: the panel's workbook, written for a round
  and read back when the panel has filled it in.

Davies, R. & Dart, J. (2005). *The 'Most Significant Change' (MSC) Technique:
A Guide to Its Use.*
"""

from evaluate.stories.collect import STORY_COLUMNS, collect_stories, story_counts
from evaluate.stories.rounds import (
    DECISION_COLUMNS,
    chosen_stories,
    panel_rounds,
    record_round,
    round_candidates,
    story_selection,
)

__all__ = ["STORY_COLUMNS", "DECISION_COLUMNS", "collect_stories", "story_counts",
           "panel_rounds", "record_round", "round_candidates", "story_selection", "chosen_stories"]
