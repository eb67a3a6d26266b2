"""The HTTP service: evaluate, batch and compare over HTTP, for platforms not written in
Python (``pip install 'reserverat[server]'``, then ``reserverat serve``).

FastAPI on uvicorn: FastAPI builds its OpenAPI document from the same pydantic models as
the published JSON Schemas, so the request and response shapes a platform reads are the
library's own; uvicorn is the ASGI server FastAPI is made for, and runs several worker
processes behind a reverse proxy.

Every error is an RFC 9457 problem details document (``application/problem+json``) that
carries the library's :class:`reserverat.Problem` codes and locations, in Swedish or
English by ``Accept-Language``; no response ever holds a stack trace. Requests are
bounded in size (``RESERVERAT_MAX_BODY``, bytes) and time (``RESERVERAT_TIMEOUT``,
seconds). Nothing is kept between requests; a rule set sent inline may not name files;
no request can reach a geocoder (the evaluation context has none), nor read a rule file
by path.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import re
import time
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, SkipValidation

try:
    from fastapi import FastAPI, Request
    from fastapi.concurrency import run_in_threadpool
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse, Response
    from starlette.exceptions import HTTPException as StarletteHTTPException
except ImportError as exc:  # pragma: no cover - the message is the point
    raise ImportError(
        "the HTTP service needs FastAPI and uvicorn: pip install 'reserverat[server]'"
    ) from exc

from reserverat._version import __version__
from reserverat.declaration import Declaration, Procurement, parse_declaration, parse_procurement
from reserverat.errors import (
    DeclarationError,
    Problem,
    ReserveratError,
    RuleSetError,
    problems_from_validation,
)
from reserverat.evaluate import EvaluationContext, evaluate
from reserverat.identifiers import mask_personal_numbers
from reserverat.inputs import parse_json, parse_toml
from reserverat.ruleset import RuleSet

__all__ = [
    "CompareRequest",
    "EvaluateRequest",
    "Limits",
    "create_app",
]

MAX_BODY = 5 * 2**20
"""Default largest request body, in bytes (5 MiB); a batch may be ten times larger."""
TIMEOUT = 30.0
"""Default longest time for one request, in seconds."""
MAX_TOML = 256 * 2**10
"""The largest inline rule file, in characters."""

_REF = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}(@[0-9A-Za-z.+-]{1,32})?$")
_PROBLEM = "application/problem+json"
# Declarations and procurements are validated by the library (its codes and locations),
# so the request models name them for the OpenAPI document and leave them unvalidated.
_Declarations = Annotated[list[Declaration], SkipValidation]
_Declaration = Annotated[Declaration, SkipValidation]
_Procurement = Annotated[Procurement, SkipValidation]


class Limits(BaseModel):
    """How large and how long one request may be."""

    max_body: int = Field(MAX_BODY, gt=0, description="Largest request body, in bytes.")
    timeout: float = Field(TIMEOUT, gt=0, description="Longest time for one request, seconds.")

    @classmethod
    def from_env(cls) -> Limits:
        """The limits named by RESERVERAT_MAX_BODY and RESERVERAT_TIMEOUT, else the defaults."""
        return cls(
            max_body=int(os.environ.get("RESERVERAT_MAX_BODY", MAX_BODY)),
            timeout=float(os.environ.get("RESERVERAT_TIMEOUT", TIMEOUT)),
        )


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ruleset: str | None = Field(
        None, description="A built-in rule set: its id, alias or id@version."
    )
    ruleset_toml: str | None = Field(
        None,
        max_length=MAX_TOML,
        description="A whole rule file (TOML), sent inline; it may extend a built-in one "
        "and may not name files.",
    )
    parameters: dict[str, Any] = Field(
        default_factory=dict, description="A variant: parameter values replacing the rule set's."
    )
    procurement: _Procurement | None = None
    as_of: date | None = Field(
        None, description="The evaluation date; else the procurement's submission date."
    )


class EvaluateRequest(_Request):
    """One declaration or many, evaluated under one rule set."""

    declaration: _Declaration | None = None
    declarations: _Declarations | None = None
    compact: bool = Field(False, description="Verdicts and codes only, no explanations.")


class CompareRequest(_Request):
    """Rule set A (``ruleset`` or ``ruleset_toml``) against B over declarations."""

    declarations: _Declarations
    against: str | None = Field(None, description="Rule set B, by id; default: A.")
    set: dict[str, Any] = Field(
        default_factory=dict, description="Parameters of B (B is A with these when no against)."
    )
    detail_limit: int = Field(1000, ge=0, le=10000)


class FollowUpRequest(BaseModel):
    """A contract and its suppliers' successive declarations, followed up on one day."""

    model_config = ConfigDict(extra="forbid")

    contract: dict[str, Any] = Field(
        description="The contract (schema 'contract'); its rule sets by id@version only."
    )
    declarations: _Declarations
    as_of: date = Field(description="The follow-up date.")
    against: str | None = Field(
        None, description="A newer built-in rule set, to see what it would change."
    )
    procurement: _Procurement | None = None


# ---- problem details ---------------------------------------------------------------------

_TITLES = {
    "sv": {
        400: "Begäran kan inte läsas",
        404: "Finns inte",
        405: "Metoden stöds inte här",
        413: "Begäran är för stor",
        415: "Fel innehållstyp",
        422: "Uppgifterna kan inte bedömas",
        500: "Internt fel",
        503: "Tidsgränsen överskreds",
    },
    "en": {
        400: "The request cannot be read",
        404: "Not found",
        405: "Method not allowed here",
        413: "The request is too large",
        415: "Wrong content type",
        422: "The input cannot be assessed",
        500: "Internal error",
        503: "The time limit was exceeded",
    },
}


def _lang(request: Request) -> str:
    """sv or en from Accept-Language (highest quality first); Swedish by default."""
    best, best_q = "sv", -1.0
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                continue
        base = tag.strip().lower().split("-")[0]
        if base in ("sv", "en") and q > best_q:
            best, best_q = base, q
    return best


def _problem(
    request: Request, status: int, problems: list[Problem], headers: dict[str, str] | None = None
) -> JSONResponse:
    """An RFC 9457 problem details response carrying the library's problems."""
    lang = _lang(request)
    code = problems[0].code if problems else "error"
    body = {
        "type": f"urn:reserverat:problem:{code}",
        "title": _TITLES[lang].get(status, _TITLES[lang][400]),
        "status": status,
        "detail": problems[0].text(lang) if problems else _TITLES[lang].get(status, ""),
        "instance": mask_personal_numbers(request.url.path),  # a path can hold one
        "problems": [p.to_dict() for p in problems],
    }
    return JSONResponse(
        body,
        status_code=status,
        media_type=_PROBLEM,
        headers={"Content-Language": lang, **(headers or {})},
    )


class _RefusedError(Exception):
    """A request refused before the library sees it: its status and problem."""

    def __init__(self, status: int, problem: Problem) -> None:
        super().__init__(problem.msg)
        self.status, self.problem = status, problem

    def as_error(self) -> ReserveratError:
        """The problem as a library error, for a line of a stream already begun."""
        return ReserveratError([self.problem])


def _wrong(source: str, loc: str, en: str, sv: str) -> Problem:
    """A ``wrong_type`` problem in both languages."""
    return Problem(source, loc, "wrong_type", en, msg_sv=sv)


def _body_doc(model: str, kind: str = "application/json") -> dict[str, Any]:
    """The OpenAPI request body of an endpoint that reads its body itself."""
    return {
        "requestBody": {
            "required": True,
            "content": {kind: {"schema": {"$ref": f"#/components/schemas/{model}"}}},
        }
    }


def _refuse(status: int, code: str, en: str, sv: str, loc: str = "") -> _RefusedError:
    return _RefusedError(status, Problem("<request>", loc, code, en, msg_sv=sv))


# ---- reading a request -------------------------------------------------------------------


def _require_type(request: Request, kinds: tuple[str, ...], named: tuple[str, ...] = ()) -> None:
    """Refuse (415) a body of another content type than ``kinds``; the message names
    ``named`` where some of the kinds are only aliases."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in kinds:
        said = named or kinds
        raise _refuse(
            415,
            "unsupported_media_type",
            f"send {' or '.join(said)}, not {kind or 'no content type'}",
            f"skicka {' eller '.join(said)}, inte {kind or 'ingen innehållstyp'}",
        )


async def _body(request: Request, limit: int, kinds: tuple[str, ...]) -> bytes:
    """The whole body, refused with 415 for another content type and 413 over ``limit``."""
    _require_type(request, kinds)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> _RefusedError:
    return _refuse(
        413,
        "too_large",
        f"the body is larger than {limit:,} bytes",
        f"innehållet är större än {limit:,} byte".replace(",", "\u00a0"),
    )


def _json(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _refuse(
            400, "bad_encoding", "the body is not UTF-8", "innehållet är inte UTF-8"
        ) from None
    try:
        return parse_json(text, "<request>", DeclarationError)
    except DeclarationError as exc:
        raise _RefusedError(400, exc.problems[0]) from None


def _model(kind: type[BaseModel], data: Any) -> Any:
    if not isinstance(data, dict):
        raise _refuse(
            400, "wrong_type", "the body is a JSON object", "innehållet är ett JSON-objekt"
        )
    from pydantic import ValidationError

    try:
        return kind.model_validate(data)
    except ValidationError as exc:
        raise DeclarationError(problems_from_validation(exc, source="<request>")) from None


def _rules(req: _Request, ref: str | None = None, toml: str | None = None) -> RuleSet:
    """The rule set a request names (a built-in id, never a path) or sends inline."""
    from reserverat.loading import builtin_rules_dir, parse_ruleset

    ref = ref if ref is not None or toml is not None else req.ruleset
    toml = toml if toml is not None or ref is not None else req.ruleset_toml
    if (ref is None) == (toml is None):
        raise RuleSetError(
            [
                Problem(
                    "<request>",
                    "ruleset",
                    "missing",
                    "name one rule set: ruleset (an id) or ruleset_toml (a rule file)",
                    msg_sv="ange ett regelverk: ruleset (ett id) eller ruleset_toml (en regelfil)",
                )
            ]
        )
    if ref is not None:
        if not _REF.match(ref):
            raise RuleSetError(
                [
                    Problem(
                        "<request>",
                        "ruleset",
                        "bad_ruleset_ref",
                        "a rule set is named by its id, alias or id@version, never a path",
                        ref[:80],
                        msg_sv="ett regelverk anges med sitt id, alias eller id@version, "
                        "aldrig en sökväg",
                    )
                ]
            )
        return _builtin(ref, req.as_of)
    assert toml is not None
    data = parse_toml(toml, "ruleset_toml", RuleSetError)
    files = _named_files(data)
    if files:
        raise RuleSetError(
            [
                Problem(
                    "ruleset_toml",
                    files[0],
                    "not_allowed",
                    "a rule set sent over HTTP may not name files (a zone's file): send "
                    "its geometry inline",
                    msg_sv="ett regelverk som skickas över HTTP får inte ange filer (en zons "
                    "file): skicka geometrin direkt",
                )
            ]
        )
    return parse_ruleset(data, source="ruleset_toml", search=[builtin_rules_dir()])


@functools.lru_cache(maxsize=256)
def _builtin(ref: str, as_of: date | None) -> RuleSet:
    """A built-in rule set, read once per process: the shipped files never change while it
    runs, a RuleSet is immutable, and its compiled plans are then reused across requests
    (no request's data is kept)."""
    from reserverat.loading import load_ruleset

    return load_ruleset(ref, search=(), as_of=as_of, paths=False)


def _named_files(node: Any, loc: str = "") -> list[str]:
    if isinstance(node, dict):
        found = [f"{loc}.file".lstrip(".")] if "file" in node and "kind" in node else []
        for key, value in node.items():
            found += _named_files(value, f"{loc}.{key}")
        return found
    if isinstance(node, list):
        return [f for i, v in enumerate(node) for f in _named_files(v, f"{loc}[{i}]")]
    return []


def _variant(rules: RuleSet, parameters: dict[str, Any]) -> RuleSet:
    if not parameters:
        return rules
    from reserverat.compare import parse_overrides

    specs = [f"{k}={json.dumps(v)}" for k, v in parameters.items()]
    return rules.with_params(**parse_overrides(rules, specs))


def _procurement(req: _Request | FollowUpRequest) -> Procurement | None:
    if req.procurement is None:
        return None
    if not isinstance(req.procurement, dict):
        raise DeclarationError(
            [
                _wrong(
                    "<request>",
                    "procurement",
                    "procurement is a JSON object",
                    "procurement ska vara ett JSON-objekt",
                )
            ]
        )
    return parse_procurement(req.procurement, source="procurement")


def _require_list(declarations: Any) -> list[Any]:
    """A request's ``declarations``, which must be a list.

    Raises:
        DeclarationError: it is something else (422, located at ``declarations``).
    """
    if not isinstance(declarations, list):
        raise DeclarationError(
            [
                _wrong(
                    "<request>",
                    "declarations",
                    "declarations is a list of JSON objects",
                    "declarations ska vara en lista av JSON-objekt",
                )
            ]
        )
    return declarations


def _parse_item(item: Any, source: str) -> Declaration:
    """One declaration of a request, validated by the library (its codes and locations).

    Raises:
        DeclarationError: not a JSON object, or not a valid declaration.
    """
    if not isinstance(item, dict):
        raise DeclarationError(
            [
                _wrong(
                    source,
                    "",
                    "a declaration is a JSON object",
                    "en deklaration är ett JSON-objekt",
                )
            ]
        )
    return parse_declaration(item, source=source)


def _result_json(result: Any, compact: bool, lang: str | None) -> Any:
    if compact:
        return result.compact().to_dict()
    return result.to_dict(lang=lang)


def _error_json(exc: ReserveratError, lang: str) -> dict[str, Any]:
    return {
        "type": f"urn:reserverat:problem:{exc.problems[0].code}",
        "detail": exc.problems[0].text(lang),
        "problems": [p.to_dict() for p in exc.problems],
    }


# ---- the app -----------------------------------------------------------------------------

_CONTEXT = EvaluationContext()
"""The evaluation context of every request: the shipped registers and gazetteer, and no
geocoder, so that no request reaches the network."""


def create_app(limits: Limits | None = None) -> FastAPI:
    """The ASGI application (``uvicorn --factory reserverat.server:create_app``)."""
    limits = limits or Limits.from_env()
    app = FastAPI(
        title="reserverat",
        version=__version__,
        summary="Explained eligibility checks for reserved public contracts in Sweden.",
        docs_url=None,  # the interactive pages load scripts from a CDN; openapi.json stays
        redoc_url=None,
    )
    app.state.limits = limits
    app.state.context = _CONTEXT

    async def bounded(request: Request, work: Callable[[], Any]) -> Any:
        try:
            return await asyncio.wait_for(run_in_threadpool(work), limits.timeout)
        except TimeoutError:
            raise _refuse(
                503,
                "timeout",
                f"the request took longer than {limits.timeout:g} s",
                f"begäran tog längre tid än {limits.timeout:g} s".replace(".", ","),
            ) from None

    @app.exception_handler(_RefusedError)
    async def refused(request: Request, exc: _RefusedError) -> JSONResponse:
        headers = {"Retry-After": "5"} if exc.status == 503 else None
        return _problem(request, exc.status, [exc.problem], headers)

    @app.exception_handler(ReserveratError)
    async def library_error(request: Request, exc: ReserveratError) -> JSONResponse:
        return _problem(request, 422, list(exc.problems))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _problem(request, 422, problems_from_validation(exc.errors(), source="<request>"))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        words = {404: ("not_found", "no such resource", "det finns inget här")}
        code, en, sv = words.get(exc.status_code, ("http_error", str(exc.detail), str(exc.detail)))
        if exc.status_code == 405:
            code, en, sv = "method_not_allowed", "method not allowed", "metoden stöds inte här"
        return _problem(request, exc.status_code, [Problem("<request>", "", code, en, msg_sv=sv)])

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        # The trace stays in the server's log; the response names the class of the fault.
        import logging

        logging.getLogger("reserverat.server").exception("internal error")
        problem = Problem(
            "<server>",
            "",
            "internal_error",
            f"an internal error ({type(exc).__name__}); the input was not at fault",
            msg_sv=f"ett internt fel ({type(exc).__name__}); felet ligger inte i uppgifterna",
        )
        return _problem(request, 500, [problem])

    @app.get("/healthz", summary="The service is up")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/v1/rulesets", summary="The built-in rule sets")
    async def rulesets() -> list[dict[str, Any]]:
        from reserverat.loading import list_rulesets

        return [
            {
                "id": info.id,
                "version": info.version,
                "title": info.title.model_dump(),
                "aliases": list(info.aliases),
                "extends": info.extends,
            }
            for info in list_rulesets()
        ]

    @app.get("/v1/rulesets/{ref}", summary="One rule set, whole")
    async def ruleset(request: Request, ref: str, as_of: date | None = None) -> Any:
        from reserverat.loading import ruleset_versions

        if not _REF.match(ref):
            raise _refuse(404, "unknown_ruleset", "no such rule set", "inget sådant regelverk")
        try:
            rules = _builtin(ref, as_of)
        except RuleSetError as exc:
            return _problem(request, 404, list(exc.problems))
        return {
            "id": rules.id,
            "version": rules.version,
            "hash": rules.content_hash,
            "versions": [
                {"version": v, "valid_from": f and f.isoformat(), "valid_to": t and t.isoformat()}
                for v, f, t in ruleset_versions(rules.id)
            ],
            "ruleset": rules.model_dump(mode="json"),
        }

    @app.get("/v1/schemas/{kind}", summary="A published JSON Schema")
    async def schema(kind: str) -> Any:
        from reserverat.schemas import KINDS, json_schema

        if kind not in KINDS:
            raise _refuse(
                404,
                "unknown_schema",
                f"no schema {kind!r}; there are {', '.join(KINDS)}",
                f"inget schema {kind!r}; det finns {', '.join(KINDS)}",
            )
        return JSONResponse(json_schema(kind), media_type="application/schema+json")

    @app.post(
        "/v1/evaluate",
        summary="Evaluate one declaration or many",
        openapi_extra=_body_doc("EvaluateRequest"),
    )
    async def evaluate_endpoint(request: Request) -> Any:
        raw = await _body(request, limits.max_body, ("application/json",))
        req: EvaluateRequest = _model(EvaluateRequest, _json(raw))
        lang = _lang(request) if "accept-language" in request.headers else None
        if (req.declaration is None) == (req.declarations is None):
            raise _refuse(
                422,
                "missing",
                "send declaration (one) or declarations (a list)",
                "skicka declaration (en) eller declarations (en lista)",
                "declaration",
            )

        if req.declarations is not None:
            _require_list(req.declarations)

        def work() -> Any:
            rules = _variant(_rules(req), req.parameters)
            procurement = _procurement(req)
            items = [req.declaration] if req.declaration is not None else req.declarations
            assert items is not None
            out = []
            for i, item in enumerate(items):
                source = "declaration" if req.declaration is not None else f"declarations[{i}]"
                try:
                    decl = _parse_item(item, source)
                    result = evaluate(
                        decl, rules, procurement=procurement, as_of=req.as_of, context=_CONTEXT
                    )
                    out.append({"row": i, "result": _result_json(result, req.compact, lang)})
                except DeclarationError as exc:
                    out.append({"row": i, "error": _error_json(exc, lang or "sv")})
            return {"results": out}

        data = await bounded(request, work)
        headers = {"Content-Language": lang} if lang else {}
        return JSONResponse(data, headers=headers)

    _register_models(app, EvaluateRequest, CompareRequest, FollowUpRequest)

    @app.post(
        "/v1/compare",
        summary="Rule set A against B over declarations",
        openapi_extra=_body_doc("CompareRequest"),
    )
    async def compare_endpoint(request: Request) -> Any:
        raw = await _body(request, limits.max_body, ("application/json",))
        req: CompareRequest = _model(CompareRequest, _json(raw))

        def work() -> Any:
            from reserverat.compare import compare

            a = _variant(_rules(req), req.parameters)
            b = _rules(req, ref=req.against) if req.against else a
            b = _variant(b, req.set)
            procurement = _procurement(req)
            decls: list[tuple[str, Declaration]] = []
            skipped: list[Problem] = []
            for i, item in enumerate(_require_list(req.declarations)):
                try:
                    decls.append((f"declarations[{i}]", _parse_item(item, f"declarations[{i}]")))
                except DeclarationError as exc:
                    skipped.extend(exc.problems)
            when = req.as_of or (procurement.submission_date if procurement else None)
            if when is None:
                raise _refuse(
                    422,
                    "missing",
                    "give as_of or a procurement with a submission date",
                    "ange as_of eller en upphandling med sista anbudsdag",
                    "as_of",
                )
            c = compare(
                decls,
                a,
                b,
                as_of=when,
                procurement=procurement,
                context=_CONTEXT,
                detail_limit=req.detail_limit,
            )
            return {**c.to_dict(), "skipped": [p.to_dict() for p in skipped]}

        return JSONResponse(await bounded(request, work))

    @app.post(
        "/v1/follow-up",
        summary="A contract's suppliers through their declarations: timelines and actions",
        openapi_extra=_body_doc("FollowUpRequest"),
    )
    async def follow_up_endpoint(request: Request) -> Any:
        raw = await _body(request, limits.max_body, ("application/json",))
        req: FollowUpRequest = _model(FollowUpRequest, _json(raw))
        lang = _lang(request)

        def work() -> Any:
            from reserverat.followup import follow_up, load_requirements, parse_contract

            contract = parse_contract(req.contract, source="contract")

            def builtin(ref: str, on: date) -> RuleSet:
                # A contract sent over HTTP names built-in rule sets, never a file.
                return _rules(EvaluateRequest(as_of=on), ref=ref)

            requirements, warnings = load_requirements(contract, source="contract", load=builtin)
            newer = None
            if req.against is not None:
                newer = _rules(EvaluateRequest(as_of=req.as_of), ref=req.against)
            pairs: list[tuple[str, Declaration | DeclarationError]] = []
            for i, item in enumerate(_require_list(req.declarations)):
                try:
                    pairs.append((f"declarations[{i}]", _parse_item(item, f"declarations[{i}]")))
                except DeclarationError as exc:
                    pairs.append((f"declarations[{i}]", exc))
            done = follow_up(
                pairs,
                contract,
                as_of=req.as_of,
                requirements=requirements,
                warnings=warnings,
                newer=newer,
                newer_source="against",
                procurement=_procurement(req),
                context=_CONTEXT,
            )
            return done.to_dict(lang)

        data = await bounded(request, work)
        return JSONResponse(data, headers={"Content-Language": lang})

    @app.post(
        "/v1/batch",
        summary="NDJSON in, NDJSON out: one result line per declaration line",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-ndjson": {
                        "schema": {"type": "string", "description": "One declaration a line."}
                    }
                },
            }
        },
    )
    async def batch_endpoint(
        request: Request,
        ruleset: str,
        as_of: date | None = None,
        procurement: str | None = None,
        compact: bool = False,
    ) -> Response:
        kinds = ("application/x-ndjson", "application/jsonl", "application/json-seq")
        _require_type(request, kinds, named=kinds[:1])
        tender = None
        if procurement is not None:
            tender = _procurement(EvaluateRequest(procurement=_json(procurement.encode("utf-8"))))
        when = as_of or (tender.submission_date if tender else None)
        if when is None:
            raise _refuse(
                422,
                "missing",
                "give as_of, or a procurement with a submission date",
                "ange as_of, eller en upphandling med sista anbudsdag",
                "as_of",
            )
        req = EvaluateRequest(ruleset=ruleset, as_of=when)
        rules = await run_in_threadpool(_rules, req)  # a bad rule set: a problem, not a stream
        job = _Job(rules, when, tender, compact)
        lang = _lang(request) if "accept-language" in request.headers else None
        limit = limits.max_body * 10
        deadline = time.monotonic() + limits.timeout * 10

        async def lines() -> AsyncIterator[bytes]:
            # ``row`` counts the declarations answered; ``lineno`` the lines read, blank ones
            # included, so that an error names the line a person finds in the file.
            size, row, lineno, rest = 0, 0, 0, b""
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    yield _line({"error": _error_json(_too_large(limit).as_error(), lang or "sv")})
                    return
                rest += chunk
                *whole, rest = rest.split(b"\n")
                for raw in whole:
                    lineno += 1
                    if raw.strip():
                        yield await run_in_threadpool(_batch_line, raw, row, lineno, job, lang)
                        row += 1
                    if time.monotonic() > deadline:
                        yield _line(
                            {"error": _error_json(_timeout(limits).as_error(), lang or "sv")}
                        )
                        return
            if rest.strip():
                yield await run_in_threadpool(_batch_line, rest, row, lineno + 1, job, lang)

        return _Stream(lines())

    return app


def _register_models(app: FastAPI, *models: type[BaseModel]) -> None:
    """Put the request models in the OpenAPI document's components (the endpoints read
    their bodies themselves, to bound them and to answer with the library's codes)."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = original()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in models:
            body = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in body.pop("$defs", {}).items():
                components.setdefault(name, sub)
            components[model.__name__] = body
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _timeout(limits: Limits) -> _RefusedError:
    return _refuse(
        503,
        "timeout",
        f"the batch took longer than {limits.timeout * 10:g} s; the lines before were answered",
        f"körningen tog längre tid än {limits.timeout * 10:g} s; raderna före besvarades",
    )


def _line(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"


class _Stream(Response):
    """NDJSON answered line by line while the request's lines are still being read.

    Starlette's StreamingResponse listens for a disconnect by reading the request's
    messages itself, which would take the lines from under the reader; this one only sends.
    """

    media_type = "application/x-ndjson"

    def __init__(self, lines: AsyncIterator[bytes]) -> None:
        super().__init__(media_type=self.media_type)
        self.lines = lines

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        headers = [(k, v) for k, v in self.raw_headers if k != b"content-length"]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        async for line in self.lines:
            await send({"type": "http.response.body", "body": line, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


class _Job:
    """What every line of one batch is evaluated under."""

    def __init__(
        self, rules: RuleSet, as_of: date, procurement: Procurement | None, compact: bool
    ) -> None:
        self.rules, self.as_of, self.procurement, self.compact = rules, as_of, procurement, compact


def _batch_line(raw: bytes, row: int, lineno: int, job: _Job, lang: str | None) -> bytes:
    source = f"line {lineno}"
    try:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise DeclarationError(
                [
                    Problem(
                        source,
                        "",
                        "bad_encoding",
                        "the line is not UTF-8",
                        msg_sv="raden är inte UTF-8",
                    )
                ]
            ) from None
        data = parse_json(text, source, DeclarationError)
        if not isinstance(data, dict):
            raise DeclarationError(
                [_wrong(source, "", "one JSON object a line", "ett JSON-objekt per rad")]
            )
        decl = parse_declaration(data, source=source)
        result = evaluate(
            decl, job.rules, procurement=job.procurement, as_of=job.as_of, context=_CONTEXT
        )
    except DeclarationError as exc:
        return _line({"row": row, "error": _error_json(exc, lang or "sv")})
    return _line({"row": row, "result": _result_json(result, job.compact, lang)})
