"""The reserverat API end to end: load rules, build or read declarations, evaluate, explain.

Run: python examples/api_tour.py
"""

from datetime import date
from pathlib import Path

import reserverat as rr

HERE = Path(__file__).parent

# 1. A built-in rule set, by id; its content hash pins the exact rules used.
lou = rr.load_ruleset("lou-4-18")
print(lou.id, lou.version, lou.content_hash[:23])

# 2. A declaration built in Python (fictional). Absent facts stay absent: None is not 0.
declaration = rr.Declaration(
    supplier="Exempelkooperativet ekonomisk förening",
    organisationsnummer="769612-3459",
    legal_form="ekonomisk förening",
    scope="legal_person",
    purpose={"integration_main_aim": True},
    declared_on=date(2017, 12, 1),
    workforce={
        "reference_date": date(2017, 12, 1),
        "employed": {"headcount": 10, "target_group": {"headcount": 2}},
        "trainees": {"headcount": 3, "target_group": {"headcount": 2}},
        "work_training": {"headcount": 0},
        "other": {"headcount": 0},
    },
)

# 3. Evaluate on the submission date: a pure function, same input, same result.
result = rr.evaluate(declaration, lou, as_of=date(2017, 12, 11))
print(result.outcome.value)  # qualified: 4 of 13 occupied is 30.8 %
share = result.finding("target-group-share")
print(share.verdict.value, share.explanation.reason.code)

# 4. The explanation in Swedish (default) or English, and as JSON for storage.
print(rr.render_text(result, "en"))
stored = result.to_json()
assert rr.result_from_json(stored) == result

# 5. A policy variant: same rules, threshold 40 %. A new rule set with its own hash.
stricter = lou.with_params(threshold="0.40")
print(stricter.content_hash != lou.content_hash)
print(rr.evaluate(declaration, stricter, as_of=date(2017, 12, 11)).outcome.value)

# 6. The same criteria built in Python equal the file's.
share_check = rr.share_at_least(
    rr.param("threshold"), basis=rr.param("basis"), declared_share=rr.param("declared_share")
)
print(share_check == lou.criterion("target-group-share").check)

# 7. A file of declarations: the ones read and the located errors apart, nothing lost.
loaded = rr.load_declarations(HERE / "declarations" / "03-ab-kommunal-agare.json")
for error in loaded.errors:
    print("error:", error)
for item in loaded.declarations:
    asf = rr.evaluate(item, rr.load_ruleset("asf-tillvaxtverket"), as_of=date(2017, 12, 11))
    print(item.supplier, "->", asf.outcome.value)
