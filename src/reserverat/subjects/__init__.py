"""The checks, one module per subject of law; importing this package registers them all.

- :mod:`~reserverat.subjects.workforce`: the share of the persons occupied in the target groups
- :mod:`~reserverat.subjects.money`: profits, transfers of value, salaries
- :mod:`~reserverat.subjects.ownership`: public owners, control, registers
- :mod:`~reserverat.subjects.place`: radius, zone, municipality (and the maps behind them)
- :mod:`~reserverat.subjects.tender`: the CPV code, earlier reserved awards
- :mod:`~reserverat.subjects.facts`: yes/no facts, values in a set, numbers, dates, scope

See CONTRIBUTING.md for what a new check needs.
"""

from reserverat.subjects import facts, money, ownership, place, tender, workforce

__all__ = ["facts", "money", "ownership", "place", "tender", "workforce"]
