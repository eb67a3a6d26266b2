"""The quick fuzz profile, run in CI: every surface with a few dozen generated inputs.

The long profile is ``python -m tests.fuzz.campaign --seconds 600`` (see its docstring).
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzz.surfaces import SURFACES

EXAMPLES = {
    "declaration": 150,
    "library": 300,
    "batch": 60,
    "rule_file": 150,
    "espd": 100,
    "eforms": 100,
    "ocds": 150,
    "audit": 60,
    "raw_bytes": 150,
    "options": 100,
    "spreadsheet": 100,
    "group": 60,
    "register": 60,
    "cases": 60,
    "zone": 60,
}


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_surface_holds(surface: str) -> None:
    @settings(
        max_examples=EXAMPLES[surface],
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(seed=st.integers(min_value=0, max_value=2**32 - 1))
    def check(seed: int) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            violations = SURFACES[surface](random.Random(seed), Path(tmp))
        assert not violations, f"{surface} seed {seed}: {violations}"

    check()
