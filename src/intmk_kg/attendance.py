"""Map attendance.csv, who attended a Hauptkonferenz, to one attendance entity per row.

An attendance links a conference, the person (where the source names one), the Land the person
represented (a participant) or nothing of the kind (a guest; the federal office is known only by
the role the row gives, kept in its words), and a role: a Land's delegate, a Land's state secretary,
or a guest. No row says "minister" of a participant, so none is called one. A named person is the
existing person entity where one has the same name and held an office or chair for the same Land;
else a person of their own, known only by the name the row gives (never a guessed QID). Low rows are
not asserted.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .quads import lit
from .reference import Curation, Fact, e, ordinal_en
from .tables import Row, read_rows

ROLES = {  # role -> German and English label
    "intmk:DelegateRole": ("Delegation eines Landes", "Land delegate"),
    "intmk:StateSecretaryRole": ("Staatssekretärin/Staatssekretär eines Landes", "Land state secretary"),
    "intmk:GuestRole": ("Gast", "guest"),
}
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def slug(text: str) -> str:
    """The README's key rule (ä→ae, ö→oe, ü→ue, ß→ss); other accents lose their mark (è→e, ğ→g)."""
    plain = unicodedata.normalize("NFKD", text.lower().translate(UMLAUTS))
    return re.sub(r"[^a-z0-9]+", "-", "".join(c for c in plain if not unicodedata.combining(c))).strip("-")


def map_attendance(path: Path, sources: Curation, known: dict[str, set[str]]) -> None:
    seen: dict[str, int] = {}
    for row in read_rows(path, ["conference", "person", "state", "role", "kind", "confidence", "sources"]):
        n = row["conference"]
        if n not in known["conference"]:
            raise row.problem(f"unknown conference {n!r} (not in conferences.csv)")
        if row["kind"] not in ("participant", "guest"):
            raise row.problem(f"kind must be participant or guest, not {row['kind']!r}")
        if row["state"] and row["state"] not in known["state"]:
            raise row.problem(f"unknown Land {row['state']!r}")
        if row["kind"] == "participant" and not row["state"]:
            raise row.problem("a participant is a Land's delegate: the state is missing")
        if not row["person"] and not row["role"]:
            raise row.problem("a row needs a person or a role")
        key = f"{n}-{slug(row['person'] or row['role'])}"
        if key in seen:
            raise row.problem(f"attendance {key!r} appears twice (first on line {seen[key]})")
        seen[key] = row.line
        if row["confidence"] == "low":
            continue  # not asserted
        sources.emit(row, key, attendance_facts(row, key, sources), "sources")
        known["attendance"].add(key)


def role_of(row: Row) -> str:
    if row["kind"] == "guest":
        return "intmk:GuestRole"
    return "intmk:StateSecretaryRole" if "state secretary" in row["role"].lower() else "intmk:DelegateRole"


def attendance_facts(row: Row, key: str, sources: Curation) -> list[Fact]:
    n = row["conference"]
    a = e("attendance", key)
    who = row["person"] or row["role"]
    where = f" ({row['state']})" if row["state"] else ""
    facts: list[Fact] = [
        (a, "rdf:type", "intmk:Attendance"),
        (a, "intmk:attendedConference", e("conference", n)),
        (a, "intmk:attendanceRole", role_of(row)),
        (a, "rdfs:label", lit(f"{who}{where} bei der {n}. IntMK", "de")),
        (a, "rdfs:label", lit(f"{who}{where} at the {ordinal_en(int(n))} IntMK", "en")),
    ]
    if row["state"]:
        facts.append((a, "intmk:representedState", e("state", row["state"])))
    if row["role"]:
        facts.append((a, "intmk:roleDescription", lit(row["role"], "en")))
    if row["person"]:
        person, new = reconcile(row, sources)
        facts.append((a, "intmk:attendee", e("person", person)))
        if new:
            p = e("person", person)
            facts += [(p, "rdf:type", "intmk:Person"), (p, "intmk:name", lit(row["person"])),
                      (p, "rdfs:label", lit(row["person"], "de")), (p, "rdfs:label", lit(row["person"], "en"))]
    return facts


def reconcile(row: Row, sources: Curation) -> tuple[str, bool]:
    """The person's key, and whether the person is new: same name and same Land is the same person."""
    name, state = row["person"], row["state"]
    for key, known_name in sources.person_names.items():
        if known_name == name and state in sources.person_states.get(key, set()):
            return key, key in sources.new_persons
    key = slug(name) if slug(name) not in sources.person_names else f"{slug(name)}-{slug(state or 'bund')}"
    sources.person_names[key] = name
    sources.person_states.setdefault(key, set()).add(state)
    sources.new_persons.add(key)
    return key, True
