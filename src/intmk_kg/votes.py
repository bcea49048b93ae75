"""Votes of the Länder on a conference item, and the one rule that may name Länder from a count.

A vote cell of resolutions.csv holds ISO codes of Länder, `all`, or a bare count where a source
gives only the number; blank is unknown. Per-Land votes are derived from a count only when no
doubt is left: exactly one kind of vote is given as a count, the others name their Länder, and the
count plus the named Länder make 16. Then the Länder of the counted kind are all the others. Any
other combination (two counts, a sum below 16) names no Land: a count alone says how many, not who.
"""

from __future__ import annotations

from dataclasses import dataclass

LAENDER = 16


@dataclass(frozen=True)
class Tally:
    """One vote cell: the Länder it names, or only their number; both None when the cell is blank."""

    states: tuple[str, ...] | None = None
    count: int | None = None

    @property
    def size(self) -> int | None:
        return len(self.states) if self.states is not None else self.count


class VoteError(ValueError):
    """A vote cell or a combination of cells that cannot be true."""


def parse_tally(cell: str, all_states: list[str]) -> Tally:
    """`DE-BY ; DE-TH`, `all`, `13` or blank."""
    values = [v.strip() for v in cell.split(" ; ") if v.strip()]
    if not values:
        return Tally()
    if values == ["all"]:
        if len(all_states) != LAENDER:
            raise VoteError(f"'all' needs the {LAENDER} Länder in states.csv, which has {len(all_states)}")
        return Tally(states=tuple(all_states))
    if len(values) == 1 and values[0].isdigit():
        count = int(values[0])
        if count > LAENDER:
            raise VoteError(f"a count of Länder cannot exceed {LAENDER}: {count}")
        return Tally(count=count)
    unknown = [v for v in values if v not in all_states]
    if unknown:
        raise VoteError(f"not a Land (ISO 3166-2 code), 'all' or a bare count: {', '.join(unknown)}")
    if len(set(values)) != len(values):
        raise VoteError(f"a Land is named twice: {cell}")
    return Tally(states=tuple(values))


def check_consistent(tallies: dict[str, Tally]) -> None:
    """No Land votes twice, and no more than 16 votes are cast."""
    named: dict[str, str] = {}
    for kind, tally in tallies.items():
        for state in tally.states or ():
            if state in named:
                raise VoteError(f"{state} is named both in {named[state]} and in {kind}")
            named[state] = kind
    total = sum(t.size for t in tallies.values() if t.size is not None)
    if total > LAENDER:
        raise VoteError(f"the votes add up to {total}, more than the {LAENDER} Länder")


def derive_states(tallies: dict[str, Tally], all_states: list[str]) -> tuple[str, tuple[str, ...]] | None:
    """The Länder of the one counted kind of vote, where the rule leaves no doubt; else None."""
    check_consistent(tallies)
    counted = [kind for kind, t in tallies.items() if t.count is not None]
    if len(counted) != 1 or len(all_states) != LAENDER:
        return None
    kind = counted[0]
    named = {s for t in tallies.values() for s in (t.states or ())}
    if tallies[kind].count + len(named) != LAENDER:
        return None
    return kind, tuple(s for s in all_states if s not in named)
