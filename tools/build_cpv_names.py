"""Write ``src/reserverat/data/cpv_names.csv`` from the eForms SDK's social-services CPV list.

The source is ``codelists/cpv_social-service-cpv.gc`` of the eForms SDK
(https://github.com/OP-TED/eForms-SDK, Publications Office of the European Union,
CC BY 4.0): the CPV codes of the social and other specific services, with their names in
every official language. Run it by hand when the SDK changes::

    python tools/build_cpv_names.py path/to/cpv_social-service-cpv.gc

It keeps the code and the Swedish and English names; nothing is fetched at run time.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from defusedxml import ElementTree

OUT = Path(__file__).resolve().parents[1] / "src" / "reserverat" / "data" / "cpv_names.csv"


def main(source: str) -> None:
    """Read the genericode list and write code, Swedish name, English name."""
    root = ElementTree.parse(source).getroot()
    rows = []
    for row in root.iter("Row"):
        values = {
            v.get("ColumnRef"): (v.findtext("SimpleValue") or "").strip() for v in row.iter("Value")
        }
        code, sv, en = values.get("code"), values.get("swe_label"), values.get("eng_label")
        if code and sv and en:
            rows.append((code, sv, en))
    rows.sort()
    with OUT.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(("code", "sv", "en"))
        writer.writerows(rows)
    print(f"{OUT}: {len(rows)} codes")


if __name__ == "__main__":
    main(sys.argv[1])
