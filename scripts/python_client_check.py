"""The generated Python client (openapi-python-client, from /api/v2/openapi.json) against a
live `einv serve --demo`: signed calls (RFC 9421, HMAC) through `einv_httpsig.HttpSigAuth`,
answers checked. Run by scripts/python-client, which generates the client first.

Usage: python_client_check.py BASE_URL DEMO_JSON"""

import json
import sys

from einv_httpsig import HttpSigAuth, sign

from einv_v2_api_client import Client
from einv_v2_api_client.api.app import get_licence, get_limits
from einv_v2_api_client.api.public import search_charities


def check(condition, what):
    if not condition:
        print("python client: FAILED:", what, file=sys.stderr)
        sys.exit(1)
    print("python client: ok:", what)


def main():
    base, demo_json = sys.argv[1], sys.argv[2]
    creds = json.load(open(demo_json, encoding="utf-8"))
    # The signer reproduces docs/v2.md's worked example (an independent implementation of
    # the profile the Platform verifies).
    worked = sign(
        "POST",
        "/api/v2/donations",
        "",
        b'{"invoiceNumber":"AB00000001","invoiceDate":"2026-11-20","loveCode":"919"}',
        "EINVEXAMPLE0001",
        "example-api-key-0123456789abcdef",
        created=1795744800,
        nonce="n-0123456789abcdef",
    )
    check(
        worked["Signature"] == "sig1=:QDSK4nEiQP/ngUzMDdcDL3ZhhvYyJm1zwhwFQLdBjxY=:",
        "the worked example of docs/v2.md",
    )
    auth = HttpSigAuth(creds["appID"], creds["apiKey"])
    signed = Client(base_url=base, httpx_args={"auth": auth}, raise_on_unexpected_status=True)
    # Unsigned: the published limits.
    got = get_limits.sync_detailed(client=Client(base_url=base))
    check(got.status_code == 200, "GET /api/v2/limits answers 200")
    # Signed: the app's own licence.
    got = get_licence.sync_detailed(client=signed)
    body = json.loads(got.content)
    check(got.status_code == 200, "signed GET /api/v2/licence answers 200")
    check(body.get("appId") == creds["appID"], "the licence is the demo app's")
    check("hmac-sha256" in body.get("signingMethods", []), "HMAC is an accepted method")
    # Signed, with a query: love-code search.
    got = search_charities.sync_detailed(client=signed, query="919")
    found = json.loads(got.content).get("charities", [])
    check(got.status_code == 200 and any(c.get("loveCode") == "919" for c in found),
          "signed GET /api/v2/charities?query=919 finds love code 919")
    # A wrong key is refused with the bad-signature problem type.
    forged = Client(base_url=base, httpx_args={"auth": HttpSigAuth(creds["appID"], "wrong")})
    got = get_licence.sync_detailed(client=forged)
    problem = json.loads(got.content)
    check(got.status_code == 401 and problem.get("type", "").endswith("/problems/bad-signature"),
          "a wrong APIKey is refused as bad-signature")
    print("python client: all checks passed")


if __name__ == "__main__":
    main()
