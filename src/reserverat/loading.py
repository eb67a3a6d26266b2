"""Rule files (TOML) to RuleSet: resolve ``extends``, collect every problem, raise once.

Loading reads data only: ``tomllib`` parses, pydantic validates, nothing is executed.
A rule set is found by id (or alias) in the built-in ``rules/`` folder and in any
folders given, or by path.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from reserverat.checks import NODE_TYPES, RECIPIENTS
from reserverat.errors import Problem, RuleSetError, did_you_mean, did_you_mean_texts
from reserverat.inputs import parse_json, parse_toml, read_text
from reserverat.ruleset import (
    BASIS_MARKS,
    Citation,
    Criterion,
    Parameter,
    RuleSet,
    Text,
    _parameter_input,
    _problems_of,
)

__all__ = [
    "RuleSetInfo",
    "builtin_rules_dir",
    "list_rulesets",
    "load_ruleset",
    "parse_ruleset",
    "ruleset_versions",
]


def builtin_rules_dir() -> Path:
    """The folder of the rule sets shipped inside the package."""
    return Path(str(resources.files("reserverat") / "rules"))


@dataclass(frozen=True)
class RuleSetInfo:
    """What ``rules list`` shows of a rule file without fully loading it."""

    id: str
    version: str
    title: Text
    aliases: tuple[str, ...]
    path: Path
    extends: str | None


def _read_toml(path: Path) -> dict[str, Any]:
    return parse_toml(read_text(path, RuleSetError), str(path), RuleSetError)


_TABLE = re.compile(r"^\s*\[", re.M)


def _read_head(path: Path) -> dict[str, Any]:
    """A rule file's top-level keys (id, version, validity, aliases) without parsing its
    criteria: TOML puts every top-level key before the first table, so the text up to the
    first ``[table]`` line holds them. Where that prefix does not parse on its own (a
    multi-line string with a line that starts with ``[``), the whole file is read."""
    text = read_text(path, RuleSetError)
    m = _TABLE.search(text)
    if m is not None:
        try:
            head = parse_toml(text[: m.start()], str(path), RuleSetError)
        except RuleSetError:
            head = {}
        if "id" in head:
            return head
    return parse_toml(text, str(path), RuleSetError)


@dataclass(frozen=True)
class _Version:
    path: Path
    version: str
    valid_from: date | None
    valid_to: date | None

    def covers(self, when: date) -> bool:
        return (self.valid_from or date.min) <= when <= (self.valid_to or date.max)


def _dated(value: Any) -> date | None:
    return value if isinstance(value, date) else None


def _versions(dirs: Sequence[Path]) -> dict[str, list[_Version]]:
    """Every id and alias found in ``dirs``, with its dated versions (earlier folders win).

    Several files may hold one id when their validity does not overlap: each is a version
    of the rule set in force for its own dates (a law that changed on a day).
    """
    found: dict[str, list[_Version]] = {}
    for folder in reversed(dirs):
        here: dict[str, list[_Version]] = {}
        for path in sorted(folder.glob("*.toml")):
            try:
                data = _read_head(path)  # an index of every file: its head is enough
            except RuleSetError:
                continue
            version = _Version(
                path,
                str(data.get("version", "")),
                _dated(data.get("valid_from")),
                _dated(data.get("valid_to")),
            )
            for name in [data.get("id"), *(data.get("aliases") or [])]:
                if isinstance(name, str):
                    here.setdefault(name, []).append(version)
        found.update(here)  # a folder earlier in the search replaces all versions of an id
    for versions in found.values():
        versions.sort(key=lambda v: v.valid_from or date.min)
    return found


def _index(dirs: Sequence[Path]) -> dict[str, Path]:
    """Map every id and alias found in ``dirs`` to its newest file (earlier folders win)."""
    return {name: versions[-1].path for name, versions in _versions(dirs).items()}


def _overlaps(name: str, versions: list[_Version]) -> list[Problem]:
    problems = []
    for a, b in itertools.pairwise(versions):
        if a.valid_to is None or (b.valid_from is not None and b.valid_from <= a.valid_to):
            problems.append(
                Problem(
                    str(b.path),
                    "valid_from",
                    "overlapping_versions",
                    f"version {b.version} of {name!r} starts on {b.valid_from}, but version "
                    f"{a.version} ({a.path.name}) is still in force then"
                    + ("" if a.valid_to is None else f" (until {a.valid_to})")
                    + "; give the older one a valid_to before this valid_from",
                    b.version,
                    msg_sv=f"version {b.version} av {name!r} börjar gälla {b.valid_from}, men "
                    f"version {a.version} ({a.path.name}) gäller fortfarande då"
                    + ("" if a.valid_to is None else f" (till {a.valid_to})")
                    + "; ge den äldre ett valid_to före detta valid_from",
                )
            )
    return problems


def _choose(name: str, versions: list[_Version], version: str | None, when: date | None) -> Path:
    if version is not None:
        for v in versions:
            if v.version == version:
                return v.path
        known = ", ".join(v.version for v in versions)
        raise RuleSetError(
            [
                Problem(
                    "<rules>",
                    "",
                    "unknown_version",
                    f"{name!r} has no version {version!r}; known: {known}",
                    version,
                    msg_sv=f"{name!r} har ingen version {version!r}; kända: {known}",
                )
            ]
        )
    if when is not None:
        for v in versions:
            if v.covers(when):
                return v.path
    # No date, or none in force then: the newest (evaluating it says it was not in force).
    return versions[-1].path


def _search_dirs(extra: Iterable[str | Path] = ()) -> list[Path]:
    return [*(Path(d) for d in extra), builtin_rules_dir()]


def list_rulesets(
    search: Iterable[str | Path] = (), *, problems: list[Problem] | None = None
) -> list[RuleSetInfo]:
    """The rule sets in the built-in folder and in ``search``, sorted by id.

    A file that cannot be read is left out, and its problems are added to ``problems``
    when given: one broken file never hides the rule sets beside it.
    """
    out: dict[str, RuleSetInfo] = {}  # by id@version: dated versions are listed each
    for folder in reversed(_search_dirs(search)):
        for path in sorted(folder.glob("*.toml")):
            try:
                data = _read_toml(path)
                info = RuleSetInfo(
                    id=str(data["id"]),
                    version=str(data.get("version", "")),
                    title=Text.model_validate(data.get("title")),
                    aliases=tuple(data.get("aliases") or ()),
                    path=path,
                    extends=data.get("extends"),
                )
            except RuleSetError as exc:
                if problems is not None:
                    problems.extend(exc.problems)
                continue
            except (KeyError, ValidationError):
                if problems is not None:
                    problems.append(
                        Problem(
                            str(path),
                            "",
                            "not_a_ruleset",
                            "no id or title: not a rule set",
                            msg_sv="inget id eller title: inget regelverk",
                        )
                    )
                continue
            out[f"{info.id}@{info.version}"] = info
    return sorted(out.values(), key=lambda i: (i.id, i.version))


def ruleset_versions(
    ruleset_id: str, search: Iterable[str | Path] = ()
) -> list[tuple[str, date | None, date | None]]:
    """Every dated version of ``ruleset_id`` found (version, in force from, until), oldest
    first; empty for a rule set known only by its file."""
    return [
        (v.version, v.valid_from, v.valid_to)
        for v in _versions(_search_dirs(search)).get(ruleset_id, [])
    ]


def load_ruleset(
    ref: str | Path,
    *,
    search: Iterable[str | Path] = (),
    as_of: date | None = None,
    paths: bool = True,
) -> RuleSet:
    """Load a rule set by id, alias, ``id@version`` or file path, resolving ``extends``.

    Where one id has dated versions, ``as_of`` (the procurement's date) picks the version
    in force then; without it, or when none was in force, the newest is loaded.
    ``paths=False`` never reads ``ref`` as a file path: for a ref from untrusted input, such
    as an HTTP request, where a name that is also a file in the working folder must not
    read that file.

    Raises:
        RuleSetError: every problem found, each with file, location, code and message.
    """
    dirs = _search_dirs(search)
    path = Path(ref)
    if paths and (path.suffix == ".toml" or _is_file(path)):
        return parse_ruleset(_read_toml(path), source=str(path), search=[path.parent, *dirs])
    name, _, version = str(ref)[:200].partition("@")
    index = _versions(dirs)
    if name not in index:
        hint = did_you_mean(name, index)
        raise RuleSetError(
            [
                Problem(
                    "<rules>",
                    "",
                    "unknown_ruleset",
                    f"no rule set {name!r}"
                    + (
                        f"; did you mean {hint!r}?"
                        if hint
                        else f"; known: {', '.join(sorted(index))}"
                    ),
                    name,
                    msg_sv=f"inget regelverk {name!r}"
                    + (
                        f"; menade du {hint!r}?" if hint else f"; kända: {', '.join(sorted(index))}"
                    ),
                )
            ]
        )
    overlapping = _overlaps(name, index[name])
    if overlapping:
        raise RuleSetError(overlapping)
    found = _choose(name, index[name], version or None, as_of)
    return parse_ruleset(_read_toml(found), source=str(found), search=[found.parent, *dirs])


def _relocated(problem: Problem, source: str) -> Problem:
    """A problem of loading a parent, placed at the ``extends`` that named it."""
    return replace(problem, source=source, loc="extends")


def _shape_problems(data: dict[str, Any], source: str) -> list[Problem]:
    """The containers the merge reads must have the right type before it reads them."""
    problems = []
    crits = data.get("criteria", [])
    if not isinstance(crits, list):
        problems.append(
            Problem(
                source,
                "criteria",
                "wrong_type",
                "criteria must be an array of tables",
                msg_sv="criteria ska vara en lista av tabeller",
            )
        )
    else:
        for i, crit in enumerate(crits):
            if not isinstance(crit, dict):
                problems.append(
                    Problem(
                        source,
                        f"criteria[{i}]",
                        "wrong_type",
                        "a criterion is a table ([[criteria]] with id, title, citation, check)",
                        crit,
                        msg_sv="ett kriterium är en tabell ([[criteria]] med id, title, citation, "
                        "check)",
                    )
                )
    remove = data.get("remove_criteria", [])
    if not isinstance(remove, list) or not all(isinstance(r, str) for r in remove):
        problems.append(
            Problem(
                source,
                "remove_criteria",
                "wrong_type",
                "remove_criteria is a list of criterion ids",
                remove,
                msg_sv="remove_criteria är en lista av kriteriers id",
            )
        )
    for key in ("parameters", "title", "description"):
        if key in data and not isinstance(data[key], dict):
            problems.append(
                Problem(
                    source,
                    key,
                    "wrong_type",
                    f"{key} must be a table",
                    data[key],
                    msg_sv=f"{key} ska vara en tabell",
                )
            )
    for key in ("legal_basis", "open_points", "aliases"):
        if key in data and not isinstance(data[key], list):
            problems.append(
                Problem(
                    source,
                    key,
                    "wrong_type",
                    f"{key} must be an array",
                    msg_sv=f"{key} ska vara en lista",
                )
            )
    return problems


def _is_file(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long for a file, a NUL byte: an id, then
        return False


@dataclass(frozen=True)
class _Origin:
    source: str
    index: int
    rule: str | None


_MERGE_REPLACE = (
    "id",
    "version",
    "title",
    "valid_from",
    "valid_to",
    "description",
    "reservation_codes",
)


def _resolve(
    data: dict[str, Any], source: str, search: Sequence[Path], chain: tuple[str, ...]
) -> tuple[dict[str, Any], list[_Origin], list[Problem]]:
    """Merge ``data`` over its parent; return the merged dict, criterion origins, problems."""
    problems: list[Problem] = []
    crits = data.get("criteria", [])
    shape = _shape_problems(data, source)
    if shape:
        return data, [], shape
    own = [
        _Origin(source, i, c.get("id") if isinstance(c, dict) else None)
        for i, c in enumerate(crits)
    ]
    parent_ref = data.get("extends")
    if parent_ref is None:
        return data, own, problems
    if not isinstance(parent_ref, str):
        return (
            data,
            own,
            [
                Problem(
                    source,
                    "extends",
                    "wrong_type",
                    "extends names a rule set id",
                    parent_ref,
                    msg_sv="extends anger ett regelverks id",
                )
            ],
        )
    if parent_ref.partition("@")[0] in chain:
        cycle = " -> ".join([*chain, parent_ref])
        return (
            data,
            own,
            [
                Problem(
                    source,
                    "extends",
                    "extends_cycle",
                    f"cycle in extends: {cycle}",
                    parent_ref,
                    msg_sv=f"extends går i cirkel: {cycle}",
                )
            ],
        )
    # ``id@version`` pins the parent: a later version of it cannot change this rule set.
    parent_name, _, parent_version = parent_ref.partition("@")
    index = _versions(search)
    if parent_name not in index:
        tip, tip_sv = did_you_mean_texts(parent_name, index)
        return (
            data,
            own,
            [
                Problem(
                    source,
                    "extends",
                    "unknown_ruleset",
                    f"extends unknown rule set {parent_ref!r}" + tip,
                    parent_ref,
                    msg_sv=f"extends anger ett okänt regelverk {parent_ref!r}" + tip_sv,
                )
            ],
        )
    try:
        parent_path = _choose(parent_name, index[parent_name], parent_version or None, None)
    except RuleSetError as exc:
        return data, own, [_relocated(p, source) for p in exc.problems]
    try:
        parent_raw = _read_toml(parent_path)
    except RuleSetError as exc:
        return data, own, list(exc.problems)
    parent, parent_origins, parent_problems = _resolve(
        parent_raw, str(parent_path), [parent_path.parent, *search], (*chain, parent_name)
    )
    if parent_problems:
        return data, own, parent_problems

    merged = copy.deepcopy(parent)
    merged.pop("aliases", None)
    for key in _MERGE_REPLACE:
        if key in data:
            merged[key] = data[key]
    merged["extends"] = str(parent.get("id", parent_name)) + (
        f"@{parent_version}" if parent_version else ""
    )
    for key in ("legal_basis", "open_points"):
        merged[key] = list(parent.get(key, [])) + list(data.get(key, []))
    if data.get("inherit_legal_basis") is False:
        # A rule set under another instrument (LUF, LUK) cites its own law, not the parent's.
        merged["legal_basis"] = list(data.get("legal_basis", []))
    if not merged["open_points"]:
        del merged["open_points"]
    if "aliases" in data:
        merged["aliases"] = data["aliases"]
    params = dict(merged.get("parameters") or {})
    for name, value in (data.get("parameters") or {}).items():
        old = params.get(name)
        if isinstance(old, dict) and not (isinstance(value, dict) and "values" in value):
            # A bare override keeps the parent's description and replaces the values.
            params[name] = {**old, "values": [{"value": value}]}
        else:
            params[name] = value
    merged["parameters"] = params

    criteria = list(merged.get("criteria", []))
    origins = list(parent_origins)
    remove = data.get("remove_criteria", [])
    for rid in remove:
        ids = [c.get("id") for c in criteria]
        if rid not in ids:
            tip, tip_sv = did_you_mean_texts(str(rid), [str(i) for i in ids])
            problems.append(
                Problem(
                    source,
                    "remove_criteria",
                    "unknown_criterion",
                    f"no inherited criterion {rid!r} to remove" + tip,
                    rid,
                    msg_sv=f"inget ärvt kriterium {rid!r} att ta bort" + tip_sv,
                )
            )
            continue
        k = ids.index(rid)
        del criteria[k]
        del origins[k]
    for i, given in enumerate(crits):
        crit = dict(given) if isinstance(given, dict) else given
        replace = crit.pop("replace", False) if isinstance(crit, dict) else False
        ids = [c.get("id") for c in criteria]
        cid = crit.get("id") if isinstance(crit, dict) else None
        if cid in ids:
            if not replace:
                problems.append(
                    Problem(
                        source,
                        f"criteria[{i}].id",
                        "duplicate_id",
                        f"criterion {cid!r} is inherited from {parent_ref}; "
                        "set replace = true to override it",
                        cid,
                        rule=cid,
                        msg_sv=f"kriteriet {cid!r} ärvs från {parent_ref}; ange replace = true "
                        "för att ersätta det",
                    )
                )
                continue
            k = ids.index(cid)
            criteria[k] = crit
            origins[k] = own[i]
        else:
            if replace:
                problems.append(
                    Problem(
                        source,
                        f"criteria[{i}].replace",
                        "unknown_criterion",
                        f"replace = true, but {parent_ref} has no criterion {cid!r}",
                        cid,
                        rule=cid,
                        msg_sv=f"replace = true, men {parent_ref} har inget kriterium {cid!r}",
                    )
                )
            criteria.append(crit)
            origins.append(own[i])
    merged["criteria"] = criteria
    return merged, origins, problems


_KNOWN_FIELDS = sorted(
    {
        *RuleSet.model_fields,
        *Criterion.model_fields,
        *Citation.model_fields,
        *Parameter.model_fields,
        "since",
        "value",
        "replace",
        "remove_criteria",
        "inherit_legal_basis",
        "param",
        *(f for cls in NODE_TYPES.values() for f in cls.model_fields),
    }
)


def parse_ruleset(
    data: dict[str, Any], *, source: str = "<python>", search: Sequence[str | Path] = ()
) -> RuleSet:
    """Validate a rule set given as parsed TOML (a dict), resolving ``extends`` via ``search``.

    Raises:
        RuleSetError: every problem found, located in the file it comes from; ``wrong_type``
            for something other than a mapping (a TOML text is read with load_ruleset, or
            parsed with tomllib first).
    """
    if not isinstance(data, Mapping):
        raise RuleSetError(
            [
                Problem(
                    source,
                    "",
                    "wrong_type",
                    f"a rule set is a table of keys (a dict), not {type(data).__name__}: "
                    "load a file with load_ruleset, or parse TOML text with tomllib first",
                    msg_sv=f"ett regelverk är en tabell av nycklar (en dict), inte "
                    f"{type(data).__name__}: läs en fil med load_ruleset, eller tolka TOML-text "
                    "med tomllib först",
                )
            ]
        )
    dirs = [Path(d) for d in search] or _search_dirs()
    own_id = data.get("id")
    merged, origins, problems = _resolve(data, source, dirs, (str(own_id),) if own_id else ())
    merged = {
        k: v for k, v in merged.items() if k not in ("remove_criteria", "inherit_legal_basis")
    }
    merge_failed = bool(problems)
    if not problems and isinstance(merged.get("criteria"), list):
        merged["criteria"] = [
            _inline_files(c, origin, f"criteria[{origin.index}]", problems)
            for c, origin in zip(merged.get("criteria", []), origins, strict=False)
        ]
    if not problems:
        try:
            return RuleSet.model_validate(merged)
        except ValidationError as exc:
            problems = _problems_of(exc, source=source)
            problems = [_relocate(p, origins, source) for p in problems]
            problems = _improve(problems)
            problems += _second_look(merged, origins, source, problems, whole=True)
        except RuleSetError as exc:  # raised directly when validation is bypassed
            problems = [_relocate(p, origins, source) for p in exc.problems]
    elif merge_failed and isinstance(data.get("criteria", []), list):
        # The merge failed (an unknown parent, a cycle): the file's own criteria and
        # parameters are still checked, so that one run reports every problem.
        own = [
            _Origin(source, i, c.get("id") if isinstance(c, dict) else None)
            for i, c in enumerate(data.get("criteria", []))
        ]
        problems += _second_look(data, own, source, problems, whole=False)
    raise RuleSetError(problems)


def _second_look(
    data: dict[str, Any],
    origins: list[_Origin],
    source: str,
    found: list[Problem],
    *,
    whole: bool,
) -> list[Problem]:
    """The rule set's own checks (duplicate ids, parameter references, texts) over the
    criteria and parameters that do validate, when the whole does not: pydantic stops
    before the rule set's checks, and a writer should see every problem in one run.

    ``whole`` is False when ``data`` is one file whose parent could not be merged: then
    each criterion and parameter is validated here (the main validation never ran), and
    references are not checked, since they may point at what the file would inherit.
    """
    extra: list[Problem] = []

    def add(p: Problem) -> None:
        p = _relocate(p, origins, source)
        if all((q.loc, q.code) != (p.loc, p.code) for q in (*found, *extra)):
            extra.append(p)

    def at(p: Problem, prefix: str, rule: Any = None) -> Problem:
        loc = f"{prefix}.{p.loc}" if p.loc else prefix
        return replace(p, loc=loc, rule=p.rule or (rule if isinstance(rule, str) else None))

    raw_crits = data.get("criteria")
    crits = raw_crits if isinstance(raw_crits, list) else []
    valid: list[Criterion] = []
    where: list[int] = []
    failed = 0
    for k, raw in enumerate(crits):
        if not isinstance(raw, dict):
            continue
        try:
            valid.append(Criterion.model_validate({n: v for n, v in raw.items() if n != "replace"}))
        except (ValidationError, RuleSetError) as exc:
            failed += 1
            if not whole:
                errors = (
                    _improve(_problems_of(exc, source=source))
                    if isinstance(exc, ValidationError)
                    else list(exc.problems)
                )
                for p in errors:
                    add(at(p, f"criteria[{k}]", raw.get("id")))
            # Its id and texts are still checked: a stand-in with a check that uses nothing.
            valid.append(_stand_in(raw, k))
        where.append(k)
    raw_params = data.get("parameters")
    params: dict[str, Parameter] = {}
    broken: set[str] = set()
    for name, raw in (raw_params if isinstance(raw_params, dict) else {}).items():
        try:
            params[name] = Parameter.model_validate(_parameter_input(raw))
        except ValidationError as exc:
            broken.add(name)
            if not whole:
                for p in _problems_of(exc, source=source):
                    add(at(p, f"parameters.{name}"))
    if not whole:
        for key, value in data.items():
            if key not in _FILE_KEYS:
                tip, tip_sv = did_you_mean_texts(str(key), _FILE_KEYS)
                add(
                    Problem(
                        source,
                        str(key),
                        "unknown_field",
                        f"unknown field {key!r}" + tip,
                        value,
                        msg_sv=f"okänt fält {key!r}" + tip_sv,
                    )
                )
    shell = RuleSet.model_construct(
        id=str(data.get("id", "")),
        version=str(data.get("version", "")),
        title=Text.model_construct(sv="", en=""),  # never shown: only the checks run
        legal_basis=(),
        criteria=tuple(valid),
        parameters=params,
        risk=None,
        valid_from=None,
        valid_to=None,
        description=None,
        open_points=(),
    )
    for problem in shell._problems():
        m = _CRIT_LOC.match(problem.loc)
        # Back to the criterion's place among all of them.
        p = (
            replace(problem, loc=f"criteria[{where[int(m.group(1))]}]" + problem.loc[m.end() :])
            if m
            else problem
        )
        if p.code == "unknown_parameter" and (p.input in broken or not whole):
            continue  # a broken parameter is reported itself; an inherited one is unknown here
        if p.code == "unused_parameter" and (failed or not whole):
            continue  # a criterion that failed may use it
        add(p)
    return extra


def _stand_in(raw: dict[str, Any], k: int) -> Criterion:
    """A criterion that failed validation, kept for the checks of its id and texts: the
    parts that validate on their own, and a check that uses no parameter."""
    from reserverat.checks import FactIsTrue

    def text(key: str) -> Text | None:
        try:
            return Text.model_validate(raw.get(key))
        except (ValidationError, ValueError, TypeError):
            return None

    cid = raw.get("id")
    return Criterion.model_construct(
        id=cid if isinstance(cid, str) else f"\x00{k}",  # no id: never a duplicate
        title=text("title") or Text.model_construct(sv="", en=""),
        citation=Citation.model_construct(instrument=""),
        check=FactIsTrue.model_construct(kind="fact_is_true", path="purpose.integration_main_aim"),
        when=None,
        aliases=(),
        description=text("description"),
        when_text=text("when_text"),
        severity="required",
    )


_FILE_KEYS = sorted({*RuleSet.model_fields, "remove_criteria", "inherit_legal_basis"})
"""The top-level keys a rule file may have."""


def _inline_files(node: Any, origin: _Origin, loc: str, problems: list[Problem]) -> Any:
    """Replace ``file = "zone.geojson"`` in an in_zone check by the file's geometry.

    The path is relative to the rule file that names it; the geometry becomes part of
    the rule set (and of its hash), so a result names exactly the zone it used.
    """
    if isinstance(node, list):
        return [_inline_files(x, origin, f"{loc}[{i}]", problems) for i, x in enumerate(node)]
    if not isinstance(node, dict):
        return node
    out = {k: _inline_files(v, origin, f"{loc}.{k}", problems) for k, v in node.items()}
    if out.get("kind") == "in_zone" and "file" in out:
        ref = out.pop("file")
        try:
            path = _zone_path(Path(origin.source).parent, str(ref))
            data = parse_json(
                read_text(path, RuleSetError, max_bytes=MAX_ZONE_BYTES), str(path), RuleSetError
            )
        except RuleSetError as exc:
            problems.extend(
                replace(p, source=origin.source, loc=f"{loc}.file", input=ref, rule=origin.rule)
                for p in exc.problems
            )
            return out
        out["geometry"] = data
        out.setdefault("name", path.stem)
    return out


MAX_ZONE_BYTES = 5 * 2**20
"""The largest GeoJSON zone file a rule file may name: 5 MiB."""


def _zone_path(folder: Path, ref: str) -> Path:
    """The zone file ``ref`` names, which must be a regular file below the rule file's folder.

    Raises:
        RuleSetError: ``bad_path`` (absolute, a NUL byte), ``outside_folder`` (``..`` or a
            symbolic link out), or what :func:`reserverat.inputs.read_bytes` finds.
    """
    if "\x00" in ref or Path(ref).is_absolute():
        raise RuleSetError(
            [
                Problem(
                    ref,
                    "",
                    "bad_path",
                    "a zone file is named relative to its rule file",
                    msg_sv="en zonfil anges relativt till sin regelfil",
                )
            ]
        )
    base = folder.resolve()
    path = folder / ref
    try:
        inside = path.resolve().is_relative_to(base)
    except (OSError, RuntimeError):  # a symlink loop
        inside = False
    # Every step from the folder down to the file, the file included, must be no link.
    steps = [p for p in [path, *path.parents] if p != folder and p.is_relative_to(folder)]
    if not inside or any(p.is_symlink() for p in steps):
        raise RuleSetError(
            [
                Problem(
                    ref,
                    "",
                    "outside_folder",
                    "a zone file must lie in the rule file's folder or below it, and not "
                    "behind a symbolic link",
                    msg_sv="en zonfil ska ligga i regelfilens mapp eller under den, och inte "
                    "bakom en symbolisk länk",
                )
            ]
        )
    return path


_CRIT_LOC = re.compile(r"^criteria\[(\d+)\]")


def _relocate(p: Problem, origins: list[_Origin], source: str) -> Problem:
    """Point a problem in a merged criterion at the file and index it came from."""
    m = _CRIT_LOC.match(p.loc)
    if not m or int(m.group(1)) >= len(origins):
        src = source if p.source in ("<python>", "<override>") else p.source
        return replace(p, source=src)
    origin = origins[int(m.group(1))]
    loc = f"criteria[{origin.index}]" + p.loc[m.end() :]
    return replace(p, source=origin.source, loc=loc, rule=p.rule or origin.rule)


_BASIS_LOC = re.compile(r"(^|\.)basis$")
_RECIPIENT_LOC = re.compile(r"\.(allowed|distributed_to)\[\d+\]$")


def _improve(problems: list[Problem]) -> list[Problem]:
    out = []
    for p in problems:
        hint = None
        if p.code == "unknown_field" and "did you mean" not in p.msg:
            hint = did_you_mean(p.loc.rsplit(".", 1)[-1], _KNOWN_FIELDS)
        elif p.code == "not_allowed" and isinstance(p.input, str):
            # Two vocabularies of the rule files get codes of their own.
            vocabulary = None
            in_tree = ".check" in p.loc or ".when" in p.loc  # share_at_least has a basis too
            if _BASIS_LOC.search(p.loc) and not in_tree:
                code, what, vocabulary = "unknown_basis", "basis mark", BASIS_MARKS
            elif _RECIPIENT_LOC.search(p.loc):
                code, what, vocabulary = "unknown_recipient", "transfer recipient", RECIPIENTS
            if vocabulary is not None:
                near = did_you_mean(p.input, vocabulary)
                expected = f"did you mean {near!r}?" if near else "expected one of "
                msg = f"unknown {what} {p.input!r}; {expected}" + (
                    "" if near else ", ".join(vocabulary)
                )
                what_sv = "grundmärkning" if what == "basis mark" else "mottagare av överföring"
                expected_sv = f"menade du {near!r}?" if near else "välj en av "
                msg_sv = f"okänd {what_sv} {p.input!r}; {expected_sv}" + (
                    "" if near else ", ".join(vocabulary)
                )
                out.append(replace(p, code=code, msg=msg, msg_sv=msg_sv))
                continue
        if hint:
            sv = f"{p.msg_sv}; menade du {hint!r}?" if p.msg_sv else None
            out.append(replace(p, msg=f"{p.msg}; did you mean {hint!r}?", msg_sv=sv))
        else:
            out.append(p)
    return out
