"""Where a criterion's facts come from, and whether that is enough for the rule set.

A declaration's ``sources`` say which facts rest on a document or a register; every
other fact is the supplier's own word. A criterion's ``sources`` rule asks for at least
a document or a register reading (at award and during the contract) and may bound their
age. Both are read here: which sources the facts a criterion reads rest on (its stated
facts only), and the decision that replaces a verdict the sources cannot carry.

Two readings are the tool's, and the explanation says so:

- a criterion that is **not met** on the supplier's own word stays not met whatever the
  rule asks for: a supplier is held to what it declares against itself;
- a source older than the rule allows makes the criterion **undecided whichever way it
  went**, since the facts may have changed since.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from reserverat.checks import leaf_checks
from reserverat.declaration import SOURCE_RANK, Declaration, Source
from reserverat.labels import DOCUMENT_WORDS
from reserverat.logic import Verdict
from reserverat.result import SourceUsed

if TYPE_CHECKING:
    from reserverat.engine import Plan
    from reserverat.ruleset import Criterion, SourceRule

__all__ = [
    "BUYER_FETCHES",
    "DOCUMENT_NAMES",
    "CriterionSources",
    "fetchable",
    "source_words",
]

UNDECIDED = Verdict.UNDECIDED

BUYER_FETCHES = {
    "register_extract": "any",
    "registration_certificate": "any",
    "annual_report": "files_with_bolagsverket",
}
"""Evidence the buyer can get free itself, and for whom.

The tool advises the buyer to fetch these itself rather than ask for them. LOU 15 kap. 5 §
(directive 2014/24/EU art. 59.5) spares a supplier that gave an ESPD a supporting document
the buyer already has or can take free, directly and electronically (Upphandlingsmyndigheten:
without an ESPD, what the procurement documents ask for is sent with the tender);
:func:`reserverat.render.request.fetch_provision` names it where it applies. Which
registers count is the tool's reading: Kammarkollegiet's register of idéburna
organisations and Bolagsverket's registration details are public; annual reports are
filed with Bolagsverket by limited companies and economic associations, not by
non-profit associations or most foundations.
"""

_FILE_WITH_BOLAGSVERKET = frozenset({"aktiebolag", "svb_aktiebolag", "ekonomisk_forening"})


def fetchable(code: str, legal_form: str | None) -> bool:
    """Whether the buyer can fetch this evidence itself for a supplier of ``legal_form``."""
    who = BUYER_FETCHES.get(code)
    if who == "any":
        return True
    return who == "files_with_bolagsverket" and legal_form in _FILE_WITH_BOLAGSVERKET


def buyer_fetches(result: Any) -> frozenset[str]:
    """The evidence codes this result asks for that the buyer can fetch free itself.

    The legal form comes from the declaration behind the result, else from a fact the
    findings used; unknown, only what anybody's register gives is counted.
    """
    record = getattr(result, "record", None)
    form = getattr(record.decl, "legal_form", None) if record is not None else None
    if form is None:
        for f in result.findings:
            for fact in f.facts:
                if fact.path == "legal_form" and isinstance(fact.value, str):
                    form = fact.value
    wanted = {code for f in result.findings for code in f.evidence}
    return frozenset(c for c in wanted if fetchable(c, None if form is None else str(form)))


@dataclass(frozen=True, slots=True)
class _Read:
    """One fact path a criterion reads: its dotted form and a test that it is stated."""

    path: str
    stated: Callable[[Declaration], bool]


def _stated_test(parts: tuple[str, ...]) -> Callable[[Declaration], bool]:
    def stated(obj: Any, rest: tuple[str, ...] = parts) -> bool:
        for i, part in enumerate(rest):
            if obj is None:
                return False
            if isinstance(obj, tuple):
                return any(stated(item, rest[i:]) for item in obj)
            obj = getattr(obj, part)
        if isinstance(obj, tuple):
            return bool(obj)
        return obj is not None

    return stated


class CriterionSources:
    """What one compiled criterion reads, the registers it consults, and its sources rule."""

    __slots__ = ("as_of", "reads", "registers", "rule", "stage")

    def __init__(self, crit: Criterion, plan: Plan) -> None:
        from reserverat.engine import check_class

        self.rule: SourceRule | None = crit.sources
        self.as_of = plan.as_of
        self.stage = plan.stage
        reads: dict[str, _Read] = {}
        registers: dict[str, date | None] = {}
        for leaf in leaf_checks(crit.check, plan.params):
            if leaf.kind == "registered_in":
                # Its fact is the buyer's register, not the supplier's number.
                register = plan.context.registers.get(leaf.register_id)
                if register is not None:
                    registers[leaf.register_id] = register.read_on
                continue
            for path in check_class(leaf.kind).reads(leaf):
                dotted = path.replace("[]", "")
                if not dotted.startswith("procurement.") and dotted not in reads:
                    reads[dotted] = _Read(dotted, _stated_test(tuple(dotted.split("."))))
        self.reads = tuple(reads.values())
        self.registers = tuple(registers.items())

    def shown(self, decl: Declaration) -> bool:
        """Whether the finding lists its sources: some were named, asked for or read."""
        return decl.sources is not None or self.rule is not None or bool(self.registers)

    def _covering(self, decl: Declaration) -> list[tuple[Source | None, _Read]]:
        """Each stated fact with the most specific source naming it (None: declared)."""
        sources = decl.sources or ()
        out: list[tuple[Source | None, _Read]] = []
        for read in self.reads:
            if not read.stated(decl):
                continue
            best: Source | None = None
            best_len = -1
            for source in sources:
                for fact in source.facts:
                    if len(fact) > best_len and (
                        read.path == fact or read.path.startswith(fact + ".")
                    ):
                        best, best_len = source, len(fact)
            out.append((best, read))
        return out

    def used(self, decl: Declaration) -> tuple[SourceUsed, ...]:
        """The distinct sources the stated facts rest on, weakest and oldest first."""
        found: dict[SourceUsed, None] = {}
        for source, _ in self._covering(decl):
            found[self._used(source)] = None
        found.update(dict.fromkeys(self._registers()))
        return tuple(sorted(found, key=_weakness))

    def _registers(self) -> list[SourceUsed]:
        """The buyer's registers the criterion consults, each with the day it was read."""
        return [
            self._dated(SourceUsed("register", register_id=r, dated=d)) for r, d in self.registers
        ]

    def _used(self, source: Source | None) -> SourceUsed:
        if source is None or source.kind == "declared":
            return SourceUsed("declared")
        return self._dated(
            SourceUsed(
                source.kind,
                source.document,
                source.reference,
                source.dated,
                source.register_id,
                source.record,
            )
        )

    def _dated(self, used: SourceUsed) -> SourceUsed:
        """The source with the day it went stale, where the rule bounds age and it has."""
        rule = self.rule
        if rule is None or rule.max_age_days is None or used.dated is None:
            return used
        since = used.dated + timedelta(days=rule.max_age_days)
        if since > self.as_of:
            return used
        return replace(used, stale_since=since)

    def gate(
        self, decl: Declaration, verdict: Verdict
    ) -> tuple[str, dict[str, Any], tuple[str, ...]] | None:
        """Why the sources cannot carry ``verdict`` (reason code, arguments, evidence), or None."""
        rule = self.rule
        assert rule is not None
        required = rule.required(self.stage)
        covering = self._covering(decl)
        registers = self._registers()
        if not covering and not registers:
            return None  # nothing stated: the check itself asks for the facts
        args: dict[str, Any] = {"required": required, "stage": self.stage}
        if rule.max_age_days is not None:
            evidence: list[str] = []
            stale: list[SourceUsed] = []
            undated: list[SourceUsed] = []
            sourced = [(self._used(source), read.path) for source, read in covering]
            for used, path in [*sourced, *((u, None) for u in registers)]:
                if used.kind == "declared":
                    continue
                if used.dated is None:
                    undated.append(used)
                elif used.stale_since is not None:
                    stale.append(used)
                else:
                    continue
                if used.kind == "register" or path is None:
                    evidence.append("register_extract")
                else:
                    evidence.append(used.document or _evidence(path))
            if stale or undated:
                worst = min(stale, key=_weakness) if stale else None
                code = "sources.stale" if worst is not None else "sources.undated"
                # The day it went stale is the message's own argument: not said twice.
                shown = replace(worst or undated[0], stale_since=None)
                if worst is not None:
                    args |= {"dated": worst.dated, "since": worst.stale_since}
                args |= {
                    "days": rule.max_age_days,
                    "source_sv": source_words(shown, "sv"),
                    "source_en": source_words(shown, "en"),
                }
                return code, args, tuple(dict.fromkeys(evidence))
        if verdict is not Verdict.MET:
            return None  # not met on its own word: held to it (the tool's reading)
        need = SOURCE_RANK[required]
        short: list[str] = []
        found_rank = 2
        for source, read in covering:
            rank = 0 if source is None else source.rank
            if rank < need:
                found_rank = min(found_rank, rank)
                wanted = "register_extract" if required == "register" else _evidence(read.path)
                short.append(wanted)
        if not short:
            return None
        args["found"] = {0: "declared", 1: "document", 2: "register"}[found_rank]
        return "sources.insufficient", args, tuple(dict.fromkeys(short))


def _evidence(path: str) -> str:
    from reserverat.engine import evidence_for

    return evidence_for(path)


def _weakness(used: SourceUsed) -> tuple[int, date]:
    return (SOURCE_RANK[used.kind], used.dated or date.min)


DOCUMENT_NAMES = {
    lang: {code: words[k] for code, words in DOCUMENT_WORDS.items()}
    for k, lang in enumerate(("sv", "en"))
}
"""Each kind of document by its name, as a source is shown (a request says more)."""


def source_words(used: SourceUsed, lang: str) -> str:
    """A source in words, such as "registret ideburna, läst 2026-03-02".

    Others: "enligt egen försäkran", "årsredovisning (Årsredovisning 2024), daterad
    2025-03-01", each with "inaktuell sedan …" where it has gone stale.
    """
    sv = lang == "sv"
    if used.kind == "declared":
        return "enligt egen försäkran" if sv else "on the supplier's own word"
    if used.kind == "document":
        text = DOCUMENT_NAMES[lang][used.document or "other"]
        if used.reference:
            text += f" ({used.reference})"
        if used.dated is not None:
            text += (", daterad " if sv else ", dated ") + used.dated.isoformat()
        else:
            text += ", odaterad" if sv else ", undated"
    else:
        text = ("registret " if sv else "the register ") + (used.register_id or "")
        if used.record:
            text += (", post " if sv else ", record ") + used.record
        if used.dated is not None:
            text += (", läst " if sv else ", read ") + used.dated.isoformat()
        else:
            text += ", läsdag okänd" if sv else ", day read unknown"
    if used.stale_since is not None:
        text += (
            f", inaktuell sedan {used.stale_since.isoformat()}"
            if sv
            else f", stale since {used.stale_since.isoformat()}"
        )
    return text
