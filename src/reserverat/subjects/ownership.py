"""Ownership and control: public owners, their share, control of the supplier, and the
registers a supplier is in.

Owners are classified by their declared kind, or by name against the register of public
bodies (a fuzzy match, with a grey zone where a name is near but not sure). The checks
are :class:`~reserverat.engine.Eager`: matching names is the work, and the explanation
is the list of what each owner was found to be.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from reserverat.checks import (
    NoControllingInfluence,
    NoPublicOwner,
    PublicShareAtMost,
    RegisteredIn,
)
from reserverat.declaration import Declaration, Owner
from reserverat.engine import Eager, Plan, check, masked
from reserverat.identifiers import parse_identifier
from reserverat.logic import Verdict
from reserverat.registry import PUBLIC_KINDS, OwnerClass
from reserverat.result import Explanation, Fact, Message

__all__ = [
    "NoControllingInfluenceCheck",
    "NoPublicOwnerCheck",
    "PublicShareAtMostCheck",
    "RegisteredInCheck",
]

MET, NOT_MET, UNDECIDED = Verdict.MET, Verdict.NOT_MET, Verdict.UNDECIDED


def _classify(owner: Owner, plan: Plan, accept: float, grey: float) -> OwnerClass:
    """An owner's class: the declared kind where the name does not contradict it."""
    found = plan.context.bodies().classify(
        owner.name, owner.organisationsnummer, accept=accept, grey=grey
    )
    if owner.kind is None:
        return found
    declared = owner.kind.value
    if declared in PUBLIC_KINDS:
        return OwnerClass(declared, True, "declared")
    if found.public is True:
        # Declared private, but the name is a public body's: the name wins, and we say so.
        return OwnerClass(found.kind, True, "declared_contradicted", found.matched, found.score)
    return OwnerClass(declared, False, "declared")


def _owner_label(owner: Owner) -> str:
    # Owners are often persons: their names were masked as they were read; their numbers
    # are kept (registers match on them) and masked here when they are personnummer.
    if owner.organisationsnummer:
        return f"{owner.name} ({parse_identifier(owner.organisationsnummer).masked()})"
    return owner.name


def _owner_note(label: str, c: OwnerClass, declared: str | None) -> Message:
    args: dict[str, Any] = {
        "owner": label,
        "kind": c.kind,
        "matched": c.matched,
        "declared": declared,
    }
    if c.score is not None:
        args["score"] = round(c.score)
    if c.why is not None:
        args["why_sv"], args["why_en"] = c.why
    return Message(f"owner.{c.reason}", args)


def _classified(
    owners: tuple[Owner, ...], plan: Plan, accept: float, grey: float
) -> tuple[list[tuple[int, Owner, str, OwnerClass]], tuple[Fact, ...], tuple[Message, ...]]:
    rows, facts, notes = [], [], []
    for i, owner in enumerate(owners):
        c = _classify(owner, plan, accept, grey)
        label = _owner_label(owner)
        rows.append((i, owner, label, c))
        # The owner's kind is said in words by the note; a code here would be English text.
        facts.append(Fact(f"owners[{i}]", label))
        notes.append(_owner_note(label, c, owner.kind.value if owner.kind else None))
    return rows, tuple(facts), tuple(notes)


_NO_OWNERS = (Fact("owners", None),)
_UNSTATED_CONTROL = (
    Fact("control.public_appoints_board_majority", None),
    Fact("control.public_other_control", None),
)


@check
class NoPublicOwnerCheck(Eager[NoPublicOwner]):
    """No owner is a public body (by declared kind, or by name against the register)."""

    kind = "no_public_owner"
    __slots__ = ()

    @classmethod
    def reads(cls, node: Any) -> tuple[str, ...]:
        """The fields it reads."""
        return tuple(f"owners[].{f}" for f in ("name", "organisationsnummer", "kind", "vote_share"))

    def judge(self, decl: Declaration) -> Explanation:
        """Decide, and say why."""
        node = self.node
        owners = decl.owners
        if owners is None:
            return self.made(UNDECIDED, "owners.unknown", None, _NO_OWNERS, ("ownership_register",))
        if not owners:
            return self.made(MET, "owners.none", None, (Fact("owners", "[]"),))
        rows, facts, notes = _classified(
            owners, self.plan, self.value(node.accept), self.value(node.grey)
        )
        public = [label for _, _, label, c in rows if c.public is True]
        unsure = [label for _, _, label, c in rows if c.public is None]
        if public:
            return self.made(
                NOT_MET,
                "owners.public",
                {"owners": ", ".join(public)},
                facts,
                notes=notes,
            )
        if unsure:
            return self.made(
                UNDECIDED,
                "owners.kind_unknown",
                {"owners": ", ".join(unsure)},
                facts,
                ("ownership_register",),
                notes=notes,
            )
        code = "owners.none_public_one" if len(owners) == 1 else "owners.none_public"
        return self.made(MET, code, {"count": len(owners)}, facts, notes=notes)


@check
class PublicShareAtMostCheck(Eager[PublicShareAtMost]):
    """Public bodies together own at most the maximum share."""

    kind = "public_share_at_most"
    __slots__ = ()

    @classmethod
    def reads(cls, node: Any) -> tuple[str, ...]:
        """The fields it reads."""
        return tuple(
            f"owners[].{f}"
            for f in ("name", "organisationsnummer", "kind", "vote_share", "capital_share")
        )

    def judge(self, decl: Declaration) -> Explanation:
        """Decide, and say why."""
        node = self.node
        maximum = Fraction(self.value(node.maximum))
        owners = decl.owners
        if owners is None:
            return self.made(UNDECIDED, "owners.unknown", None, _NO_OWNERS, ("ownership_register",))
        attr = "vote_share" if node.of == "votes" else "capital_share"
        rows, facts, notes = _classified(
            owners, self.plan, self.value(node.accept), self.value(node.grey)
        )
        total = Fraction(0)
        unknown = []
        for i, owner, label, c in rows:
            share = getattr(owner, attr)
            if c.public is None or (c.public and share is None):
                unknown.append(label)
            elif c.public:
                total += Fraction(share)
                facts += (Fact(f"owners[{i}].{attr}", share),)
        args = {"share": total, "maximum": maximum, "of": node.of}
        if total > maximum:
            gap = Message("gap.share_points", {"points": total - maximum})
            return self.made(
                NOT_MET, "owners.public_share_above", args, facts, gap=gap, notes=notes
            )
        if unknown:
            return self.made(
                UNDECIDED,
                "owners.kind_unknown",
                {"owners": ", ".join(unknown)},
                facts,
                ("ownership_register",),
                notes=notes,
            )
        return self.made(MET, "owners.public_share_within", args, facts, notes=notes)


@check
class NoControllingInfluenceCheck(Eager[NoControllingInfluence]):
    """No public body controls the supplier (board, other control, votes)."""

    kind = "no_controlling_influence"
    __slots__ = ()

    @classmethod
    def reads(cls, node: Any) -> tuple[str, ...]:
        """The fields it reads."""
        owners = ("name", "organisationsnummer", "kind", "vote_share", "appoints_board_majority")
        control = ("control.public_appoints_board_majority", "control.public_other_control")
        return (*control, *(f"owners[].{f}" for f in owners))

    def judge(self, decl: Declaration) -> Explanation:
        """Decide, and say why."""
        node = self.node
        control = decl.control
        facts: tuple[Fact, ...] = ()
        if control is not None:
            facts = (
                Fact(
                    "control.public_appoints_board_majority", control.public_appoints_board_majority
                ),
                Fact("control.public_other_control", control.public_other_control),
            )
            if control.public_appoints_board_majority or control.public_other_control:
                code = (
                    "control.board" if control.public_appoints_board_majority else "control.other"
                )
                return self.made(NOT_MET, code, {"owner": "-"}, facts)
        owners = decl.owners
        if owners is None:
            return self.made(
                UNDECIDED,
                "owners.unknown",
                None,
                _NO_OWNERS + facts,
                ("ownership_register",),
            )
        rows, owner_facts, notes = _classified(
            owners, self.plan, self.value(node.accept), self.value(node.grey)
        )
        facts += owner_facts
        public_rows = [(i, o, label) for i, o, label, c in rows if c.public is True]
        unsure = [label for _, _, label, c in rows if c.public is None]
        for i, owner, label in public_rows:
            facts += (
                Fact(f"owners[{i}].vote_share", owner.vote_share),
                Fact(f"owners[{i}].appoints_board_majority", owner.appoints_board_majority),
            )
            if owner.appoints_board_majority or owner.other_control:
                code = "control.board" if owner.appoints_board_majority else "control.other"
                return self.made(NOT_MET, code, {"owner": label}, facts, notes=notes)
        votes = [o.vote_share for _, o, _ in public_rows]
        known = [Fraction(v) for v in votes if v is not None]
        biggest = max(known, default=Fraction(0))
        total = sum(known, Fraction(0)) if self.value(node.aggregate) else biggest
        args: dict[str, Any] = {
            "share": total,
            "owners": ", ".join(label for *_, label in public_rows) or "-",
            "aggregate": self.value(node.aggregate),
        }
        args["limit"] = Fraction(self.value(node.votes_above))
        if total > Fraction(self.value(node.votes_above)):
            return self.made(NOT_MET, "control.majority", args, facts, notes=notes)
        missing_votes = [label for (_, o, label) in public_rows if o.vote_share is None]
        if unsure or missing_votes:
            return self.made(
                UNDECIDED,
                "owners.kind_unknown",
                {"owners": ", ".join(unsure + missing_votes)},
                facts,
                ("ownership_register",),
                notes=notes,
            )
        # Control without owning (the board of a foundation a municipality set up, an
        # agreement) shows only in the supplier's own statement: unstated, nothing is met.
        stated = control is not None and None not in (
            control.public_appoints_board_majority,
            control.public_other_control,
        )
        if not stated:
            return self.made(
                UNDECIDED,
                "control.public_unstated",
                None,
                facts or _UNSTATED_CONTROL,
                ("truth_declaration",),
                notes=notes,
            )
        if not public_rows and not unsure:
            return self.made(MET, "control.no_public_owners", None, facts, notes=notes)
        board_unknown = [
            label for (_, o, label) in public_rows if o.appoints_board_majority is None
        ]
        if board_unknown and self.value(node.board) == "undecided":
            return self.made(
                UNDECIDED,
                "control.board_unknown",
                {"owners": ", ".join(board_unknown)},
                facts,
                ("ownership_register",),
                notes=notes,
            )
        if board_unknown:
            notes += (Message("control.board_assumed", {"owners": ", ".join(board_unknown)}),)
        return self.made(MET, "control.none", args, facts, notes=notes)


@check
class RegisteredInCheck(Eager[RegisteredIn]):
    """The supplier is in the named register (by number, else by name)."""

    kind = "registered_in"
    __slots__ = ()

    @classmethod
    def reads(cls, node: Any) -> tuple[str, ...]:
        """The fields it reads."""
        return ("organisationsnummer",)

    def judge(self, decl: Declaration) -> Explanation:
        """Decide, and say why."""
        node = self.node
        register = self.plan.context.registers.get(node.register_id)
        facts = (
            Fact("organisationsnummer", masked(decl.organisationsnummer)),
            Fact("supplier", decl.supplier),
        )
        if register is None:
            return self.made(
                UNDECIDED,
                "register.not_supplied",
                {"register": node.register_id},
                facts,
                ("register_extract",),
            )
        match = register.find(
            decl.organisationsnummer, decl.supplier, accept=self.value(node.accept)
        )
        args: dict[str, Any] = {"register": node.register_id, "size": len(register)}
        if match.entry is not None:
            args |= {
                "name": match.entry.name,
                "row": match.entry.row,
                "number": masked(match.entry.organisationsnummer),
            }
        if match.how == "organisationsnummer":
            return self.made(MET, "register.number", args, facts)
        if match.how == "name" and decl.organisationsnummer is None:
            return self.made(MET, "register.name", args, facts)
        if match.how in ("name", "near_name"):
            args["score"] = round(match.score or 0)
            return self.made(UNDECIDED, "register.near", args, facts, ("register_extract",))
        return self.made(NOT_MET, "register.absent", args, facts)
