"""The headings each platform writes, and the text of a heading cell.

Layouts follow ``REFERENCES.md`` ("Export layouts"). Headings are compared
after :func:`_norm` (casefolded, spaces collapsed); :mod:`evaluate.ingest.platforms`
uses them to recognise a platform and :mod:`evaluate.ingest.columns` to give each
column its metadata role.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

__all__: list[str] = []  # vocabularies for platforms.py and columns.py only

# Qualtrics row-1 short names and row-3 ImportIds of the metadata columns.
_QUALTRICS_SHORT_ROLES = {
    "startdate": "started",
    "enddate": "completed",
    "status": "status",
    "ipaddress": "ip_address",
    "progress": "progress",
    "duration (in seconds)": "other_meta",
    "finished": "finished",
    "recordeddate": "other_meta",
    "responseid": "respondent_id",
    "recipientlastname": "recipient_last_name",
    "recipientfirstname": "recipient_first_name",
    "recipientemail": "recipient_email",
    "externalreference": "external_reference",
    "externaldatareference": "external_reference",
    "locationlatitude": "other_meta",
    "locationlongitude": "other_meta",
    "distributionchannel": "other_meta",
    "userlanguage": "other_meta",
    "responseset": "other_meta",
    "locationaccuracy": "other_meta",
}
_QUALTRICS_IMPORT_ROLES = {
    "startdate": "started",
    "enddate": "completed",
    "status": "status",
    "ipaddress": "ip_address",
    "progress": "progress",
    "duration": "other_meta",
    "finished": "finished",
    "recordeddate": "other_meta",
    "_recordid": "respondent_id",
    "responseid": "respondent_id",
    "responsesetid": "other_meta",
    "locationaccuracy": "other_meta",
    "recipientlastname": "recipient_last_name",
    "recipientfirstname": "recipient_first_name",
    "recipientemail": "recipient_email",
    "externaldatareference": "external_reference",
    "externalreference": "external_reference",
    "locationlatitude": "other_meta",
    "locationlongitude": "other_meta",
    "distributionchannel": "other_meta",
    "userlanguage": "other_meta",
}
# Legacy "V1 ... V10" exports carry the field names on row 2.
_QUALTRICS_LEGACY_LABEL_ROLES = {
    "responseid": "respondent_id",
    "responseset": "other_meta",
    "name": "name",
    "externaldatareference": "external_reference",
    "emailaddress": "recipient_email",
    "ipaddress": "ip_address",
    "status": "status",
    "startdate": "started",
    "enddate": "completed",
    "finished": "finished",
}
_QUALTRICS_SIGNATURE = {
    "startdate",
    "enddate",
    "status",
    "ipaddress",
    "progress",
    "duration (in seconds)",
    "finished",
    "recordeddate",
    "responseid",
    "distributionchannel",
    "userlanguage",
}
_QUALTRICS_SYSTEM = re.compile(r"^(?:Q_[A-Za-z]\w*|SC\d+)$")
_QUALTRICS_SUBITEM = re.compile(r"_(?:\d+|TEXT|[A-Za-z]+\d*)$")
_IMPORT_ID_CELL = re.compile(r"""^\s*\{\s*["']ImportId["']\s*:""")
_IMPORT_ID_VALUE = re.compile(r"""["']ImportId["']\s*:\s*["']([^"']*)["']""")
# Qualtrics Text iQ adds analysis columns after a text question (QID2_TEXT_…Topics,
# "Q2 - Topics", "Q2 - Sentiment"): they are the platform's, not the respondent's.
_TEXT_IQ_IMPORT = re.compile(r"_TEXT_.+", flags=re.IGNORECASE)
_TEXT_IQ_SHORT = re.compile(
    r"\s-\s(?:Parent Topics|Topics|Sentiment(?: Polarity| Score)?|Topic Sentiment Label|"
    r"Topic Sentiment Score|Topic Hierarchy Level \d+)$",
    flags=re.IGNORECASE,
)
# A sub-column of a question: Q2_1, Q5_10, age_1, QID2_1, QID2-1 (2016), QID4-2-TEXT.
_SUBCOLUMN = re.compile(r"^(?P<base>.+?)[_-](?P<sub>\d+)(?:[_-]TEXT)?$", flags=re.IGNORECASE)

_SURVEYMONKEY_ROLES = {
    "respondent id": "respondent_id",
    "respondentid": "respondent_id",
    "collector id": "collector_id",
    "start date": "started",
    "end date": "completed",
    "ip address": "ip_address",
    "email address": "email",
    "first name": "first_name",
    "last name": "last_name",
}
_SURVEYMONKEY_CUSTOM = re.compile(r"^custom (?:data|variable)\b")
_SURVEYMONKEY_ID = {"respondent id", "respondentid"}
# Row 2 of a SurveyMonkey export over a one-answer question.
_SURVEYMONKEY_RESPONSE = {"response", "open-ended response"}

# Microsoft Forms (English, with a few localised headings; the localised ones
# are *unconfirmed* against real files).
_MS_ROLES = {
    "id": "respondent_id",
    "start time": "started",
    "startzeit": "started",
    "heure de début": "started",
    "hora de inicio": "started",
    "completion time": "completed",
    "fertigstellungszeit": "completed",
    "heure de fin": "completed",
    "hora de finalización": "completed",
    "email": "email",
    "e-mail": "email",
    "adresse de messagerie": "email",
    "correo electrónico": "email",
    "name": "name",
    "nom": "name",
    "nombre": "name",
    "last modified time": "modified",
    "total points": "other_meta",
    "quiz feedback": "other_meta",
    "grade posted time": "other_meta",
}
_MS_TIMES = {
    "start time",
    "startzeit",
    "heure de début",
    "hora de inicio",
    "completion time",
    "fertigstellungszeit",
    "heure de fin",
    "hora de finalización",
}
_MS_QUIZ = re.compile(r"^(?:points|feedback) - ", flags=re.IGNORECASE)

_GOOGLE_TIMESTAMPS = {
    "timestamp",
    "marca temporal",
    "horodateur",
    "zeitstempel",
    "informazioni cronologiche",
    "carimbo de data/hora",
    "tijdstempel",
}
_GOOGLE_ROLES = {
    "email address": "email",
    "adresse e-mail": "email",
    "e-mail-adresse": "email",
    "dirección de correo electrónico": "email",
    "score": "score",
}
_GOOGLE_GRID = re.compile(r"^(?P<parent>.*\S)\s*\[(?P<row>[^\[\]]+)\]$", flags=re.S)

# Common metadata headings in hand-made sheets.
_PLAIN_ROLES = {
    "id": "respondent_id",
    "response id": "respondent_id",
    "respondent id": "respondent_id",
    "timestamp": "completed",
    "submitted": "completed",
    "submitted at": "completed",
    "date submitted": "completed",
    "completed": "completed",
    "completion time": "completed",
    "end date": "completed",
    "started": "started",
    "start time": "started",
    "start date": "started",
    "last modified time": "modified",
    "modified": "modified",
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "e-mail address": "email",
    "work email": "email",
    "name": "name",
    "full name": "name",
    "your name": "name",
    "first name": "first_name",
    "forename": "first_name",
    "given name": "first_name",
    "last name": "last_name",
    "surname": "last_name",
    "family name": "last_name",
    "score": "score",
    # ODK Central, KoboToolbox and ArcGIS Survey123 add these to an XLSForm's export
    "submissiondate": "completed",
    "_submission_time": "completed",
    "start": "started",
    **{h: "other_meta" for h in (
        "end", "today", "deviceid", "meta-instanceid", "meta/instanceid", "instanceid", "key",
        "submitterid", "submittername", "attachmentspresent", "attachmentsexpected", "status",
        "reviewstate", "edits", "formversion", "_id", "_uuid", "_validation_status", "_index",
        "_status", "_submitted_by", "__version__", "_version_", "_tags", "_notes",
        "_parent_index", "_attachments", "_geolocation", "_xform_id_string", "username",
        "phonenumber", "audit", "audit_url", "meta/rootuuid", "meta/deprecatedid",
        "objectid", "globalid", "creationdate", "creator", "editdate", "editor", "x", "y",
        "privacy_notice")},  # the notice evaluate publish puts first (a note: usually no column)
}

_SPACES = re.compile(r"\s+")
_DATEISH = re.compile(r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


def _norm(text: str) -> str:
    """Casefold, collapse whitespace, drop a trailing ``:`` or ``*``."""
    s = _SPACES.sub(" ", text).strip().rstrip(":*").strip()
    return s.casefold()


def _cell_text(value: object) -> str:
    """Text of a heading cell (headings may be numbers or dates in xlsx)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value).strip()
