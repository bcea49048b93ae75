"""The rule that may name Länder from a vote count: only where the count and the named Länder make 16.

Cases written from rows of data/reference/resolutions.csv (12-immigration-law, 12-vocational-training,
13-top-2-6, 19-citizenship-reform) and from combinations the rule must refuse.
"""

from __future__ import annotations

import pytest

from intmk_kg.votes import Tally, VoteError, derive_states, parse_tally

LAENDER = ["DE-BB", "DE-BE", "DE-BW", "DE-BY", "DE-HB", "DE-HE", "DE-HH", "DE-MV",
           "DE-NI", "DE-NW", "DE-RP", "DE-SH", "DE-SL", "DE-SN", "DE-ST", "DE-TH"]


def tallies(yes: str = "", no: str = "", abstain: str = "") -> dict[str, Tally]:
    return {"votes_yes": parse_tally(yes, LAENDER), "votes_no": parse_tally(no, LAENDER),
            "votes_abstain": parse_tally(abstain, LAENDER)}


def test_cells():
    assert parse_tally("", LAENDER) == Tally()
    assert parse_tally("13", LAENDER) == Tally(count=13)
    assert parse_tally("DE-HE ; DE-SL", LAENDER) == Tally(states=("DE-HE", "DE-SL"))
    assert parse_tally("all", LAENDER).size == 16


def test_thirteen_for_bayern_against_two_abstaining_names_the_thirteen():
    # 12-immigration-law: 13 in favour, Bayern against, Hessen and Saarland abstaining
    kind, states = derive_states(tallies("13", "DE-BY", "DE-HE ; DE-SL"), LAENDER)
    assert kind == "votes_yes"
    assert set(states) == set(LAENDER) - {"DE-BY", "DE-HE", "DE-SL"} and len(states) == 13


def test_fifteen_for_and_bayern_against_names_the_fifteen():
    # 12-vocational-training: 15 of 16 in favour, Bayern the only one against; abstentions blank
    kind, states = derive_states(tallies("15", "DE-BY"), LAENDER)
    assert (kind, len(states), "DE-BY" in states) == ("votes_yes", 15, False)


def test_sixteen_for_is_every_land():
    # 13-top-2-6: all 16 Länder
    assert derive_states(tallies("16"), LAENDER) == ("votes_yes", tuple(LAENDER))


def test_no_land_from_a_count_that_leaves_doubt():
    assert derive_states(tallies("13"), LAENDER) is None  # who were the other three?
    assert derive_states(tallies("14", "DE-BY"), LAENDER) is None  # one Land unaccounted for
    assert derive_states(tallies("13", "3"), LAENDER) is None  # two counts: no one is named
    assert derive_states(tallies("", "DE-BY"), LAENDER) is None  # 19-citizenship-reform: no count at all
    assert derive_states(tallies("16"), LAENDER[:15]) is None  # the Länder are not all known


@pytest.mark.parametrize("yes, no, abstain, message", [
    ("DE-BY", "DE-BY", "", "DE-BY is named both in votes_yes and in votes_no"),
    ("15", "DE-BY ; DE-HE", "", "the votes add up to 17, more than the 16 Länder"),
])
def test_impossible_votes_are_refused(yes, no, abstain, message):
    with pytest.raises(VoteError, match=message):
        derive_states(tallies(yes, no, abstain), LAENDER)


@pytest.mark.parametrize("cell, message", [
    ("17", "cannot exceed 16"), ("DE-XX", "not a Land"), ("DE-BY ; DE-BY", "named twice"), ("Bayern", "not a Land"),
])
def test_bad_cells_are_refused(cell, message):
    with pytest.raises(VoteError, match=message):
        parse_tally(cell, LAENDER)
