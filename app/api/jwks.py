"""`/.well-known/jwks.json`: the office's public keys, for verifier apps that check a letter's
QR code offline (the JWS in the verification URL's fragment)."""

from __future__ import annotations

import hashlib
import json

from fastapi import APIRouter, Request, Response

from app.api.deps import SessionDep
from app.api.problems import problem_responses
from app.api.verify import PublicRateLimit
from app.services import certificates

router = APIRouter(tags=["verification"])

# An app refreshes its copy now and then; a renewed key is published here before the first
# letter it signs reaches anyone, and an old key is never removed.
CACHE_CONTROL = "public, max-age=3600"
JWKS_MEDIA_TYPE = "application/jwk-set+json"

_EXAMPLE = {
    "keys": [
        {
            "kty": "EC",
            "crv": "P-256",
            "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
            "kid": "5f1c2a9b",
            "use": "sig",
            "alg": "ES256",
            "x5t#S256": "Xxkq1c1y3Q2zQ9o0rj4bq7d2Y0pVwJ1o8mX6c0m1b2A",
            "x5c": ["MIIBszCCAVmgAwIBAgIUX1wqm..."],
        }
    ]
}

# The document's shape (RFC 7517 section 5): an object whose `keys` are JWKs.
_SCHEMA = {
    "type": "object",
    "required": ["keys"],
    "properties": {
        "keys": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["kty", "kid", "use", "alg"],
                "properties": {
                    name: {"type": "string"}
                    for name in ("kty", "crv", "x", "y", "n", "e", "kid", "use", "alg", "x5t#S256")
                }
                | {"x5c": {"type": "array", "items": {"type": "string"}}},
            },
        }
    },
}


@router.get(
    "/.well-known/jwks.json",
    summary="The office's public keys (JWK Set) for offline QR checks",
    dependencies=[PublicRateLimit],
    response_class=Response,
    responses={
        200: {
            "description": "Every certificate the office has signed letters with; `kid` is "
            "the JWS header's `kid` (the certificate's SHA-256, first 8 hex digits)",
            "content": {
                JWKS_MEDIA_TYPE: {"schema": _SCHEMA, "example": _EXAMPLE},
                "application/json": {"schema": _SCHEMA, "example": _EXAMPLE},
            },
        },
        304: {"description": "Not modified (If-None-Match)"},
        **problem_responses(429),
    },
)
async def jwks(request: Request, session: SessionDep) -> Response:
    """A letter's QR code carries, after `#`, a compact JWS (ES256, or PS256 for an RSA key)
    over its number, holder, masked NIK, dates and token hash; check it against these keys.
    No API key; cacheable for an hour (`ETag`, `If-None-Match`)."""
    key_set = await session.run_sync(certificates.jwk_set)
    body = json.dumps(key_set, separators=(",", ":"), sort_keys=True).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=JWKS_MEDIA_TYPE, headers=headers)
