"""Schemathesis hooks for einv v2: sign every generated request (RFC 9421, HMAC-SHA256 with the
demo app's APIKey) the way docs/v2.md describes, so the fuzzer reaches the handlers instead of
stopping at 401. The demo credentials come from DATA/demo.json (EINV_DEMO_JSON)."""

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from urllib.parse import quote, urlencode

import schemathesis

_CREDS = json.load(open(os.environ["EINV_DEMO_JSON"], encoding="utf-8"))


def _path(case):
    path = case.operation.path
    for name, value in (case.path_parameters or {}).items():
        path = path.replace("{" + name + "}", quote(str(value), safe=""))
    return path


@schemathesis.auth()
class Signature:
    def get(self, case, context):
        return _CREDS

    def set(self, case, data, context):
        query = urlencode(case.query or {}, doseq=True)
        # Only bodiless requests are signed here: the fuzzer serialises bodies itself, after
        # this hook, so their digest cannot be known now (those get digest-mismatch, a
        # documented problem).
        body = b""
        digest = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
        params = (
            '("@method" "@path" "@query" "content-digest");created=%d;keyid="%s";nonce="%s";alg="hmac-sha256"'
            % (int(time.time()), data["appID"], secrets.token_urlsafe(18))
        )
        base = '"@method": %s\n"@path": %s\n"@query": ?%s\n"content-digest": %s\n"@signature-params": %s' % (
            case.method.upper(), _path(case), query, digest, params,
        )
        sig = base64.b64encode(
            hmac.new(data["apiKey"].encode(), base.encode(), hashlib.sha256).digest()
        ).decode()
        case.headers = dict(case.headers or {})
        case.headers["Content-Digest"] = digest
        case.headers["Signature-Input"] = "sig1=" + params
        case.headers["Signature"] = "sig1=:" + sig + ":"
