"""The HTTP service against a real uvicorn server on 127.0.0.1, through httpx: every
endpoint, problem details for every class of error, the size and time limits, and
concurrent requests that answer as serial ones do."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

import reserverat as rr  # noqa: E402

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
DECLS = [
    json.loads(p.read_text("utf-8")) for p in sorted((EXAMPLES / "declarations").glob("*.json"))
]
PROBLEM = "application/problem+json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(env: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "reserverat", "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz", timeout=0.5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            proc.kill()
            raise AssertionError(proc.communicate()[0])
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    yield from _serve({})


@pytest.fixture(scope="module")
def tight() -> Iterator[str]:
    """A server with a small body limit and a short time limit."""
    yield from _serve({"RESERVERAT_MAX_BODY": "4000", "RESERVERAT_TIMEOUT": "0.001"})


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:reserverat:problem:{code}"
    assert body["status"] == status
    assert body["problems"][0]["code"] == code
    assert "Traceback" not in response.text
    return body


def test_health_rulesets_and_schemas(server: str) -> None:
    assert httpx.get(f"{server}/healthz").json() == {"status": "ok", "version": rr.__version__}
    listed = httpx.get(f"{server}/v1/rulesets").json()
    assert {r["id"] for r in listed} == {i.id for i in rr.list_rulesets()}
    one = httpx.get(f"{server}/v1/rulesets/lou-4-18").json()
    rules = rr.load_ruleset("lou-4-18")
    assert (one["id"], one["version"], one["hash"]) == (rules.id, rules.version, rules.content_hash)
    assert one["ruleset"] == rules.model_dump(mode="json")
    older = httpx.get(f"{server}/v1/rulesets/lou-19-25", params={"as_of": "2020-06-01"}).json()
    assert older["version"] == "1.1.0" and len(older["versions"]) == 2
    schema = httpx.get(f"{server}/v1/schemas/declaration")
    assert schema.headers["content-type"].startswith("application/schema+json")
    from reserverat.schemas import json_schema

    assert schema.json() == json_schema("declaration")
    openapi = httpx.get(f"{server}/openapi.json").json()
    components = openapi["components"]["schemas"]
    assert {"EvaluateRequest", "CompareRequest", "Declaration"} <= set(components)
    assert "/v1/batch" in openapi["paths"] and "/v1/evaluate" in openapi["paths"]


def test_evaluate_equals_the_library(server: str) -> None:
    body = {"ruleset": "lou-4-18", "as_of": "2017-12-11", "declarations": DECLS}
    got = httpx.post(f"{server}/v1/evaluate", json=body).json()["results"]
    rules = rr.load_ruleset("lou-4-18")
    want = [
        rr.evaluate(
            rr.parse_declaration(d, source=f"declarations[{i}]"), rules, as_of=rr.date(2017, 12, 11)
        ).to_dict()
        for i, d in enumerate(DECLS)
    ]
    assert [g["result"] for g in got] == want
    one = httpx.post(
        f"{server}/v1/evaluate",
        json={
            "ruleset": "lou-4-18",
            "as_of": "2017-12-11",
            "declaration": DECLS[0],
            "compact": True,
        },
    ).json()["results"][0]["result"]
    assert one["outcome"] == want[0]["outcome"] and "findings" not in one


def test_accept_language_adds_the_sentences(server: str) -> None:
    body = {"ruleset": "lou-4-18", "as_of": "2017-12-11", "declaration": DECLS[10]}
    for lang in ("sv", "en"):
        response = httpx.post(
            f"{server}/v1/evaluate", json=body, headers={"Accept-Language": f"{lang},fr;q=0.5"}
        )
        assert response.headers["content-language"] == lang
        result = response.json()["results"][0]["result"]
        decl = rr.parse_declaration(DECLS[10], source="declaration")
        want = rr.evaluate(decl, rr.load_ruleset("lou-4-18"), as_of=rr.date(2017, 12, 11))
        assert result == want.to_dict(lang=lang)
        assert result["findings"][0]["explanation"]["reason"]["text"]


def test_a_bad_row_is_an_error_row_and_the_rest_are_answered(server: str) -> None:
    body = {
        "ruleset": "lou-4-18",
        "as_of": "2017-12-11",
        "declarations": [DECLS[0], {"supplier": ""}, 7, DECLS[1]],
    }
    got = httpx.post(f"{server}/v1/evaluate", json=body, headers={"Accept-Language": "en"}).json()
    kinds = [("result" in r, "error" in r) for r in got["results"]]
    assert kinds == [(True, False), (False, True), (False, True), (True, False)]
    error = got["results"][1]["error"]
    assert error["type"] == "urn:reserverat:problem:too_short"
    assert error["problems"][0]["source"] == "declarations[1]"


def test_inline_toml_and_a_variant(server: str) -> None:
    toml = (ROOT / "README.md").read_text("utf-8").split("```toml\n", 1)[1].split("```", 1)[0]
    body = {"ruleset_toml": toml, "as_of": "2026-06-01", "declaration": DECLS[0]}
    result = httpx.post(f"{server}/v1/evaluate", json=body).json()["results"][0]["result"]
    assert result["provenance"]["ruleset_id"] == "min-upphandling"
    variant = {"ruleset": "lou-4-18", "as_of": "2017-12-11", "declaration": DECLS[9]}
    base = httpx.post(f"{server}/v1/evaluate", json=variant).json()["results"][0]["result"]
    stricter = httpx.post(
        f"{server}/v1/evaluate", json={**variant, "parameters": {"threshold": 0.40}}
    ).json()["results"][0]["result"]
    assert (base["outcome"], stricter["outcome"]) == ("undecided", "not_qualified")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"ruleset": "lou-4-81", "as_of": "2017-12-11", "declaration": {}}, 422, "unknown_ruleset"),
        (
            {"ruleset": "../../etc/passwd", "as_of": "2017-12-11", "declaration": {}},
            422,
            "bad_ruleset_ref",
        ),
        ({"ruleset_toml": "id = ", "as_of": "2017-12-11", "declaration": {}}, 422, "bad_toml"),
        (
            {
                "ruleset_toml": 'id = "z"\nversion = "1"\nextends = "lou-4-18"\n'
                '[[criteria]]\nid = "zon"\ntitle = { sv = "Z", en = "Z" }\n'
                'citation = { instrument = "X" }\n'
                'check = { kind = "in_zone", file = "zon.geojson" }\n',
                "as_of": "2017-12-11",
                "declaration": {},
            },
            422,
            "not_allowed",
        ),
        ({"as_of": "2017-12-11", "declaration": {}}, 422, "missing"),
        ({"ruleset": "lou-4-18", "declaration": {"supplier": "X"}}, 422, "missing_date"),
        ({"ruleset": "lou-4-18", "as_of": "2017-12-11"}, 422, "missing"),
        ({"ruleset": "lou-4-18", "as_of": "igår", "declaration": {}}, 422, "wrong_type"),
        ({"ruleset": "lou-4-18", "colour": "blå", "declaration": {}}, 422, "unknown_field"),
        ({"ruleset": "lou-4-18", "as_of": "2017-12-11", "declarations": "abc"}, 422, "wrong_type"),
    ],
)
def test_bad_requests_are_problem_details(
    server: str, body: dict[str, Any], status: int, code: str
) -> None:
    _problem(httpx.post(f"{server}/v1/evaluate", json=body), status, code)


def test_declarations_that_are_no_list_are_refused_alike_by_evaluate_and_compare(
    server: str,
) -> None:
    body = {"ruleset": "lou-4-18", "as_of": "2017-12-11", "declarations": "abc"}
    made = [
        _problem(httpx.post(f"{server}/v1/{endpoint}", json=body), 422, "wrong_type")["problems"]
        for endpoint in ("evaluate", "compare")
    ]
    assert made[0] == made[1]
    assert made[0][0]["loc"] == "declarations"
    assert made[0][0]["msg"] == "declarations is a list of JSON objects"
    assert made[0][0]["msg_sv"] == "declarations ska vara en lista av JSON-objekt"


def test_malformed_json_wrong_type_and_unknown_routes(server: str) -> None:
    body = _problem(
        httpx.post(
            f"{server}/v1/evaluate",
            content=b'{"ruleset": ',
            headers={"content-type": "application/json"},
        ),
        400,
        "bad_json",
    )
    assert body["problems"][0]["loc"] == "line 1 column 13"
    assert body["title"] == "Begäran kan inte läsas"
    english = httpx.post(
        f"{server}/v1/evaluate",
        content=b"[1]",
        headers={"content-type": "application/json", "accept-language": "en"},
    )
    assert _problem(english, 400, "wrong_type")["title"] == "The request cannot be read"
    _problem(httpx.post(f"{server}/v1/evaluate", content=b"x=1"), 415, "unsupported_media_type")
    _problem(httpx.get(f"{server}/v1/nothing"), 404, "not_found")
    _problem(httpx.get(f"{server}/v1/evaluate"), 405, "method_not_allowed")
    _problem(httpx.get(f"{server}/v1/rulesets/nope"), 404, "unknown_ruleset")
    _problem(httpx.get(f"{server}/v1/schemas/nope"), 404, "unknown_schema")
    # A personnummer in the path is masked in the problem (the instance included).
    leaked = httpx.get(f"{server}/v1/rulesets/19121212-1213")
    assert "1213" not in leaked.text and leaked.json()["instance"] == "/v1/rulesets/******-****"


def test_batch_streams_ndjson_in_and_out(server: str) -> None:
    lines = [json.dumps(d) for d in DECLS] + ["{not json", "[]", json.dumps({"supplier": ""})]
    text = "\n".join(lines[:3]) + "\n\n" + "\n".join(lines[3:]) + "\n"  # a blank line too
    with httpx.stream(
        "POST",
        f"{server}/v1/batch",
        params={"ruleset": "lou-4-18", "as_of": "2017-12-11", "compact": "true"},
        content=text.encode(),
        headers={"content-type": "application/x-ndjson"},
    ) as response:
        assert response.headers["content-type"].startswith("application/x-ndjson")
        out = [json.loads(line) for line in response.iter_lines() if line]
    assert [r["row"] for r in out] == list(range(len(lines)))  # every line answered, in order
    rules = rr.load_ruleset("lou-4-18")
    for d, r in zip(DECLS, out, strict=False):
        want = rr.evaluate(rr.parse_declaration(d), rules, as_of=rr.date(2017, 12, 11))
        assert r["result"] == json.loads(want.compact().to_json())
    # An error names the line as the file has it (the blank line counted).
    assert out[-3]["error"]["problems"][0]["source"] == f"line {len(lines) - 1}"
    assert [r["error"]["problems"][0]["code"] for r in out[-3:]] == [
        "bad_json",
        "wrong_type",
        "too_short",
    ]
    _problem(
        httpx.post(
            f"{server}/v1/batch",
            params={"ruleset": "lou-4-18"},
            content=b"{}\n",
            headers={"content-type": "application/x-ndjson"},
        ),
        422,
        "missing",
    )
    _problem(
        httpx.post(
            f"{server}/v1/batch",
            params={"ruleset": "lou-4-18", "as_of": "2017-12-11"},
            content=b"{}\n",
            headers={"content-type": "text/csv"},
        ),
        415,
        "unsupported_media_type",
    )


def test_compare(server: str) -> None:
    body = {
        "ruleset": "lou-4-18",
        "as_of": "2017-12-11",
        "set": {"threshold": 0.45},
        "declarations": [*DECLS, {"supplier": ""}],
    }
    got = httpx.post(f"{server}/v1/compare", json=body).json()
    assert (got["gain_count"], got["loss_count"], got["compared"]) == (0, 4, len(DECLS))
    assert got["skipped"][0]["code"] == "too_short"
    nothing = httpx.post(f"{server}/v1/compare", json={**body, "against": "iop", "set": {}})
    _problem(nothing, 422, "nothing_in_common")


def test_follow_up_equals_the_library(server: str) -> None:
    import tomllib
    from datetime import date

    folder = EXAMPLES / "follow-up"
    contract = tomllib.loads((folder / "kontrakt.toml").read_text("utf-8"))
    contract.pop("amendments")  # over HTTP a contract names built-in rule sets only
    contract = json.loads(json.dumps(contract, default=str))
    files = sorted((folder / "forsakringar").rglob("*.json"))
    decls = [json.loads(p.read_text("utf-8")) for p in files]
    body = {"contract": contract, "declarations": [*decls, {"supplier": ""}], "as_of": "2025-12-01"}
    response = httpx.post(f"{server}/v1/follow-up", json=body, headers={"Accept-Language": "en"})
    assert response.status_code == 200 and response.headers["content-language"] == "en"
    got = response.json()
    pairs: list[tuple[str, Any]] = [
        (f"declarations[{i}]", rr.parse_declaration(d)) for i, d in enumerate(decls)
    ]
    try:
        rr.parse_declaration({"supplier": ""}, source=f"declarations[{len(decls)}]")
    except rr.DeclarationError as exc:
        pairs.append((f"declarations[{len(decls)}]", exc))
    want = rr.follow_up(pairs, rr.parse_contract(contract), as_of=date(2025, 12, 1))
    assert got == json.loads(want.to_json("en"))
    assert got["errors"][0]["source"] == f"declarations[{len(decls)}]"
    # A newer built-in rule set beside it; a file is refused, as everywhere over HTTP.
    newer = httpx.post(f"{server}/v1/follow-up", json={**body, "against": "lou-4-18@2.0.1"})
    assert newer.json()["newer"] is None  # the contract's own
    assert [(w["source"], w["code"]) for w in newer.json()["warnings"]] == [
        ("against", "same_rules")
    ]
    filed = {**contract, "rules": str(folder / "uppfoljning-2025.toml")}
    _problem(
        httpx.post(f"{server}/v1/follow-up", json={**body, "contract": filed}),
        422,
        "bad_ruleset_ref",
    )
    broken = _problem(
        httpx.post(f"{server}/v1/follow-up", json={**body, "contract": {"id": "x"}}),
        422,
        "missing",
    )
    assert {p["loc"] for p in broken["problems"]} == {"rules", "awarded"}
    assert broken["problems"][0]["source"] == "contract"


def test_the_limits(tight: str) -> None:
    big = {"ruleset": "lou-4-18", "as_of": "2017-12-11", "declarations": DECLS * 3}
    body = _problem(httpx.post(f"{tight}/v1/evaluate", json=big), 413, "too_large")
    assert body["detail"] == "<request>: [too_large] innehållet är större än 4\xa0000 byte"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        yield b'{"ruleset": "lou-4-18", "declarations": ['
        for _ in range(400):
            yield b'{"supplier": "X"},'
        yield b'{"supplier": "X"}]}'

    streamed = httpx.post(
        f"{tight}/v1/evaluate", content=chunks(), headers={"content-type": "application/json"}
    )
    _problem(streamed, 413, "too_large")
    slow = {"ruleset": "lou-4-18", "as_of": "2017-12-11", "declarations": [{"supplier": "X"}] * 150}
    response = httpx.post(f"{tight}/v1/evaluate", json=slow)
    body = _problem(response, 503, "timeout")
    assert response.headers["retry-after"] == "5"
    assert body["problems"][0]["msg"] == "the request took longer than 0.001 s"


def test_concurrent_requests_answer_as_serial_ones(server: str) -> None:
    bodies = [
        {"ruleset": rid, "as_of": "2017-12-11", "declaration": d}
        for rid in ("lou-4-18", "asf-tillvaxtverket", "iop")
        for d in DECLS
    ]
    serial = [httpx.post(f"{server}/v1/evaluate", json=b).json() for b in bodies]
    with httpx.Client() as client, ThreadPoolExecutor(max_workers=16) as pool:
        concurrent = list(
            pool.map(lambda b: client.post(f"{server}/v1/evaluate", json=b).json(), bodies)
        )
    assert concurrent == serial


def test_no_request_reaches_a_geocoder_or_a_file() -> None:
    from reserverat.server import _CONTEXT, create_app

    app = create_app()
    assert app.state.context is _CONTEXT and _CONTEXT.geocoder is None
    assert app.docs_url is None and app.redoc_url is None  # no page loads a CDN's scripts


def test_an_internal_fault_is_a_500_without_a_trace() -> None:
    import asyncio

    from reserverat.server import create_app

    app = create_app()

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret detail")

    async def call() -> Any:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get("/boom", headers={"accept-language": "en"})

    response = asyncio.run(call())
    body = _problem(response, 500, "internal_error")
    assert body["detail"] == (
        "<server>: [internal_error] an internal error (RuntimeError); the input was not at fault"
    )
    assert "secret detail" not in response.text


def test_a_rule_set_name_never_reads_a_file_of_that_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """load_ruleset reads a path when one exists; a request's name must not."""
    import asyncio

    from reserverat.server import create_app

    secret = (ROOT / "src" / "reserverat" / "rules" / "lou-4-18.toml").read_text("utf-8")
    (tmp_path / "hemlig").write_text(secret.replace('id = "lou-4-18"', 'id = "hemlig"'), "utf-8")
    monkeypatch.chdir(tmp_path)
    assert rr.load_ruleset("hemlig").id == "hemlig"  # the library, given a path, reads it

    async def call() -> Any:
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            body = {"ruleset": "hemlig", "as_of": "2017-12-11", "declaration": {"supplier": "X"}}
            return (
                await client.post("/v1/evaluate", json=body),
                await client.get("/v1/rulesets/hemlig"),
            )

    evaluated, shown = asyncio.run(call())
    _problem(evaluated, 422, "unknown_ruleset")
    _problem(shown, 404, "unknown_ruleset")
