"""Generate the synthetic sample data for *Leading Beyond Boundaries*.

Run from the repository root::

    python sample_data/generate.py            # writes into sample_data/
    python sample_data/generate.py --out DIR  # writes somewhere else

Everything is synthetic: people, organisations, answers and comments are made
up with a fixed random seed, so the output is the same byte for byte on every
run (xlsx files get fixed workbook properties and fixed zip timestamps).

What it writes (all paths relative to the output folder):

* ``roster.csv`` — two cohorts (``c1``, ``c2``) of about 40 people each, and a
  wait-list comparison group (``c3``, ``comparison`` = wait-list) of 36.
* ``c3/`` — the comparison group's baseline, end and follow-up answers.
* ``c1/``, ``c2/`` — one export per instrument and wave, each in a real
  platform layout (Microsoft Forms, Google Forms, Qualtrics current and
  legacy, SurveyMonkey, hand-made csv), with the mess real exports have.
* ``broken/`` — small exports with one deliberate problem each.
* ``manifest.yaml`` — what each export is (instrument, cohort, wave, platform).
* ``effects.yaml`` — the effects built into the data, to check analyses against.

The latent model: each participant has a true level on every scale; item
answers are that level plus an item offset plus noise, rounded to the 1–5
scale (reverse-keyed items are stored reversed). Between baseline and the end
(and follow-up) each scale's true level moves by a fixed mean change plus
individual variation; see ``EFFECTS`` below and ``effects.yaml``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import yaml

# openpyxl writes its XML with lxml when lxml is installed (python-docx brings it)
# and with the standard library otherwise; the bytes differ. The committed sample
# files are the standard library's, so the generator always writes that way.
os.environ["OPENPYXL_LXML"] = "False"
from openpyxl import Workbook  # noqa: E402
from openpyxl.writer.excel import ExcelWriter  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from evaluate.instruments import Instrument, load_instruments  # noqa: E402

__all__ = ["generate", "main", "EFFECTS", "SEED"]

SEED = 20240312
#: Fixed workbook properties and zip timestamps, so xlsx files are reproducible.
FIXED_TIME = datetime(2025, 12, 1, 9, 0, 0)
PNS = "__prefer_not_to_say__"

# --------------------------------------------------------------------------- effects
#: scale: (baseline mean, change to end, change to follow-up, SD of individual change)
EFFECTS: dict[str, tuple[float, float, float, float]] = {
    "system_leadership": (2.9, 0.7, 0.6, 0.6),
    "coach_approach": (3.0, 0.6, 0.45, 0.6),
    "peer_network": (2.8, 0.5, 0.45, 0.5),
    "system_innovation": (2.7, 0.45, 0.55, 0.6),
    "courage_to_innovate": (3.1, 0.3, 0.3, 0.5),
    "community_voice": (3.2, 0.0, 0.0, 0.4),
    "story_for_change": (2.9, 0.4, 0.35, 0.5),
    "adaptive_leadership": (2.9, 0.45, 0.4, 0.5),
}
#: Cohort c2 gains this much more than c1 on this scale (c1 gets −half, c2 +half).
COHORT_DIFFERENCE = ("system_leadership", 0.3)
#: Then-test ("looking back, before the programme") minus the true baseline level.
THEN_SHIFT = -0.3
THEN_SCALES = ("system_leadership", "coach_approach", "peer_network", "system_innovation")
#: Change-challenge scale (asked at end and follow-up only): true mean level.
CHANGE_CHALLENGE = {"end": 3.6, "follow_up": 3.8}
ATTRITION = {"end": 0.15, "follow_up": 0.30}
#: Chance that a respondent names someone they worked with (each tie, each wave).
WORKED_REPORT_RATE = 0.9
#: The comparison group: a wait-list for the next cohort ("c3"), surveyed with c2 at
#: baseline, end and follow-up. Their latent level drifts by SECULAR on every scale
#: (what would have happened anyway), so the programme's own effect on a scale is its
#: change in EFFECTS minus this drift.
COMPARISON = {"cohort": "c3", "kind": "wait-list", "size": 36, "seed_offset": 13,
              "dates": "c2", "secular": {"end": 0.1, "follow_up": 0.1}}
ITEM_NOISE = 0.55
PNS_RATE = 0.015
BLANK_RATE = 0.015

# --------------------------------------------------------------------------- people
# fmt: off
FIRST = [
    "Siobhán", "Zoë", "Aoife", "Amara", "Priya", "Mohammed", "Tomás", "Chloé", "José",
    "Anaïs", "Björn", "Renée", "Ngozi", "Oluwaseun", "Jasvinder", "Fatima", "Kwame",
    "Eleanor", "Rhys", "Callum", "Hannah", "Imran", "Grace", "Daniel", "Olivia", "Harpreet",
    "Yusuf", "Megan", "Ewan", "Ayesha", "Thomas", "Laura", "Ravi", "Bethany", "Marcus",
    "Nadia", "Sean", "Abigail", "Kofi", "Lucy", "Samir", "Rachel", "Dylan", "Mei", "Adam",
    "Sophie", "Tariq", "Emma", "Gareth", "Precious", "Joanna", "Farah", "Liam", "Helen",
    "Chidi", "Rosa", "Arjun", "Katie", "Owen", "Yasmin", "Peter", "Niamh", "Benedict",
    "Shanice", "Krzysztof", "Gemma", "Abdul", "Victoria", "Matthew", "Leah", "Raj",
    "Charlotte", "Declan", "Esther", "Hamza", "Alice", "Jonah", "Sunita", "Martin", "Ife",
]
LAST = [
    "O'Neill", "Adeyemi", "Murphy", "Okafor", "Patel", "Rahman", "García", "Dubois",
    "Ferreira", "Lindqvist", "Nguyen", "Mensah", "Kaur", "Begum", "Hughes", "Williams",
    "Jones", "Ahmed", "Singh", "Clarke", "Taylor", "Brown", "Evans", "Thompson", "Hussain",
    "Walker", "Wright", "Robinson", "Wood", "Khan", "Edwards", "Green", "Hall", "Lewis",
    "Chowdhury", "Bailey", "Kowalski", "Mahmood", "Osei", "Campbell", "Da Silva", "Ali",
    "Barnes", "Fletcher", "Iqbal", "MacLeod", "Morgan", "Nwosu", "Price", "Quinn",
    "Reid", "Shah", "Turner", "Ward", "Young", "Bennett", "Chen", "Doherty", "Ellis",
    "Foster", "Gill", "Harris", "Jackson", "Kelly", "Lawson", "Mistry", "Nolan",
    "Owusu", "Parker", "Rossi", "Sharma", "Tiwari", "Usman", "Vaughan", "Whitfield",
    "Yilmaz", "Zielinski", "Ó Briain", "Abbott", "Bhatt",
]
#: name, sector (the baseline sector labels), email domain, places, share, roles
ORGANISATIONS = [
    ("Three Counties Hospitals NHS Trust", "NHS acute", "example.nhs.uk",
     ["Bedford", "Luton"], 0.16,
     ["Ward manager", "Consultant physician", "Head of patient flow", "Discharge lead"]),
    ("Milton Keynes General Hospital NHS Trust", "NHS acute", "example.nhs.uk",
     ["Milton Keynes"], 0.10,
     ["Matron", "Service manager", "Clinical lead for frailty"]),
    ("BLMK Community Health NHS Trust", "NHS community", "example.nhs.uk",
     ["Bedford", "Luton", "Milton Keynes", "Central Bedfordshire"], 0.12,
     ["District nursing team lead", "Community mental health lead", "Therapy service manager"]),
    ("Ivel Valley Primary Care Network", "Primary care", "example.nhs.uk",
     ["Central Bedfordshire"], 0.07,
     ["Practice manager", "PCN clinical director", "Social prescribing lead"]),
    ("Luton North Primary Care Network", "Primary care", "example.nhs.uk",
     ["Luton"], 0.07,
     ["Practice manager", "GP partner", "Care coordinator lead"]),
    ("Bedford Borough Council", "Local authority", "example.gov.uk",
     ["Bedford"], 0.11,
     ["Public health programme manager", "Housing options manager", "Social work team manager"]),
    ("Luton Borough Council", "Local authority", "example.gov.uk",
     ["Luton"], 0.11,
     ["Head of adult social care", "Public health specialist", "Early help manager"]),
    ("Community Action Partnership", "Voluntary and community sector", "example.org.uk",
     ["Bedford", "Luton", "Milton Keynes", "Central Bedfordshire"], 0.09,
     ["Community development lead", "Volunteer services manager", "Chief executive"]),
    ("Bedfordshire Fire and Rescue Service", "Fire and rescue", "example.gov.uk",
     ["Bedford", "Luton", "Central Bedfordshire"], 0.07,
     ["Station commander", "Prevention manager", "Community safety lead"]),
    ("BLMK Integrated Care Board", "Integrated care board", "example.nhs.uk",
     ["Bedford", "Luton", "Milton Keynes", "Central Bedfordshire"], 0.10,
     ["Head of transformation", "Commissioning manager", "Population health analyst"]),
]
# fmt: on
COHORTS = {"c1": 40, "c2": 38}
#: Dates of each wave, per cohort (day1 is also the baseline and network-baseline day).
WAVE_DATES = {
    "c1": {
        "baseline": "2024-03-12",
        "day1": "2024-03-12",
        "day2": "2024-04-16",
        "end": "2024-11-19",
        "follow_up": "2025-05-20",
    },
    "c2": {
        "baseline": "2024-09-17",
        "day1": "2024-09-17",
        "day2": "2024-10-15",
        "end": "2025-05-13",
        "follow_up": "2025-11-18",
    },
}

# --------------------------------------------------------------------------- free text
HOPES = [
    "To understand how the wider system fits together and where I can make a difference.",
    "A network of people outside my own organisation that I can call on.",
    "Confidence to lead beyond my own team, especially when I have no formal authority.",
    "Practical tools for working with partners on problems nobody owns.",
    "Time to step back from the day job and think about how we work across Luton.",
    "Better relationships with colleagues in the council and the voluntary sector.",
    "To get unstuck on our discharge pathway and meet the people who can help.",
    "Coaching skills I can use with my own team.",
    "Honestly not sure yet - I was nominated by my manager.",
    "To learn how other parts of the system see us, and to challenge my own assumptions.",
    "Some fresh thinking on prevention work in Central Bedfordshire.",
    "Peer support. It can be lonely trying to change things across organisations.",
]
CHALLENGES = [
    "Hospital discharge delays for people who need a package of care at home.",
    "Too many frequent attenders at A&E who are really lonely or in housing crisis.",
    "Getting fire and rescue safe-and-well visits linked to falls prevention.",
    "Employment opportunities for people with a learning disability in BLMK.",
    "Waiting times for young people's mental health support.",
    "Social prescribing referrals that never reach the voluntary sector.",
    "Type 2 diabetes prevention in communities we do not currently reach.",
    "Recruitment and retention of care workers in Bedford.",
    "Cold homes and respiratory admissions every winter.",
    "",
]
CONNECTIONS = {
    "reaction_to_change": [
        "Frustrated at first when our team was restructured, then relieved once we understood why.",
        "Anxious. We moved to a new electronic record and nobody asked the frontline.",
        "Honestly excited - the new neighbourhood team has given us permission to try things.",
        "Tired. It felt like the third reorganisation in two years.",
        "I resisted it and later realised it was the right call.",
        "Curious but sceptical; the change was announced before anyone had talked to residents.",
        "Relief that the merger finally happened, sadness about the colleagues who left.",
    ],
    "challenging_learning": [
        "Leading my first serious incident review.",
        "Moving from a clinical role into management overnight.",
        "Learning to speak up in a board meeting as the only voluntary sector person there.",
        "My first year as a newly qualified social worker.",
        "Being told my project had failed and having to start again with the community.",
        "Doing a master's degree while working full time with two small children.",
    ],
    "proud_of_system": [
        "How everyone pulled together during the pandemic, whatever the logo on the badge.",
        "Our community hubs in Luton - they are genuinely run with residents.",
        "The frailty virtual ward; it keeps people at home.",
        "The people. There is so much goodwill if we can get out of its way.",
        "Partnership with the fire service on home safety visits.",
        "The way primary care networks have grown up in the last few years.",
    ],
    "future_excites": [
        "Working at neighbourhood level with people who actually live there.",
        "Using data across organisations to target prevention properly.",
        "A generation of leaders who think in systems rather than silos.",
        "The chance to do things differently rather than just faster.",
        "Digital tools that free up time for real conversations.",
        "Seeing our change challenge make a difference for families in Milton Keynes.",
    ],
}
WORKED = {
    "day1": [
        "The community visit brought the system to life.",
        "Creating connections - I met people I would never have met otherwise.",
        "System mapping made me see how much I do not know about other partners.",
        "Change challenges session was practical and energising.",
        "The visiting speaker was inspiring and honest.",
        "Good mix of people and plenty of time to talk.",
    ],
    "day2": [
        "Coaching practice in trios - hard but really useful.",
        "Systemcraft gave me a language for complex problems.",
        "Meeting my action learning set.",
        "The listening levels model; I realised how often I interrupt.",
        "Leadership exchange planning - looking forward to it.",
        "Powerful questions practice was the highlight.",
    ],
}
BETTER = [
    "More breaks - it was a long day.",
    "The room was too hot and too small for the group work.",
    "Less time on the programme admin, more on the content.",
    "Send the slides in advance please.",
    "More time in the afternoon session; it felt rushed.",
    "Nothing, it was great.",
    "Clearer instructions for the mapping exercise.",
    "Car parking was a nightmare.",
]
MOST_VALUABLE = [
    "The network. I now know who to call in the council and they pick up.",
    "Action learning set - a safe space to think out loud.",
    "Coaching skills that I use every week with my team.",
    "Seeing the system from other people's point of view.",
    "The leadership exchange with the fire service - eye opening.",
    "Permission to try things without waiting for a perfect plan.",
    "Systemcraft and the idea that the system is working for someone.",
]
CC_STORY = [
    "We have a joint discharge huddle now with social care and two care providers.",
    "Pilot of fire service referrals into the falls team started in September.",
    "Slow progress - lost our sponsor when the director left - but the working group still meets.",
    "Social prescribing link workers now sit in the community hub one day a week.",
    "We mapped the pathway with families and found three hand-offs nobody owned.",
    "Stalled. Operational pressures took over in winter.",
    "Small test of change in one PCN; planning to spread to two more.",
]
DO_DIFFERENTLY = [
    "Ask more questions and give fewer answers.",
    "Start with who is not in the room.",
    "Pick up the phone to partners rather than escalate.",
    "Spend time understanding the problem before jumping to solutions.",
    "Bring residents' voices into our planning meetings.",
]
# fmt: off
STAKEHOLDERS = [
    "Director of Public Health", "Healthwatch Luton", "housing team lead", "PCN clinical director",
    "care home managers", "Age UK", "adult social care commissioner", "the local mosque",
    "school nurses", "police neighbourhood team", "Carers in Bedfordshire", "discharge hub",
    "ICB finance lead", "community pharmacists", "Citizens Advice", "MK food bank",
]
# fmt: on


#: Stories of change (stories@1), by domain label: (title, story, why it matters). ``{peer}``
#: becomes a cohort colleague's full name and ``{email}`` their email, as people write them;
#: the import hides both.
STORIES = {
    "System leadership": [
        ("Stepping back to see the whole pathway",
         "I used to fix whatever landed on my desk. After the system mapping day I drew the whole "
         "discharge pathway with the ward, social care and the care homes, and we found three "
         "hand-offs nobody owned. We now meet fortnightly and delays have started to fall.",
         "It changed how I lead: I ask who else is part of this before I act."),
        ("Chairing without owning the answer",
         "I chaired the locality board differently: I asked the voluntary sector to open, and I "
         "held back my own view until the end. People said it was the first meeting where they "
         "felt heard.",
         "I had always thought leading meant having the answer. It doesn't."),
        ("A coaching conversation that worked",
         "A manager came to me with a staffing crisis. Instead of solving it I used the coach "
         "approach from day two, and she came up with a rota swap with {peer}'s team that I "
         "would never have thought of.",
         "It showed me that the coach approach works under pressure, not just in training."),
        ("Seeing my service from the outside",
         "On the community visit I heard how our appointment letters read to people whose first "
         "language is not English. I took it back to my team and we rewrote them with the "
         "community group.",
         "I realised how much of the system I had never seen from where residents stand."),
        ("Leading across, not up",
         "I had no authority over the partners in our neighbourhood, so I used the adaptive "
         "leadership ideas to frame the problem together rather than hand out tasks.",
         "Leading without authority is most of my job now, and I finally have tools for it."),
        ("Telling the story for change",
         "I wrote a one-page story for change about frailty in our place and used it at the "
         "health and wellbeing board. For the first time the board asked for more, not less.",
         "A compelling story moved people in a way our data packs never had."),
        ("Saying no to a quick fix",
         "We were about to commission another short pilot. I made the case to the partnership to "
         "slow down and involve residents first, and the board agreed.",
         "It took courage; I would not have done it a year ago."),
    ],
    "Network and trust": [
        ("One phone call instead of six emails",
         "When a family fell between housing and mental health services I rang {peer} from the "
         "council, whom I met on the programme. We sorted it in a day. Before, it would have "
         "taken weeks of referrals.",
         "Because the relationship was already there, trust was already there."),
        ("Our action learning set kept going",
         "Our action learning set still meets every month, a year on. We have brought each other "
         "problems from fire, primary care and the voluntary sector. Contact me at {email} if you "
         "want to join a session.",
         "It is the peer support I never had in my own organisation."),
        ("A joint bid across three organisations",
         "Three of us from the cohort wrote a joint bid for winter funding across the trust, the "
         "council and a local charity. We would never have known each other otherwise.",
         "It proved that the connections are real and can bring in resources."),
        ("A colleague from the fire service",
         "I now ring a colleague in the fire service before every complex discharge. We share "
         "what we know about the home, and two falls were prevented this winter.",
         "I would never have thought of the fire service as part of my team before."),
        ("Trust across the primary care boundary",
         "The GP practices and our community team used to blame each other. After the programme "
         "{peer} and I set up a joint huddle, and the tone of the emails changed.",
         "Trust is what makes the rest possible."),
        ("Someone to think out loud with",
         "When my service was under review I had three people from the cohort I could think out "
         "loud with, in confidence, from outside my organisation.",
         "It made a lonely time much less lonely, and I made better decisions."),
        ("Knowing whom to ask",
         "When the new neighbourhood teams started I already knew the people in the other "
         "organisations. I could introduce my team to theirs on day one.",
         "It saved months of building relationships from scratch."),
    ],
    "System innovation": [
        ("The community café clinic",
         "Our change challenge was health checks for men who never see a GP. We ran them in a "
         "community café with the fire service's safe-and-well visits. Forty men came in the "
         "first month.",
         "It is the first time our work reached people the system usually misses."),
        ("Residents redesigned the leaflet",
         "We asked residents with lived experience to rewrite our falls leaflet. They threw it "
         "out and made a short video instead, which is now used across the place.",
         "Community voice stopped being a phrase and became how we work."),
        ("A shared referral form",
         "Four organisations agreed one referral form for people with complex needs. It took "
         "eight weeks instead of the usual year, because we already knew each other.",
         "Small, but it will save hours every week for frontline staff."),
        ("Young people on the interview panel",
         "Our change challenge put young people on the interview panel for the new youth "
         "worker posts. Their questions were the best ones asked.",
         "It showed that involving communities changes decisions, not just consultations."),
        ("From pilot to practice",
         "The social prescribing link in our practice began as a change challenge pilot. It is "
         "now funded for two more years.",
         "It is proof that the change challenges can last beyond the programme."),
        ("Data we shared for the first time",
         "We joined up housing and hospital data for one street and saw the same families in "
         "both. Now we plan visits together.",
         "We could act on the whole picture instead of our part of it."),
        ("Testing small, learning fast",
         "We tested a shared triage huddle for two weeks instead of planning for six months. It "
         "failed twice and worked the third time.",
         "It gave us permission to try things and learn from what does not work."),
    ],
    "Something else": [
        ("Confidence to apply for a system role",
         "I applied for and got a system-wide role in the integrated care board. I would not have "
         "applied before the programme.",
         "It changed my career and what I think I can do."),
        ("Mentoring the next cohort",
         "I have become a mentor for two people on the next cohort. Passing on what I learnt "
         "has made me use it more myself.",
         "It keeps the programme going beyond our own year."),
        ("Back to study",
         "I enrolled on a part-time master's in public health leadership, encouraged by my "
         "action learning set.",
         "I stopped thinking of myself as only an operational manager."),
        ("Looking after myself",
         "The programme made me notice how close to burnout I was. I now protect time to think "
         "each week.",
         "I can't lead well if I am running on empty."),
    ],
}
#: The sample selection rounds (recorded by `evaluate demo`): per round the level, the panel,
#: the date, and the titles chosen with the panel's reasons and verification notes.
STORY_ROUNDS = [
    {"level": "Cohort teams", "panel": "Cohort 1 and 2 programme team with two alumni",
     "decided": "2025-12-09",
     "chosen": {
         "Stepping back to see the whole pathway": (
             "Shows a change in how the leader works, not only in what they know, and a "
             "result others can see (falling delays).",
             "The ward manager confirmed the fortnightly meeting and the new hand-off owners."),
         "One phone call instead of six emails": (
             "The clearest example of a relationship from the programme changing what happened "
             "for a family.", ""),
         "A joint bid across three organisations": (
             "Three sectors working together because of the cohort; concrete and checkable.",
             "The bid is on the partnership's funding log."),
         "The community café clinic": (
             "A change challenge reaching people the system usually misses.",
             "Attendance figures seen by the team."),
         "Residents redesigned the leaflet": (
             "Community voice shaping the solution, which is what aim 3 asks for.", ""),
         "Confidence to apply for a system role": (
             "An outcome the logic model names (alumni in system roles) that no survey "
             "measures.", "Appointment confirmed by the storyteller."),
     }},
    {"level": "Programme board", "panel": "Leading Beyond Boundaries programme board",
     "decided": "2026-01-13",
     "chosen": {
         "Stepping back to see the whole pathway": (
             "The board chose it as the most significant change in system leadership: it "
             "links a new way of leading to a result for patients.", ""),
         "One phone call instead of six emails": (
             "Most significant for network and trust: the network made a difference to a "
             "family, which the network survey alone cannot show.", ""),
         "The community café clinic": (
             "Most significant for system innovation: a tangible result on a live issue, "
             "across organisations.", "The board asked for the attendance figures to be "
                                       "added to the evaluation."),
     }},
]


# --------------------------------------------------------------------------- model
@dataclass
class Person:
    idx: int
    first: str
    last: str
    email: str
    staff_id: str
    cohort: str
    organisation: str
    sector: str
    place: str
    role: str
    domain: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Record:
    """One response as a platform would export it."""

    person: Person | None
    started: datetime
    completed: datetime
    answers: dict
    status: str = "ok"  # ok / preview
    finished: bool = True
    progress: int = 100
    anonymous: bool = False
    written_name: str = ""
    email: str = ""
    extra: dict = field(default_factory=dict)


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def build_roster(rng: np.random.Generator) -> list[Person]:
    """Two cohorts of synthetic people with organisations, sectors and places."""
    n = sum(COHORTS.values())
    firsts = list(rng.permutation(FIRST[3:]))
    lasts = list(rng.permutation(LAST[2:]))
    # Make sure the awkward names are there: accents and an apostrophe.
    firsts = ["Siobhán", "Zoë", "Aoife", *firsts][:n]
    lasts = ["O'Neill", "Adeyemi", *lasts][:n]
    shares = np.array([o[4] for o in ORGANISATIONS])
    orgs = rng.choice(len(ORGANISATIONS), size=n, p=shares / shares.sum())
    people: list[Person] = []
    seen_emails: set[str] = set()
    cohort_of = [c for c, size in COHORTS.items() for _ in range(size)]
    order = rng.permutation(n)  # who goes to which cohort
    for k in range(n):
        i = int(order[k])
        org = ORGANISATIONS[int(orgs[i])]
        first, last = firsts[i], lasts[i]
        local = _ascii(f"{first}.{last}").lower().replace("'", "").replace(" ", "")
        email = f"{local}@{org[2]}"
        suffix = 2
        while email in seen_emails:
            email = f"{local}{suffix}@{org[2]}"
            suffix += 1
        seen_emails.add(email)
        people.append(
            Person(
                idx=k,
                first=first,
                last=last,
                email=email,
                staff_id=f"S{100000 + int(rng.integers(0, 899999)):06d}",
                cohort=cohort_of[k],
                organisation=org[0],
                sector=org[1],
                place=str(rng.choice(org[3])),
                role=str(rng.choice(org[5])),
                domain=org[2],
            )
        )
    return people


def _code(theta: np.ndarray, offset: float, rng: np.random.Generator) -> np.ndarray:
    raw = theta + offset + rng.normal(0.0, ITEM_NOISE, size=theta.shape)
    return np.clip(np.rint(raw), 1, 5).astype(int)


class Simulation:
    """True levels per person and scale, and the answers they give at each wave."""

    def __init__(self, people: list[Person], instruments: dict[str, Instrument], rng,
                 changes: dict[str, tuple[float, float]] | None = None):
        self.people = people
        self.inst = instruments
        self.rng = rng
        base = instruments["baseline@1"]
        n = len(people)
        cohort = np.array([p.cohort for p in people])
        general = rng.normal(0.0, 0.3, size=n)
        self.theta: dict[str, dict[str, np.ndarray]] = {"baseline": {}, "end": {}, "follow_up": {}}
        for scale in base.scales:
            mean, d_end, d_fu, sd = EFFECTS[scale.id]
            if changes is not None:
                d_end, d_fu = changes[scale.id]
            t0 = mean + general + rng.normal(0.0, 0.4, size=n)
            adj = np.zeros(n)
            if scale.id == COHORT_DIFFERENCE[0]:
                half = COHORT_DIFFERENCE[1] / 2
                adj = np.where(cohort == "c2", half, np.where(cohort == "c1", -half, 0.0))
            z_end = rng.normal(size=n)
            z_fu = 0.7 * z_end + np.sqrt(1 - 0.49) * rng.normal(size=n)
            self.theta["baseline"][scale.id] = t0
            self.theta["end"][scale.id] = t0 + d_end + adj + sd * z_end
            self.theta["follow_up"][scale.id] = t0 + d_fu + adj + sd * z_fu
        self.theta["then"] = {
            s: self.theta["baseline"][s] + THEN_SHIFT + rng.normal(0.0, 0.25, size=n)
            for s in THEN_SCALES
        }
        cc = rng.normal(0.0, 0.6, size=n)
        self.theta["end"]["change_challenge"] = CHANGE_CHALLENGE["end"] + cc
        self.theta["follow_up"]["change_challenge"] = (
            CHANGE_CHALLENGE["follow_up"] + cc + rng.normal(0.0, 0.3, size=n)
        )
        # item offsets, fixed per item, centred within each scale
        self.offset: dict[str, float] = {}
        for scale in instruments["post@1"].scales + instruments["follow_up@1"].scales:
            if scale.then_of or scale.items[0] in self.offset:
                continue
            offs = rng.uniform(-0.3, 0.3, size=len(scale.items))
            offs -= offs.mean()
            self.offset.update(dict(zip(scale.items, offs.tolist(), strict=True)))
        self.offset.update({f"then_{k}": v for k, v in list(self.offset.items())})

    # ------------------------------------------------------------------ likert answers
    def likert(self, inst: Instrument, wave: str, idx: np.ndarray) -> dict[str, np.ndarray]:
        """Codes (as stored by the platform, reverse items reversed) for people ``idx``."""
        out: dict[str, np.ndarray] = {}
        for scale in inst.scales:
            source = "then" if scale.then_of else wave
            level = self.theta[source][scale.then_of or scale.id][idx]
            for item_id in scale.items:
                code = _code(level, self.offset[item_id], self.rng)
                if inst.item(item_id).reverse:
                    code = 6 - code
                out[item_id] = code
        return out

    def answers(self, inst: Instrument, wave: str, people: list[Person]) -> list[dict]:
        """One answer dict per person: codes, PNS, None, lists and text."""
        idx = np.array([p.idx for p in people], dtype=int)
        codes = self.likert(inst, wave, idx) if len(idx) else {}
        rows: list[dict] = []
        rng = self.rng
        for k, person in enumerate(people):
            row: dict = {}
            for item in inst.items:
                if item.id in codes:
                    u = rng.random()
                    rset = inst.response_set_of(item)
                    if u < PNS_RATE and rset is not None and "Prefer not to say" in rset.missing:
                        row[item.id] = PNS
                    elif u < PNS_RATE + BLANK_RATE:
                        row[item.id] = None
                    else:
                        row[item.id] = int(codes[item.id][k])
            row.update(self.background(inst, wave, person))
            rows.append(row)
        return rows

    def background(self, inst: Instrument, wave: str, person: Person) -> dict:
        rng = self.rng
        ids = set(inst.item_ids())
        row: dict = {}
        consent = int(rng.random() < 0.8)
        if "quote_consent" in ids:
            row["quote_consent"] = consent if rng.random() > 0.03 else None
        if "sector" in ids:
            labels = inst.response_sets["sector"].labels
            row["sector"] = labels.index(person.sector) + 1 if person.sector in labels else 9
            if rng.random() < 0.03:
                row["sector"] = PNS
        if "years_in_role" in ids:
            row["years_in_role"] = int(rng.integers(0, 21)) if rng.random() > 0.05 else None
        if "priorities" in ids:
            k = int(rng.integers(1, 4))
            row["priorities"] = sorted(
                int(c) for c in rng.choice(np.arange(1, 8), k, replace=False)
            )
        if "hopes" in ids:
            row["hopes"] = str(rng.choice(HOPES)) if rng.random() > 0.1 else None
        if "change_challenge" in ids:
            row["change_challenge"] = str(rng.choice(CHALLENGES)) or None
        if "most_valuable" in ids:
            row["most_valuable"] = str(rng.choice(MOST_VALUABLE)) if rng.random() > 0.1 else None
            row["cc_story"] = str(rng.choice(CC_STORY)) if rng.random() > 0.15 else None
            row["do_differently"] = str(rng.choice(DO_DIFFERENTLY)) if rng.random() > 0.3 else None
        if "cc_status" in ids:
            level = self.theta["follow_up"]["change_challenge"][person.idx]
            row["cc_status"] = int(
                1 if level > 4.3 else 2 if level > 3.3 else 3 if level > 2.8 else 4
            )
            row["still_in_touch"] = int(max(0, rng.normal(6, 3)))
        if "cc_sustained" in ids:
            level = self.theta["follow_up"]["change_challenge"][person.idx] - 0.2
            row["cc_sustained"] = int(np.clip(np.rint(level + rng.normal(0, 0.5)), 1, 5))
        return row


# --------------------------------------------------------------------------- network
class Network:
    """Who knows, works with and asks advice of whom, at baseline and end."""

    def __init__(self, people: list[Person], rng):
        self.people = people
        self.rng = rng
        n = len(people)
        self.n = n
        org = np.array([p.organisation for p in people])
        place = np.array([p.place for p in people])
        sector = np.array([p.sector for p in people])
        cohort = np.array([p.cohort for p in people])
        same_cohort = cohort[:, None] == cohort[None, :]
        same_org = org[:, None] == org[None, :]
        same_place = place[:, None] == place[None, :]
        same_sector = sector[:, None] == sector[None, :]
        p_know = np.full((n, n), 0.025)
        p_know[same_sector] = 0.06
        p_know[same_place] = 0.1
        p_know[same_place & same_sector] = 0.2
        p_know[same_org] = 0.55
        upper = np.triu(rng.random((n, n)) < p_know, 1)
        acquainted = (upper | upper.T) & same_cohort
        np.fill_diagonal(acquainted, False)
        self.acquainted = acquainted
        p_work = np.where(same_org, 0.6, 0.35)
        w = np.triu(rng.random((n, n)) < p_work, 1)
        self.worked0 = (w | w.T) & acquainted
        # action learning sets: about six people from different organisations
        als = np.full(n, -1)
        for c in COHORTS:
            members = [p.idx for p in people if p.cohort == c]
            members.sort(key=lambda i: (people[i].organisation, rng.random()))
            n_sets = max(1, round(len(members) / 6))
            for pos, i in enumerate(members):
                als[i] = pos % n_sets
        same_als = (als[:, None] == als[None, :]) & same_cohort
        keep = np.triu(rng.random((n, n)) < 0.8, 1)
        keep = keep | keep.T
        p_new = np.where(same_als, 0.65, np.where(same_org, 0.1, 0.09))
        new = np.triu(rng.random((n, n)) < p_new, 1)
        new = new | new.T
        worked1 = ((self.worked0 & keep) | new) & same_cohort
        np.fill_diagonal(worked1, False)
        self.worked1 = worked1
        self.same_org = same_org
        self.als = als

    def built_in_change(self) -> dict:
        """The worked-with network change built into each cohort, as a full response would show it.

        From the latent networks (worked together at baseline, at the end) of every
        cohort member and the chance of naming a tie (WORKED_REPORT_RATE, each wave
        independently): the expected change in density of the ties named, the change in
        the share of ties crossing each boundary, and the E-I index of the new ties (named
        at the end and not at baseline). Expected counts are summed before dividing.
        """
        rate = WORKED_REPORT_RATE
        out = {"relation": "worked_with", "report_rate": rate}
        for c in COHORTS:
            m = np.array([p.idx for p in self.people if p.cohort == c])
            w0 = self.worked0[np.ix_(m, m)].astype(float)
            w1 = self.worked1[np.ix_(m, m)].astype(float)
            k = len(m)
            new = rate * w1 * (1 - rate * w0)
            density = rate * (w1.sum() - w0.sum()) / (k * (k - 1))
            row = {"people": k, "density_change": round(float(density), 4)}
            for attr in ("organisation", "sector", "place"):
                g = np.array([getattr(self.people[i], attr) for i in m])
                cross = (g[:, None] != g[None, :]).astype(float)
                s0 = (w0 * cross).sum() / w0.sum()
                s1 = (w1 * cross).sum() / w1.sum()
                e, i_ = (new * cross).sum(), (new * (1 - cross)).sum()
                row[attr] = {"share_external_change": round(float(s1 - s0), 4),
                             "new_ei_index": round(float((e - i_) / (e + i_)), 4)}
            out[c] = row
        return out

    def answers(self, person: Person, wave: str, cohort_people: list[Person]) -> dict:
        """Network answers of one person: lists of people and grids keyed by person idx."""
        rng = self.rng
        i = person.idx
        others = [q for q in cohort_people if q.idx != i]
        worked = self.worked0 if wave == "baseline" else self.worked1
        knew = [q for q in others if self.acquainted[i, q.idx] and rng.random() < 0.85]
        work = [q for q in others if worked[i, q.idx] and rng.random() < WORKED_REPORT_RATE]
        p_adv = 0.35 if wave == "baseline" else 0.45
        advice = [q for q in work if rng.random() < p_adv]
        freq, trust = {}, {}
        for q in work:
            if self.same_org[i, q.idx]:
                freq[q.idx] = int(rng.choice([3, 4, 5], p=[0.2, 0.5, 0.3]))
            else:
                freq[q.idx] = int(rng.choice([2, 3, 4], p=[0.45, 0.4, 0.15]))
            if rng.random() < 0.08:
                freq[q.idx] = None
            u = rng.random()
            p_pos = 0.7 if self.same_org[i, q.idx] or wave == "end" else 0.55
            trust[q.idx] = 1 if u < p_pos else (0 if u < p_pos + 0.32 else -1)
        k = int(rng.integers(0, 4))
        stake = ", ".join(str(s) for s in rng.choice(STAKEHOLDERS, k, replace=False)) or None
        return {
            "knew_before": knew,
            "worked_with": work,
            "advice": advice,
            "frequency": freq,
            "trust": trust,
            "stakeholders": stake,
        }


# --------------------------------------------------------------------------- layout helpers
@dataclass
class Column:
    """One export column: its heading rows and how to fill it from a record."""

    headers: tuple
    fill: object  # callable(Record) -> cell value


def _label(inst: Instrument, item_id: str, value, *, numeric=False, variant=None):
    """The cell for a coded answer, as a platform writes it."""
    if value is None:
        return None
    item = inst.item(item_id)
    rset = inst.response_set_of(item)
    if value == PNS:  # the set's first "no answer" label, e.g. Prefer not to say
        return None if numeric or rset is None or not rset.missing else rset.missing[0]
    if numeric:
        return value
    label = rset.label_of(value) if rset else str(value)
    if variant is not None:
        label = variant(label)
    return label


def _timestamp(
    date: str, rng, *, start_hour=9, spread_days=0, window=420
) -> tuple[datetime, datetime]:
    day = datetime.fromisoformat(date) + timedelta(days=int(rng.integers(0, spread_days + 1)))
    start = day + timedelta(
        hours=start_hour, minutes=int(rng.integers(0, window)), seconds=int(rng.integers(0, 60))
    )
    end = start + timedelta(minutes=int(rng.integers(4, 26)), seconds=int(rng.integers(0, 60)))
    return start, end


def _vary_name(person: Person, rng) -> str:
    """How someone types their own name: case, spacing, order vary."""
    u = rng.random()
    if u < 0.55:
        return person.name
    if u < 0.7:
        return f"{person.last}, {person.first}"
    if u < 0.8:
        return person.name.lower()
    if u < 0.88:
        return f"{person.first}  {person.last.upper()}"
    if u < 0.95:
        return f" {person.name} "
    return f"{person.last.upper()} {person.first}"


def _ip(rng) -> str:
    block = str(rng.choice(["192.0.2", "198.51.100", "203.0.113"]))
    return f"{block}.{int(rng.integers(1, 255))}"


def _rid(rng, prefix="R_", n=15) -> str:
    alphabet = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
    return prefix + "".join(rng.choice(alphabet, n))


# --------------------------------------------------------------------------- writers
def _write_csv(path: Path, rows: list[list], *, encoding="utf-8", bom=False) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else _csv_text(v) for v in row])
    text = buf.getvalue()
    data = text.encode(encoding)  # strict: a character the encoding lacks is a bug here
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _csv_text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _write_xlsx(path: Path, sheet: str, rows: list[list], *, date_format=None) -> None:
    """Write one sheet reproducibly: fixed properties, fixed zip timestamps."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # an answer that looks like a formula stays text
            if isinstance(value, datetime) and date_format:
                cell.number_format = date_format
    wb.properties.creator = "evaluate sample data"
    wb.properties.lastModifiedBy = "evaluate sample data"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def _rows(columns: list[Column], records: list[Record], n_header: int) -> list[list]:
    rows = [
        [c.headers[h] if h < len(c.headers) else None for c in columns] for h in range(n_header)
    ]
    for rec in records:
        rows.append([c.fill(rec) for c in columns])
    return rows


def _ans(item_id):
    return lambda rec: rec.answers.get(item_id)


# ------------------------------------------------------------------ question columns
def _item_columns(
    inst: Instrument,
    item_ids: list[str],
    *,
    heading=None,
    multi_sep=";",
    trailing_sep=False,
    numeric=False,
    variant=None,
) -> list[Column]:
    """One column per item, headed by its text (``heading`` may rewrite it)."""
    cols = []
    for n, item_id in enumerate(item_ids, start=1):
        item = inst.item(item_id)
        head = heading(n, item) if heading else item.text

        def fill(rec, item=item):
            v = rec.answers.get(item.id)
            if v is None:
                return None
            if item.type == "multi":
                labels = [inst.response_set_of(item).label_of(c) for c in v]
                text = multi_sep.join(labels)
                return text + multi_sep if trailing_sep and text else text
            if item.type in ("likert", "choice"):
                return _label(inst, item.id, v, numeric=numeric, variant=variant)
            return v

        cols.append(Column((head,), fill))
    return cols


def _names(people: list[Person], sep: str) -> str | None:
    return sep.join(p.name for p in people) if people else None


# --------------------------------------------------------------------------- platforms
def microsoft_forms(inst, records, item_ids, *, name_question="Your name"):
    cols = [
        Column(("ID",), lambda r: r.extra["n"]),
        Column(("Start time",), lambda r: r.started),
        Column(("Completion time",), lambda r: r.completed),
        Column(("Email",), lambda r: "anonymous" if r.anonymous else r.email),
        Column(("Name",), lambda r: None if r.anonymous else r.person.name),
        Column(("Last modified time",), lambda r: None),
        Column((name_question,), lambda r: r.written_name),
    ]
    cols += _item_columns(inst, item_ids, multi_sep=";", trailing_sep=True)
    return _rows(cols, records, 1)


def google_forms(
    inst,
    records,
    item_ids,
    *,
    email=True,
    name_question=None,
    timestamp=str,
    grid=None,
    heading=None,
):
    cols = [Column(("Timestamp",), lambda r: timestamp(r.completed))]
    if email:
        cols.append(Column(("Email Address",), lambda r: r.email))
    if name_question:
        cols.append(Column((name_question,), lambda r: r.written_name))
    for item_id in item_ids:
        item = inst.item(item_id)
        if grid and item_id in grid:
            parent, row = grid[item_id]
            cols.append(Column((f"{parent} [{row}]",), _item_columns(inst, [item_id])[0].fill))
        elif item.type == "likert" and inst.response_set_of(item).id == "nps11":
            cols.append(Column((item.text,), _ans(item_id)))  # linear scale: a number
        else:
            cols += _item_columns(inst, [item_id], multi_sep=", ", heading=heading)
    return cols


def _gf_uk(ts: datetime) -> str:
    return ts.strftime("%d/%m/%Y %H:%M:%S")


QUALTRICS_META = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/London"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/London"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Europe/London"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
    ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
    ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
    ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
]


def _q_date(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%d %H:%M:%S")


def qualtrics_meta(numeric: bool) -> list[Column]:
    def status(r):
        if numeric:
            return 1 if r.status == "preview" else 0
        return "Survey Preview" if r.status == "preview" else "IP Address"

    def who(field_):
        return lambda r: None if r.person is None or r.status == "preview" else field_(r)

    fills = [
        lambda r: _q_date(r.started),
        lambda r: _q_date(r.completed),
        status,
        lambda r: None if r.status == "preview" else r.extra["ip"],
        lambda r: r.progress,
        lambda r: int((r.completed - r.started).total_seconds()),
        lambda r: 1 if r.finished else 0,
        lambda r: _q_date(r.completed),
        lambda r: r.extra["rid"],
        who(lambda r: r.person.last),
        who(lambda r: r.person.first),
        who(lambda r: r.email),
        lambda r: None,
        lambda r: None if r.status == "preview" else "52.1" + str(r.extra["n"] % 10),
        lambda r: None if r.status == "preview" else "-0.4" + str(r.extra["n"] % 7),
        lambda r: "preview" if r.status == "preview" else "email",
        lambda r: "EN-GB",
    ]
    return [Column(h, f) for h, f in zip(QUALTRICS_META, fills, strict=True)]


class QualtricsQuestions:
    """Q-numbered question columns: singles, matrices, text entries, roster items."""

    def __init__(self, inst: Instrument, numeric: bool = False):
        self.inst = inst
        self.numeric = numeric
        self.q = 0
        self.cols: list[Column] = []

    def single(self, item_id: str) -> None:
        self.q += 1
        item = self.inst.item(item_id)
        text_entry = item.type in ("text", "number")
        qid = f"QID{self.q}_TEXT" if text_entry else f"QID{self.q}"
        fill = _item_columns(self.inst, [item_id], multi_sep=",", numeric=self.numeric)[0].fill
        if item.type == "multi" and self.numeric:

            def fill(r, item_id=item_id):
                v = r.answers.get(item_id)
                return ",".join(str(c) for c in v) if v else None

        self.cols.append(
            Column(
                (f"Q{self.q}", item.text, json.dumps({"ImportId": qid}, separators=(",", ":"))),
                fill,
            )
        )

    def matrix(self, question: str, item_ids: list[str]) -> None:
        self.q += 1
        for r, item_id in enumerate(item_ids, start=1):
            item = self.inst.item(item_id)
            statement = item.text
            if item.then_of:
                statement = self.inst.item(item.then_of).text
            fill = _item_columns(self.inst, [item_id], numeric=self.numeric)[0].fill
            self.cols.append(
                Column(
                    (
                        f"Q{self.q}_{r}",
                        f"{question} - {statement}",
                        json.dumps({"ImportId": f"QID{self.q}_{r}"}, separators=(",", ":")),
                    ),
                    fill,
                )
            )

    def roster_multi(self, item_id: str) -> None:
        self.q += 1
        text = self.inst.item(item_id).text
        self.cols.append(
            Column(
                (
                    f"Q{self.q}",
                    text,
                    json.dumps({"ImportId": f"QID{self.q}"}, separators=(",", ":")),
                ),
                lambda r, item_id=item_id: _names(r.answers.get(item_id) or [], ","),
            )
        )

    def roster_grid(self, item_id: str, members: list[Person]) -> None:
        self.q += 1
        item = self.inst.item(item_id)
        rset = self.inst.response_set_of(item)
        for r, member in enumerate(members, start=1):

            def fill(rec, idx=member.idx):
                v = (rec.answers.get(item_id) or {}).get(idx)
                return None if v is None else rset.label_of(v)

            self.cols.append(
                Column(
                    (
                        f"Q{self.q}_{r}",
                        f"{item.text} - {member.name}",
                        json.dumps({"ImportId": f"QID{self.q}_{r}"}, separators=(",", ":")),
                    ),
                    fill,
                )
            )


# --------------------------------------------------------------------------- the build
def _scores(inst: Instrument, answers: dict) -> dict[str, float]:
    """Scale scores from one record's answers (reverse items recoded, min_items applied)."""
    out = {}
    for scale in inst.scales:
        vals = [6 - answers[i] if inst.item(i).reverse else answers[i]
                for i in scale.items if isinstance(answers.get(i), int)]
        if len(vals) >= scale.min_items:
            out[scale.id] = float(np.mean(vals))
    return out


class ComparisonGroup:
    """A wait-list group: the next cohort's people, surveyed alongside c2, not on the programme.

    Drawn from its own random stream, so adding it changes none of the programme's data.
    """

    def __init__(self, builder: Builder, seed: int):
        self.b = builder
        self.rng = np.random.default_rng(seed)
        self.people = self._people()
        drift = COMPARISON["secular"]
        changes = {s.id: (drift["end"], drift["follow_up"]) for s in builder.instruments["baseline@1"].scales}
        self.sim = Simulation(self.people, builder.instruments, self.rng, changes=changes)
        self.sim.offset = dict(builder.sim.offset)  # the same items behave the same way
        self.scores: dict[str, dict[int, dict]] = {}

    def _people(self) -> list[Person]:
        rng = self.rng
        taken = {p.name for p in self.b.people}
        emails = {p.email for p in self.b.people}
        firsts, lasts = rng.permutation(FIRST[3:]), rng.permutation(LAST[2:])
        shares = np.array([o[4] for o in ORGANISATIONS])
        people: list[Person] = []
        k = 0
        while len(people) < COMPARISON["size"]:
            first, last = str(firsts[k % len(firsts)]), str(lasts[(k * 7 + 3) % len(lasts)])
            k += 1
            if f"{first} {last}" in taken:
                continue
            org = ORGANISATIONS[int(rng.choice(len(ORGANISATIONS), p=shares / shares.sum()))]
            email = f"{_ascii(f'{first}.{last}').lower().replace(chr(39), '').replace(' ', '')}@{org[2]}"
            if email in emails:
                continue
            taken.add(f"{first} {last}")
            emails.add(email)
            people.append(Person(idx=len(people), first=first, last=last, email=email,
                                 staff_id=f"S{100000 + int(rng.integers(0, 899999)):06d}",
                                 cohort=COMPARISON["cohort"], organisation=org[0], sector=org[1],
                                 place=str(rng.choice(org[3])), role=str(rng.choice(org[5])),
                                 domain=org[2]))
        return people

    def exports(self) -> None:
        """Baseline, end and follow-up exports (Google Forms csv) for the comparison group."""
        b, rng = self.b, self.rng
        saved = b.sim, b.rng
        b.sim, b.rng = self.sim, rng
        try:
            keep = {"baseline": self.people}
            for wave in ("end", "follow_up"):
                kept = rng.random(len(self.people)) >= ATTRITION[wave]
                keep[wave] = [p for p, k in zip(self.people, kept, strict=True) if k]
            dates = WAVE_DATES[COMPARISON["dates"]]
            c = COMPARISON["cohort"]
            for wave, ref, name in (("baseline", "baseline@1", "baseline"),
                                    ("end", "post@1", "post"),
                                    ("follow_up", "follow_up@1", "follow-up")):
                inst = b.instruments[ref]
                # only what a wait-list can answer: the scales asked at every wave
                asked = [i for s in b.instruments["baseline@1"].scales for i in s.items]
                items = [i for i in inst.item_ids() if i in asked or ref == "baseline@1"]
                recs = b.records(inst, wave, keep[wave], dates[wave], spread_days=4)
                for rec in recs:
                    rec.answers = {k: v for k, v in rec.answers.items() if k in items}
                self.scores[wave] = {rec.person.idx: _scores(inst, rec.answers) for rec in recs}
                path = f"{c}/{name}-{c}-google.csv"
                _write_csv(b.out / path, _rows(google_forms(inst, recs, items, timestamp=_gf_uk),
                                               recs, 1))
                b.add(path, inst, c, wave, "google_forms",
                      note="comparison group (wait-list for the next cohort): the scales only")
        finally:
            b.sim, b.rng = saved

    def _baseline_sd(self, base: Instrument, n: int = 200_000) -> dict[str, float]:
        """SD of each scale's baseline score in the generator's population (Monte Carlo).

        The denominator of the true d_ppc2: latent level (general + scale noise), item
        offsets and noise, rounding to whole answers and the 1–5 limits, as the answers are
        made. Its own random stream, so nothing else changes.
        """
        rng = np.random.default_rng(SEED + 99)
        general = rng.normal(0.0, 0.3, size=n)
        out = {}
        for scale in base.scales:
            level = EFFECTS[scale.id][0] + general + rng.normal(0.0, 0.4, size=n)
            codes = [_code(level, self.sim.offset[i], rng) for i in scale.items]
            out[scale.id] = round(float(np.mean(codes, axis=0).std()), 4)
        return out

    def effects(self) -> dict:
        """True and observed comparison-group change, and the difference in differences."""
        drift = COMPARISON["secular"]
        base = self.b.instruments["baseline@1"]
        sd_pop = self._baseline_sd(base)
        pre_t = self.b.observed_scores.get(("baseline", "baseline"), {})
        observed = {}
        for wave, inst_id in (("end", "post"), ("follow_up", "follow_up")):
            post_t = self.b.observed_scores.get((inst_id, wave), {})
            out = {}
            for scale in base.scales:
                dt = [post_t[i][scale.id] - pre_t[i][scale.id] for i in pre_t.keys() & post_t.keys()
                      if scale.id in pre_t[i] and scale.id in post_t[i]]
                pre_c, post_c = self.scores.get("baseline", {}), self.scores.get(wave, {})
                dc = [post_c[i][scale.id] - pre_c[i][scale.id] for i in pre_c.keys() & post_c.keys()
                      if scale.id in pre_c[i] and scale.id in post_c[i]]
                out[scale.id] = {"n_programme": len(dt), "n_comparison": len(dc),
                                 "change_comparison": round(float(np.mean(dc)), 4),
                                 "did": round(float(np.mean(dt) - np.mean(dc)), 4)}
            observed[wave] = out
        return {
            "cohort": COMPARISON["cohort"],
            "kind": COMPARISON["kind"],
            "size": COMPARISON["size"],
            "change_end": drift["end"],
            "change_follow_up": drift["follow_up"],
            "note": "the wait-list's latent level on every scale drifts by change_end / "
            "change_follow_up (what happens anyway); the true difference in differences of a "
            "scale is its programme change (scales above) minus this drift. Same baseline "
            "means as the programme group, so the groups start alike.",
            "true_did": {
                s.id: {"end": round(EFFECTS[s.id][1] - drift["end"], 4),
                       "follow_up": round(EFFECTS[s.id][2] - drift["follow_up"], 4)}
                for s in base.scales
            },
            "baseline_sd_population": sd_pop,
            "true_d_ppc2": {
                s.id: {"end": round((EFFECTS[s.id][1] - drift["end"]) / sd_pop[s.id], 4),
                       "follow_up": round((EFFECTS[s.id][2] - drift["follow_up"]) / sd_pop[s.id], 4)}
                for s in base.scales
            },
            "observed": observed,
        }


class Builder:
    def __init__(self, out: Path, seed: int = SEED):
        self.out = out
        self.rng = np.random.default_rng(seed)
        self.instruments = load_instruments(REPO / "instruments")
        self.people = build_roster(self.rng)
        self.sim = Simulation(self.people, self.instruments, self.rng)
        self.net = Network(self.people, self.rng)
        self.manifest: list[dict] = []
        self.broken: list[dict] = []
        self.respondents: dict[tuple[str, str], list[Person]] = {}
        self.ties: dict[str, list[tuple[int, int]]] = {"baseline": [], "end": []}
        self.observed_scores: dict[tuple[str, str], dict[int, dict]] = {}
        self.comparison = ComparisonGroup(self, seed + COMPARISON["seed_offset"])

    # ------------------------------------------------------------------ who answers
    def cohort(self, c: str) -> list[Person]:
        return [p for p in self.people if p.cohort == c]

    def plan_respondents(self) -> None:
        rng = self.rng
        for c in COHORTS:
            members = self.cohort(c)
            base = self.sim.theta["baseline"]["system_leadership"]
            # one person misses the baseline (joined late); in c2 another only starts it
            missing = {members[int(rng.integers(0, len(members)))].idx}
            baseline = [p for p in members if p.idx not in missing]
            self.respondents[(c, "baseline")] = baseline
            # attrition: lower baseline scores drop out a little more often
            idx = np.array([p.idx for p in baseline])
            w = np.exp(-0.8 * (base[idx] - base[idx].mean()))
            k_end = round(ATTRITION["end"] * len(baseline))
            drop_end = set(rng.choice(idx, k_end, replace=False, p=w / w.sum()).tolist())
            self.respondents[(c, "end")] = [p for p in baseline if p.idx not in drop_end]
            w_fu = w * np.where(np.isin(idx, list(drop_end)), 4.0, 1.0)
            k_fu = round(ATTRITION["follow_up"] * len(baseline))
            drop_fu = set(rng.choice(idx, k_fu, replace=False, p=w_fu / w_fu.sum()).tolist())
            self.respondents[(c, "follow_up")] = [p for p in baseline if p.idx not in drop_fu]
            for wave, rate in (("day1", 0.92), ("day2", 0.85), ("connections", 0.9)):
                self.respondents[(c, wave)] = [p for p in members if rng.random() < rate]

    def records(
        self,
        inst: Instrument,
        wave: str,
        people: list[Person],
        date: str,
        *,
        spread_days=0,
        start_hour=9,
        window=420,
    ) -> list[Record]:
        answers = self.sim.answers(inst, "baseline" if wave in ("day1", "day2") else wave, people)
        recs = []
        for n, (person, ans) in enumerate(zip(people, answers, strict=True), start=1):
            started, completed = _timestamp(
                date, self.rng, start_hour=start_hour, spread_days=spread_days, window=window
            )
            recs.append(
                Record(
                    person=person,
                    started=started,
                    completed=completed,
                    answers=ans,
                    written_name=_vary_name(person, self.rng),
                    email=person.email,
                    extra={"n": n, "ip": _ip(self.rng), "rid": _rid(self.rng)},
                )
            )
        recs.sort(key=lambda r: r.completed)
        for n, rec in enumerate(recs, start=1):
            rec.extra["n"] = n
        return recs

    def add(
        self,
        path: str,
        inst: Instrument,
        cohort: str,
        wave: str,
        platform: str,
        sheet: str | None = None,
        note: str = "",
        dates: str | None = None,
    ) -> None:
        entry = {
            "path": path,
            "instrument": inst.ref,
            "cohort": cohort,
            "wave": wave,
            "platform": platform,
        }
        if sheet:
            entry["sheet"] = sheet
        if dates:
            entry["dates"] = dates
        if note:
            entry["note"] = note
        self.manifest.append(entry)

    def remember_scores(self, inst: Instrument, wave: str, records: list[Record]) -> None:
        """Scale scores as the generator sees them, for effects.yaml's observed block."""
        store = self.observed_scores.setdefault((inst.id, wave), {})
        for rec in records:
            if rec.person is None or rec.status == "preview" or not rec.finished:
                continue
            scores = {}
            for scale in inst.scales:
                vals = []
                for item_id in scale.items:
                    v = rec.answers.get(item_id)
                    if isinstance(v, int):
                        vals.append(6 - v if inst.item(item_id).reverse else v)
                if len(vals) >= scale.min_items:
                    scores[scale.id] = float(np.mean(vals))
            store[rec.person.idx] = scores

    # ------------------------------------------------------------------ roster
    def write_roster(self) -> None:
        rows = [
            ["name", "email", "staff_id", "cohort", "organisation", "sector", "place", "role",
             "comparison"]
        ]
        for p in self.people:
            rows.append(
                [p.name, p.email, p.staff_id, p.cohort, p.organisation, p.sector, p.place,
                 p.role, ""]
            )
        for p in self.comparison.people:
            rows.append(
                [p.name, p.email, p.staff_id, p.cohort, p.organisation, p.sector, p.place,
                 p.role, COMPARISON["kind"]]
            )
        _write_csv(self.out / "roster.csv", rows)

    # ------------------------------------------------------------------ baseline
    def baseline(self) -> None:
        inst = self.instruments["baseline@1"]
        items = inst.item_ids()
        # c1: Microsoft Forms xlsx; a few respondents answered while the form was anonymous
        people = self.respondents[("c1", "baseline")]
        recs = self.records(inst, "baseline", people, WAVE_DATES["c1"]["baseline"])
        for k in (3, 11, 19, 26):
            if k < len(recs):
                recs[k].anonymous = True
        recs[7].answers["hopes"] = "To be braver about working across organisations & sectors."
        self.remember_scores(inst, "baseline", recs)
        rows = microsoft_forms(inst, recs, items)
        _write_xlsx(
            self.out / "c1/baseline-c1-msforms.xlsx", "Sheet1", rows, date_format="m/d/yy h:mm:ss"
        )
        self.add(
            "c1/baseline-c1-msforms.xlsx",
            inst,
            "c1",
            "baseline",
            "microsoft_forms",
            "Sheet1",
            "four rows have Email 'anonymous'; they typed their name in 'Your name'",
        )

        # c2: Qualtrics csv, 3 header rows, labels; a preview and an unfinished response
        people = self.respondents[("c2", "baseline")]
        partial = people[5]
        people = [p for p in people if p is not partial]
        self.respondents[("c2", "baseline")] = people
        recs = self.records(inst, "baseline", people, WAVE_DATES["c2"]["baseline"])
        consented = [r for r in recs if r.answers.get("quote_consent") == 1]
        consented[2].answers["hopes"] = (
            "Honestly? To fix the referral form <script>alert(1)</script> that nobody can open."
        )
        pre = self.records(inst, "baseline", [partial], WAVE_DATES["c2"]["baseline"])[0]
        for item_id in items[12:]:
            pre.answers[item_id] = None
        pre.finished, pre.progress = False, 38
        preview = self.records(inst, "baseline", [people[0]], "2024-09-13")[0]
        preview.person, preview.status = None, "preview"
        recs = [preview, *recs[:9], pre, *recs[9:]]
        self.remember_scores(inst, "baseline", recs)
        qq = QualtricsQuestions(inst)
        for item_id in items:
            qq.single(item_id)
        rows = _rows(qualtrics_meta(False) + qq.cols, recs, 3)
        _write_csv(self.out / "c2/baseline-c2-qualtrics.csv", rows)
        self.add(
            "c2/baseline-c2-qualtrics.csv",
            inst,
            "c2",
            "baseline",
            "qualtrics",
            note="one Survey Preview row, one unfinished response (Finished 0)",
        )

    # ------------------------------------------------------------------ connections
    def connections(self) -> None:
        inst = self.instruments["connections@1"]
        items = inst.item_ids()
        for c in COHORTS:
            people = self.respondents[(c, "connections")]
            recs = self.records(inst, "baseline", people, WAVE_DATES[c]["baseline"], start_hour=9)
            for rec in recs:
                for item_id, pool in CONNECTIONS.items():
                    rec.answers[item_id] = (
                        str(self.rng.choice(pool)) if self.rng.random() > 0.08 else None
                    )
            if c == "c1":
                recs[4].answers["proud_of_system"] = '=HYPERLINK("http://x","y")'
                cols = google_forms(inst, recs, items, timestamp=_gf_uk)
                _write_csv(self.out / "c1/connections-c1-google.csv", _rows(cols, recs, 1))
                self.add("c1/connections-c1-google.csv", inst, c, "baseline", "google_forms",
                         dates="day-first",
                         note="a UK account writes dates day-first; every date in this file "
                              "(1-12 March) also reads month-first, so the import is told")
            else:
                cols = [
                    Column(("Full name",), lambda r: r.written_name),
                    Column(
                        ("Email address",),
                        lambda r: r.email.upper() if r.extra["n"] % 9 == 0 else r.email,
                    ),
                ]

                def head(n, item):
                    star = " *" if item.id == "quote_consent" else ""
                    return f"{n}. {item.text}{star}"

                cols += _item_columns(inst, items, heading=head)
                _write_csv(
                    self.out / "c2/connections-c2-handmade.csv", _rows(cols, recs, 1), bom=True
                )
                self.add(
                    "c2/connections-c2-handmade.csv",
                    inst,
                    c,
                    "baseline",
                    "plain",
                    note="hand-made sheet saved from Excel as CSV UTF-8 (with BOM)",
                )

    # ------------------------------------------------------------------ session feedback
    def session_feedback(self) -> None:
        inst = self.instruments["session_feedback@1"]
        grid_q = "How useful were today's sessions?"
        for c in COHORTS:
            for day in ("day1", "day2"):
                people = self.respondents[(c, day)]
                recs = self.records(
                    inst, day, people, WAVE_DATES[c][day], start_hour=16, window=90
                )
                for rec in recs:
                    self.session_answers(inst, rec, day)
                if c == "c2" and day == "day1":
                    # an observer from outside the cohort filled the form in too
                    guest = Record(
                        person=None,
                        started=recs[-1].started,
                        completed=recs[-1].completed + timedelta(minutes=3),
                        answers=dict(recs[-1].answers),
                        written_name="Pat Visitor",
                        extra={"n": len(recs) + 1},
                    )
                    guest.answers["what_worked"] = "Great to observe - thank you for having me."
                    recs.append(guest)
                items = [i.id for i in inst.items if i.module in (None, day)]
                grid = {
                    i.id: (grid_q, i.text.split(": ", 1)[1]) for i in inst.items if i.module == day
                }
                path = f"{c}/session-feedback-{day}-{c}-google"
                if c == "c2" and day == "day2":
                    cols = google_forms(
                        inst,
                        recs,
                        items,
                        email=False,
                        name_question="Your name",
                        timestamp=_gf_uk,
                        grid=grid,
                    )
                    _write_csv(self.out / f"{path}.csv", _rows(cols, recs, 1))
                    self.add(f"{path}.csv", inst, c, day, "google_forms")
                else:
                    cols = google_forms(
                        inst,
                        recs,
                        items,
                        email=False,
                        name_question="Your name",
                        timestamp=lambda t: t,
                        grid=grid,
                    )
                    _write_xlsx(
                        self.out / f"{path}.xlsx",
                        "Form Responses 1",
                        _rows(cols, recs, 1),
                        date_format="dd/mm/yyyy hh:mm:ss",
                    )
                    self.add(f"{path}.xlsx", inst, c, day, "google_forms", "Form Responses 1")

    def session_answers(self, inst: Instrument, rec: Record, day: str) -> None:
        rng = self.rng
        level = self.sim.theta["baseline"]["system_leadership"][rec.person.idx] - 2.9
        a = {"module": 1 if day == "day1" else 2}
        a["overall_rating"] = int(np.clip(np.rint(4.1 + 0.3 * level + rng.normal(0, 0.7)), 1, 5))
        for item in inst.items:
            if item.module == day:
                mean = 3.4 if "ways_of_working" in item.id or "review" in item.id else 4.0
                if rng.random() < 0.04:
                    a[item.id] = PNS  # shown as "Did not attend" below
                else:
                    a[item.id] = int(np.clip(np.rint(mean + rng.normal(0, 0.8)), 1, 5))
        a["recommend"] = int(np.clip(np.rint(8.3 + 0.6 * level + rng.normal(0, 1.4)), 0, 10))
        a["what_worked"] = str(rng.choice(WORKED[day])) if rng.random() > 0.15 else None
        a["even_better_if"] = str(rng.choice(BETTER)) if rng.random() > 0.35 else None
        a["quote_consent"] = int(rng.random() < 0.8)
        rec.answers = a

    # ------------------------------------------------------------------ network
    def network(self) -> None:
        inst = self.instruments["network@1"]
        for c in COHORTS:
            members = sorted(self.cohort(c), key=lambda p: (_ascii(p.last), p.first))
            for wave in ("baseline", "end"):
                people = self.respondents[(c, wave)]
                recs = self.records(inst, wave, people, WAVE_DATES[c][wave], start_hour=10)
                for rec in recs:
                    rec.answers = self.net.answers(rec.person, wave, members)
                    for q in rec.answers["worked_with"]:
                        self.ties[wave].append((rec.person.idx, q.idx))
                name = f"{c}/network-{wave}-{c}"
                if c == "c1":
                    if wave == "baseline":
                        preview = self.records(inst, wave, [people[0]], "2024-03-08")[0]
                        preview.answers = self.net.answers(people[0], wave, members)
                        preview.person, preview.status = None, "preview"
                        recs = [preview, *recs]
                    qq = QualtricsQuestions(inst)
                    for item in inst.items:
                        if item.type == "roster_multi":
                            qq.roster_multi(item.id)
                        elif item.type == "roster_grid":
                            qq.roster_grid(item.id, members)
                        else:
                            qq.single(item.id)
                    rows = _rows(qualtrics_meta(False) + qq.cols, recs, 3)
                    _write_xlsx(self.out / f"{name}-qualtrics.xlsx", "Sheet0", rows)
                    self.add(
                        f"{name}-qualtrics.xlsx",
                        inst,
                        c,
                        wave,
                        "qualtrics",
                        "Sheet0",
                        "one Survey Preview row" if wave == "baseline" else "",
                    )
                else:
                    cols = [
                        Column(("Timestamp",), lambda r: _gf_uk(r.completed)),
                        Column(("Email Address",), lambda r: r.email),
                    ]
                    for item in inst.items:
                        if item.type == "roster_multi":
                            cols.append(
                                Column(
                                    (item.text,), lambda r, i=item.id: _names(r.answers[i], ", ")
                                )
                            )
                        elif item.type == "roster_grid":
                            rset = inst.response_set_of(item)
                            for m in members:

                                def fill(r, i=item.id, idx=m.idx, rset=rset):
                                    v = r.answers[i].get(idx)
                                    return None if v is None else rset.label_of(v)

                                cols.append(Column((f"{item.text} [{m.name}]",), fill))
                        else:
                            cols.append(Column((item.text,), _ans(item.id)))
                    _write_csv(self.out / f"{name}-google.csv", _rows(cols, recs, 1))
                    self.add(f"{name}-google.csv", inst, c, wave, "google_forms")

    # ------------------------------------------------------------------ post
    def post(self) -> None:
        inst = self.instruments["post@1"]
        now = [
            i for s in inst.scales if not s.then_of and s.id != "change_challenge" for i in s.items
        ]
        then = [i.id for i in inst.items if i.then_of]
        cc = list(inst.scale("change_challenge").items)
        texts = ["quote_consent", "most_valuable", "cc_story", "do_differently"]

        # c1: SurveyMonkey xlsx, 2 header rows
        people = self.respondents[("c1", "end")]
        recs = self.records(inst, "end", people, WAVE_DATES["c1"]["end"], spread_days=6)
        self.remember_scores(inst, "end", recs)
        base = 11_400_000_000
        cols = [
            Column(("Respondent ID",), lambda r: base + 7919 * r.extra["n"]),
            Column(("Collector ID",), lambda r: 451_203_877),
            Column(("Start Date",), lambda r: r.started.strftime("%m/%d/%Y %I:%M:%S %p")),
            Column(("End Date",), lambda r: r.completed.strftime("%m/%d/%Y %I:%M:%S %p")),
            Column(("IP Address",), lambda r: r.extra["ip"]),
            Column(("Email Address",), lambda r: r.email),
            Column(("First Name",), lambda r: r.person.first),
            Column(("Last Name",), lambda r: r.person.last),
            Column(("Custom Data 1",), lambda r: None),
        ]
        for i, col in enumerate(cols):
            cols[i] = Column((col.headers[0], None), col.fill)

        def matrix(question, ids, statement=lambda it: it.text):
            out = []
            for k, item_id in enumerate(ids):
                fill = _item_columns(inst, [item_id])[0].fill
                out.append(
                    Column((question if k == 0 else None, statement(inst.item(item_id))), fill)
                )
            return out

        cols += matrix("To what extent do you agree with the following statements?", now)
        cols += matrix(
            "Looking back, before the programme:",
            then,
            statement=lambda it: inst.item(it.then_of).text,
        )
        cols += matrix("Your change challenge: how far do you agree?", cc)
        for item_id in texts:
            item = inst.item(item_id)
            sub = "Open-Ended Response" if item.type == "text" else "Response"
            cols.append(Column((item.text, sub), _item_columns(inst, [item_id])[0].fill))
        _write_xlsx(self.out / "c1/post-c1-surveymonkey.xlsx", "Sheet", _rows(cols, recs, 2))
        self.add("c1/post-c1-surveymonkey.xlsx", inst, "c1", "end", "surveymonkey", "Sheet")

        # c2: Qualtrics csv with numeric codes, matrices, one unfinished response
        people = self.respondents[("c2", "end")]
        recs = self.records(inst, "end", people, WAVE_DATES["c2"]["end"], spread_days=6)
        recs[-3].finished, recs[-3].progress = False, 61
        for item_id in then + cc + texts:
            recs[-3].answers[item_id] = None
        self.remember_scores(inst, "end", recs)
        qq = QualtricsQuestions(inst, numeric=True)
        qq.matrix("Now, how far do you agree with each statement?", now)
        qq.matrix("Looking back, before the programme:", then)
        qq.matrix("Your change challenge: how far do you agree?", cc)
        for item_id in texts:
            qq.single(item_id)
        rows = _rows(qualtrics_meta(True) + qq.cols, recs, 3)
        _write_csv(self.out / "c2/post-c2-qualtrics-numeric.csv", rows)
        self.add(
            "c2/post-c2-qualtrics-numeric.csv",
            inst,
            "c2",
            "end",
            "qualtrics",
            note="numeric codes instead of labels (recode values match the instrument); "
            "one unfinished response; Prefer not to say exported as blank",
        )

    # ------------------------------------------------------------------ follow-up
    def follow_up(self) -> None:
        inst = self.instruments["follow_up@1"]
        items = inst.item_ids()

        # c1: hand-made csv, Windows-1252, names only (some with staff id), numbered headings
        people = self.respondents[("c1", "follow_up")]
        recs = self.records(
            inst, "follow_up", people, WAVE_DATES["c1"]["follow_up"], spread_days=9
        )
        self.remember_scores(inst, "follow_up", recs)

        def variant(label):
            u = self.rng.random()
            return label.lower() if u < 0.1 else (f"{label} " if u < 0.15 else label)

        cols = [
            Column(("Date submitted",), lambda r: r.completed.strftime("%d/%m/%Y %H:%M")),
            Column(("Name",), lambda r: r.written_name),
            Column(("Staff ID",), lambda r: r.person.staff_id if r.extra["n"] % 2 else None),
        ]
        cols += _item_columns(
            inst, items, heading=lambda n, it: f"{n}. {it.text}", variant=variant
        )
        _write_csv(self.out / "c1/follow-up-c1.csv", _rows(cols, recs, 1), encoding="cp1252")
        self.add(
            "c1/follow-up-c1.csv",
            inst,
            "c1",
            "follow_up",
            "plain",
            note="Windows-1252 encoding; respondents identified by name (any order/case) "
            "and sometimes staff id",
        )

        # c2: Qualtrics legacy layout (V1..V10 on row 1, field names and text on row 2)
        people = self.respondents[("c2", "follow_up")]
        recs = self.records(
            inst, "follow_up", people, WAVE_DATES["c2"]["follow_up"], spread_days=9
        )
        self.remember_scores(inst, "follow_up", recs)
        legacy = [
            ("V1", "ResponseID", lambda r: r.extra["rid"]),
            ("V2", "ResponseSet", lambda r: "Default Response Set"),
            ("V3", "Name", lambda r: f"{r.person.last}, {r.person.first}"),
            ("V4", "ExternalDataReference", lambda r: None),
            ("V5", "EmailAddress", lambda r: r.email),
            ("V6", "IPAddress", lambda r: r.extra["ip"]),
            ("V7", "Status", lambda r: 0),
            ("V8", "StartDate", lambda r: _q_date(r.started)),
            ("V9", "EndDate", lambda r: _q_date(r.completed)),
            ("V10", "Finished", lambda r: 1),
        ]
        cols = [Column((a, b), f) for a, b, f in legacy]
        for n, col in enumerate(_item_columns(inst, items), start=1):
            cols.append(Column((f"Q{n}", inst.items[n - 1].text), col.fill))
        _write_csv(self.out / "c2/follow-up-c2-qualtrics-legacy.csv", _rows(cols, recs, 2))
        self.add(
            "c2/follow-up-c2-qualtrics-legacy.csv",
            inst,
            "c2",
            "follow_up",
            "qualtrics",
            note="legacy Qualtrics layout: 2 header rows, V1..V10 then Q1..",
        )

    # ------------------------------------------------------------------ stories of change
    def stories(self) -> None:
        """Stories of change (stories@1) at the follow-up, one Microsoft Forms export per cohort.

        Drawn with a random generator of their own, after everything else, so adding them
        changed no other file. Written once by each of about two in three people; most share
        their story with the panel and agree to be quoted; some stories name a colleague or
        give an email address (the import hides them); titles are unique, so the selection
        rounds in ``stories-panel.yaml`` can name them.
        """
        inst = self.instruments["stories@1"]
        rng = np.random.default_rng(SEED + 24)
        domain_code = {label: code for code, label in inst.response_sets["domains"].options}
        pool = [(domain, *story) for domain, stories in STORIES.items() for story in stories]
        order = rng.permutation(len(pool))
        used = 0
        for c in COHORTS:
            people = [p for p in self.respondents[(c, "follow_up")] if rng.random() < 0.7]
            n = min(len(people), len(pool) - used if c == list(COHORTS)[-1] else len(pool) // 2)
            people = people[:n]
            recs = []
            for k, person in enumerate(people):
                domain, title, story, why = pool[order[used + k]]
                peer = self.cohort(c)[(person.idx + 3) % len(self.cohort(c))]
                story = story.format(peer=peer.name, email=peer.email)
                started, completed = _timestamp(WAVE_DATES[c]["follow_up"], rng, spread_days=9)
                # the stories the sample panels chose were shared (one not to be quoted)
                chosen = title in STORY_ROUNDS[0]["chosen"]
                shared = chosen or rng.random() < 0.9
                quoted = (title != "Residents redesigned the leaflet") if chosen else (
                    shared and rng.random() < 0.8)
                answers = {
                    "story_domain": domain_code[domain], "story_title": title, "story": story,
                    "story_significance": why.format(peer=peer.name, email=peer.email),
                    "share_consent": int(shared),
                    "quote_consent": int(quoted),
                    "name_consent": int(rng.random() < 0.4),
                    "follow_up_consent": int(rng.random() < 0.7),
                }
                recs.append(Record(person=person, started=started, completed=completed,
                                   answers=answers, written_name=_vary_name(person, rng),
                                   email=person.email, extra={"n": k + 1}))
            used += len(people)
            path = f"{c}/stories-{c}-msforms.xlsx"
            _write_xlsx(self.out / path, "Sheet1", microsoft_forms(inst, recs, inst.item_ids()))
            self.add(path, inst, c, "follow_up", "microsoft_forms", sheet="Sheet1",
                     note="stories of change; some name a colleague or give an email, which the "
                          "import hides")
        rounds = [{"round": n, "level": r["level"], "panel": r["panel"], "decided": r["decided"],
                   "chosen": [{"title": t, "reasons": why, "verification": check}
                              for t, (why, check) in r["chosen"].items()]}
                  for n, r in enumerate(STORY_ROUNDS, start=1)]
        _write_yaml(self.out / "stories-panel.yaml", {"rounds": rounds},
                    "The sample selection rounds: what each panel chose (by story title) and "
                    "why.\n`evaluate demo` writes each round's workbook, fills it in as the "
                    "panel did and records it.\nGenerated by sample_data/generate.py - do not "
                    "edit by hand.")

    # ------------------------------------------------------------------ broken files
    def broken_files(self) -> list[dict]:
        rng = self.rng
        base = self.instruments["baseline@1"]
        items = base.item_ids()
        c1 = self.cohort("c1")
        notes = []

        # misspelt label
        recs = self.records(base, "baseline", c1[:5], WAVE_DATES["c1"]["baseline"])
        victim = recs[2]
        bad_item = "peer_support"
        victim.answers[bad_item] = 5
        cols = google_forms(base, recs, items, timestamp=_gf_uk)
        rows = _rows(cols, recs, 1)
        col = next(k for k, c in enumerate(cols) if c.headers[0] == base.item(bad_item).text)
        rows[3][col] = "Agree strongy"
        path = "broken/misspelt-label.csv"
        _write_csv(self.out / path, rows)
        notes.append(
            dict(
                path=path,
                instrument=base.ref,
                cohort="c1",
                wave="baseline",
                platform="google_forms",
                problem="misspelt_label",
                row=4,
                column=base.item(bad_item).text,
                value="Agree strongy",
                column_letter=_letter(col),
            )
        )

        # duplicate respondent
        recs = self.records(base, "baseline", c1[5:10], WAVE_DATES["c1"]["baseline"])
        again = self.records(base, "baseline", [recs[1].person], WAVE_DATES["c1"]["baseline"])[0]
        again.completed = recs[-1].completed + timedelta(minutes=20)
        again.email = again.email.upper()
        recs.append(again)
        path = "broken/duplicate-respondent.csv"
        _write_csv(
            self.out / path, _rows(google_forms(base, recs, items, timestamp=_gf_uk), recs, 1)
        )
        notes.append(
            dict(
                path=path,
                instrument=base.ref,
                cohort="c1",
                wave="baseline",
                platform="google_forms",
                problem="duplicate_respondent",
                rows=[3, 7],
                column="Email Address",
                value="same person (email differs only in case)",
            )
        )

        # missing required column
        fb = self.instruments["session_feedback@1"]
        c2 = self.cohort("c2")
        recs = self.records(fb, "day1", c2[:5], WAVE_DATES["c2"]["day1"], start_hour=16, window=90)
        for rec in recs:
            self.session_answers(fb, rec, "day1")
        items_fb = [i.id for i in fb.items if i.module in (None, "day1") and i.id != "module"]
        grid = {
            i.id: ("How useful were today's sessions?", i.text.split(": ", 1)[1])
            for i in fb.items
            if i.module == "day1"
        }
        cols = google_forms(
            fb, recs, items_fb, email=False, name_question="Your name", timestamp=_gf_uk, grid=grid
        )
        path = "broken/missing-column.csv"
        _write_csv(self.out / path, _rows(cols, recs, 1))
        notes.append(
            dict(
                path=path,
                instrument=fb.ref,
                cohort="c2",
                wave="day1",
                platform="google_forms",
                problem="missing_column",
                column=fb.item("module").text,
            )
        )

        # not on roster
        conn = self.instruments["connections@1"]
        recs = self.records(conn, "baseline", c2[5:10], WAVE_DATES["c2"]["baseline"])
        for rec in recs:
            for item_id, pool in CONNECTIONS.items():
                rec.answers[item_id] = str(rng.choice(pool))
        stranger = recs[3]
        stranger.person = None
        stranger.email = "morgan.lee@example.co.uk"
        path = "broken/not-on-roster.csv"
        _write_csv(
            self.out / path,
            _rows(google_forms(conn, recs, conn.item_ids(), timestamp=_gf_uk), recs, 1),
        )
        notes.append(
            dict(
                path=path,
                instrument=conn.ref,
                cohort="c2",
                wave="baseline",
                platform="google_forms",
                problem="not_on_roster",
                row=5,
                column="Email Address",
                value="morgan.lee@example.co.uk",
            )
        )
        return notes

    # ------------------------------------------------------------------ documentation
    def effects(self) -> dict:
        base = self.instruments["baseline@1"]
        scales = {}
        for scale in base.scales:
            mean, d_end, d_fu, sd = EFFECTS[scale.id]
            scales[scale.id] = {
                "aim": scale.aim,
                "baseline_mean": mean,
                "change_end": d_end,
                "change_follow_up": d_fu,
                "sd_change": sd,
                "zero_effect": d_end == 0 and d_fu == 0,
            }
        people = {p.idx: p for p in self.people}

        def share(ties, attr):
            if not ties:
                return 0.0
            return sum(
                getattr(people[a], attr) != getattr(people[b], attr) for a, b in ties
            ) / len(ties)

        network = {}
        for wave in ("baseline", "end"):
            ties = self.ties[wave]
            network[wave] = {
                "worked_with_ties": len(ties),
                "cross_organisation_share": round(share(ties, "organisation"), 4),
                "cross_sector_share": round(share(ties, "sector"), 4),
                "cross_place_share": round(share(ties, "place"), 4),
            }
        observed = {}
        for wave, inst_id in (("end", "post"), ("follow_up", "follow_up")):
            pre = self.observed_scores.get(("baseline", "baseline"), {})
            post = self.observed_scores.get((inst_id, wave), {})
            out = {}
            for scale in base.scales:
                diffs = [
                    post[i][scale.id] - pre[i][scale.id]
                    for i in sorted(pre.keys() & post.keys())
                    if scale.id in pre[i] and scale.id in post[i]
                ]
                out[scale.id] = {
                    "n_pairs": len(diffs),
                    "mean_diff": round(float(np.mean(diffs)), 4),
                    "sd_diff": round(float(np.std(diffs, ddof=1)), 4),
                }
            observed[wave] = out
        pre = self.observed_scores.get(("baseline", "baseline"), {})
        post = self.observed_scores.get(("post", "end"), {})
        pairs = sorted(pre.keys() & post.keys())
        shift = {}
        for s in THEN_SCALES:
            d = [
                post[i][f"then_{s}"] - pre[i][s]
                for i in pairs
                if f"then_{s}" in post[i] and s in pre[i]
            ]
            shift[s] = {"n_pairs": len(d), "mean_then_minus_baseline": round(float(np.mean(d)), 4)}
        observed["then_test"] = shift
        by_cohort = {}
        scale = COHORT_DIFFERENCE[0]
        for c in COHORTS:
            d = [
                post[i][scale] - pre[i][scale]
                for i in pairs
                if self.people[i].cohort == c and scale in pre[i] and scale in post[i]
            ]
            by_cohort[c] = {"n_pairs": len(d), "mean_diff": round(float(np.mean(d)), 4)}
        observed["end_by_cohort"] = {scale: by_cohort}
        return {
            "seed": SEED,
            "description": (
                "True effects built into the synthetic data. change_end / change_follow_up are "
                "the true mean change of each scale's latent level (1–5 scale points) from "
                "baseline; observed values differ by sampling, rounding to whole answers and "
                "the 1–5 limits. 'observed' is computed by the generator from the answers it "
                "wrote (roster participants, finished responses, Prefer not to say as missing, "
                "reverse items recoded, scale min_items applied), pairing baseline@1 with "
                "post@1 (end) and follow_up@1."
            ),
            "scales": scales,
            "zero_effect_scales": [s for s, v in scales.items() if v["zero_effect"]],
            "cohort_difference": {
                "scale": COHORT_DIFFERENCE[0],
                "waves": ["end", "follow_up"],
                "c2_minus_c1": COHORT_DIFFERENCE[1],
                "note": "c1 gains change - 0.15, c2 gains change + 0.15 on this scale",
            },
            "then_test": {
                "scales": list(THEN_SCALES),
                "response_shift": THEN_SHIFT,
                "note": "then-test latent level = true baseline level + response_shift "
                "(+ N(0, 0.25) noise): participants rate their past selves lower "
                "in hindsight than they did at baseline",
            },
            "change_challenge": {"scale": "change_challenge", "true_mean": CHANGE_CHALLENGE},
            "attrition": {
                "end": ATTRITION["end"],
                "follow_up": ATTRITION["follow_up"],
                "related_to": "system_leadership at baseline (lower scores drop out more often)",
            },
            "network": {
                "relation": "worked_with",
                "note": "directed ties as answered in the exports (preview rows excluded); "
                "at baseline people mostly work with their own organisation, by the end "
                "action learning sets and the programme add cross-organisation ties",
                **network,
                "built_in": self.net.built_in_change(),
            },
            "comparison_group": self.comparison.effects(),
            "observed": observed,
            "planted": {
                "script_tag": "c2/baseline-c2-qualtrics.csv, item hopes (consented)",
                "formula": "c1/connections-c1-google.csv, item proud_of_system",
                "not_on_roster": "c2 session feedback day1: 'Pat Visitor' is not on the roster",
            },
        }

    def run(self) -> None:
        self.write_roster()
        self.plan_respondents()
        self.baseline()
        self.connections()
        self.session_feedback()
        self.network()
        self.post()
        self.follow_up()
        broken = self.broken_files()
        _write_broken_readme(self.out / "broken" / "README.md", broken)
        self.comparison.exports()
        self.stories()
        manifest = {
            "programme": "Leading Beyond Boundaries",
            "roster": "roster.csv",
            "waves": ["baseline", "day1", "day2", "end", "follow_up"],
            "exports": self.manifest,
            "stories_panel": "stories-panel.yaml",
            "broken": broken,
        }
        _write_yaml(
            self.out / "manifest.yaml",
            manifest,
            "What each sample export is. `evaluate demo` imports `exports` in order;\n"
            "`broken` lists files with one deliberate problem each (see broken/README.md).\n"
            "Generated by sample_data/generate.py - do not edit by hand.",
        )
        _write_yaml(
            self.out / "effects.yaml",
            self.effects(),
            "Effects built into the sample data (generated by sample_data/generate.py).",
        )


BROKEN_TEXT = {
    "misspelt_label": (
        "Misspelt answer label",
        'Row {row}, column {column_letter} "{column}" holds "{value}", which is not one of '
        "the agree5 answers. Expected: that one row is quarantined (answer not allowed) with a "
        "message naming the row, column and the allowed answers; the other rows are accepted.",
        'Correct the cell to "Strongly agree" (or another agree5 answer) and import again.',
    ),
    "duplicate_respondent": (
        "Same person twice",
        "Rows {rows_text} are the same participant (the email on the later row differs only in "
        "case, so both match the same roster entry). Expected: the duplicate is reported with "
        "both row numbers, and is not counted as two people.",
        "Delete the row that should not count (usually the earlier one) and import again.",
    ),
    "missing_column": (
        "Required question missing",
        'The required question "{column}" (item module) has been deleted from the export. '
        "Expected: a file-level problem saying the required column is missing.",
        "Export the form again with every question included.",
    ),
    "not_on_roster": (
        "Respondent not on the roster",
        'Row {row}, column "{column}" holds {value}, who is not on roster.csv. Expected: '
        "a warning for that row; the response is kept as an unmatched respondent (U- id), "
        "never silently dropped.",
        "Add the person to the roster (or correct the email) and import again.",
    ),
}


def _write_broken_readme(path: Path, notes: list[dict]) -> None:
    lines = [
        "# Deliberately broken exports",
        "",
        "Each file here is a small export with one deliberate problem, so that the import's",
        "messages can be seen and tested. Row numbers are spreadsheet rows as Excel shows",
        "them (the heading is row 1). Generated by `sample_data/generate.py`; the same",
        "details are in `../manifest.yaml` under `broken:`.",
        "",
    ]
    for note in notes:
        title, what, fix = BROKEN_TEXT[note["problem"]]
        fields = dict(note)
        fields["rows_text"] = " and ".join(str(r) for r in note.get("rows", []))
        lines += [
            f"## `{Path(note['path']).name}` — {title}",
            "",
            f"- Instrument `{note['instrument']}`, cohort `{note['cohort']}`, "
            f"wave `{note['wave']}`, platform `{note['platform']}`.",
            f"- Problem: {what.format(**fields)}",
            f"- Fix: {fix}",
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8", newline="\n")


def _letter(index: int) -> str:
    n, out = index + 1, ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _write_yaml(path: Path, data: dict, comment: str) -> None:
    head = "".join(f"# {line}\n" for line in comment.splitlines())
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + body, encoding="utf-8", newline="\n")


def generate(out: str | Path = HERE, seed: int = SEED) -> Path:
    """Write the whole sample data set into ``out`` and return it."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    Builder(out, seed).run()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the synthetic sample data.")
    parser.add_argument("--out", default=str(HERE), help="folder to write into (default: here)")
    args = parser.parse_args(argv)
    out = generate(args.out)
    print(f"sample data written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
