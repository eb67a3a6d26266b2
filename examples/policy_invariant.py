"""A policy writer checks an invariant of their own rule variant with reserverat.testing.

Invariant: in our variant of LOU 4:18 with a 40 % threshold, no supplier qualifies that
the statutory 30 % rule would not qualify, and near the 40 % boundary the outcome
follows the exact count. Run: python examples/policy_invariant.py (needs hypothesis).
"""

from datetime import date
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

import reserverat as rr
from reserverat.testing import declarations, near_boundary_declarations, ruleset_variants

WHEN = date(2024, 1, 1)
LOU = rr.load_ruleset("lou-4-18")
OURS = LOU.with_params(threshold="0.40")


@settings(max_examples=200)
@given(declarations(as_of=WHEN))
def test_our_variant_never_qualifies_more(decl: rr.Declaration) -> None:
    ours = rr.evaluate(decl, OURS, as_of=WHEN).outcome
    statutory = rr.evaluate(decl, LOU, as_of=WHEN).outcome
    if ours is rr.Outcome.QUALIFIED:
        assert statutory is rr.Outcome.QUALIFIED


@settings(max_examples=200)
@given(near_boundary_declarations(threshold="0.40", as_of=WHEN))
def test_the_boundary_is_exact(decl: rr.Declaration) -> None:
    wf = decl.workforce
    assert wf is not None and wf.employed is not None and wf.employed.target_group is not None
    share = Fraction(wf.employed.target_group.headcount or 0, wf.employed.headcount or 1)
    verdict = rr.evaluate(decl, OURS, as_of=WHEN).finding("target-group-share").verdict
    assert (verdict is rr.Verdict.MET) == (share >= Fraction(2, 5))


@settings(max_examples=50)
@given(
    declarations(as_of=WHEN),
    ruleset_variants(LOU, "threshold", st.sampled_from(["0.3", "0.35", "0.4"])),
)
def test_any_threshold_keeps_the_other_criteria(decl: rr.Declaration, variant: rr.RuleSet) -> None:
    base = rr.evaluate(decl, LOU, as_of=WHEN)
    other = rr.evaluate(decl, variant, as_of=WHEN)
    for a, b in zip(base.findings, other.findings, strict=True):
        if a.criterion != "target-group-share":
            assert a.verdict is b.verdict


if __name__ == "__main__":
    test_our_variant_never_qualifies_more()
    test_the_boundary_is_exact()
    test_any_threshold_keeps_the_other_criteria()
    print("policy invariants hold: the 40 % variant qualifies no one the statute would not")
