"""RFC 9421 request signing for einv v2 in Python (the profile of docs/v2.md): HMAC-SHA256 with
the APIKey over @method, @path, @query and the body's Content-Digest (RFC 9530), with created,
keyid, nonce and alg. `sign()` is pure; `HttpSigAuth` signs each request an httpx client sends
(the generated client takes it through `httpx_args={"auth": ...}`), so what is signed is exactly
what goes on the wire, query and body included."""

import base64
import hashlib
import hmac
import secrets
import time

COVERED = '("@method" "@path" "@query" "content-digest")'


def sign(method, path, query, body, app_id, api_key, created=None, nonce=None):
    """The three headers for one request. `query` is the raw query string without `?`."""
    digest = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
    params = '%s;created=%d;keyid="%s";nonce="%s";alg="hmac-sha256"' % (
        COVERED,
        int(time.time()) if created is None else created,
        app_id,
        secrets.token_urlsafe(18) if nonce is None else nonce,
    )
    base = "\n".join(
        [
            '"@method": %s' % method.upper(),
            '"@path": %s' % path,
            '"@query": ?%s' % (query or ""),
            '"content-digest": %s' % digest,
            '"@signature-params": %s' % params,
        ]
    )
    mac = hmac.new(api_key.encode(), base.encode(), hashlib.sha256).digest()
    return {
        "Content-Digest": digest,
        "Signature-Input": "sig1=" + params,
        "Signature": "sig1=:" + base64.b64encode(mac).decode() + ":",
    }


try:
    import httpx

    class HttpSigAuth(httpx.Auth):
        """Signs every request with the AppID's APIKey; a fresh nonce each time."""

        requires_request_body = True

        def __init__(self, app_id, api_key):
            self.app_id = app_id
            self.api_key = api_key

        def auth_flow(self, request):
            headers = sign(
                request.method,
                request.url.raw_path.split(b"?", 1)[0].decode(),
                request.url.query.decode(),
                request.content,
                self.app_id,
                self.api_key,
            )
            request.headers.update(headers)
            yield request

except ImportError:  # httpx is only needed to sign live requests
    pass
