// "Try a signed call" on the developer's v2 signing page: signs GET /api/v2/licence in the
// browser (RFC 9421, the profile of /docs) with a key the developer pastes, sends it, and shows
// the request and the answer. The key never leaves this page: only the signature is sent.
// WebCrypto does the cryptography (HMAC-SHA256 with the APIKey, or Ed25519 with a secret key).
'use strict';
(function () {
  const form = document.getElementById('try-call');
  if (!form) return;
  const enc = new TextEncoder();
  const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
  const b64url = (bytes) => b64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const fromB64 = (text) => Uint8Array.from(atob(text.trim()), (c) => c.charCodeAt(0));
  // The Platform's clock when the page was made, against this machine's: `created` follows
  // the Platform, so a skewed local clock does not get the call refused.
  const offset = Number(form.dataset.platformNow) - Math.floor(Date.now() / 1000);

  async function signer(alg, key) {
    if (alg === 'hmac-sha256') {
      const k = await crypto.subtle.importKey('raw', enc.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      return (data) => crypto.subtle.sign('HMAC', k, data);
    }
    // An Ed25519 secret key (32 bytes, Base64 or hex) wrapped as PKCS#8 for WebCrypto.
    const seed = /^[0-9a-fA-F]{64}$/.test(key.trim())
      ? Uint8Array.from(key.trim().match(/../g), (h) => parseInt(h, 16))
      : fromB64(key);
    if (seed.length !== 32) throw new Error('an Ed25519 secret key is 32 bytes');
    const pkcs8 = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20, ...seed]);
    const k = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
    return (data) => crypto.subtle.sign('Ed25519', k, data);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const out = document.getElementById('try-call-request');
    const answer = document.getElementById('try-call-answer');
    const alg = form.elements.alg.value;
    const key = form.elements.key.value;
    const path = '/api/v2/licence';
    try {
      const sign = await signer(alg, key);
      const digest = 'sha-256=:' + b64(await crypto.subtle.digest('SHA-256', new Uint8Array())) + ':';
      const created = Math.floor(Date.now() / 1000) + offset;
      const nonce = b64url(crypto.getRandomValues(new Uint8Array(18)));
      const params = `("@method" "@path" "@query" "content-digest");created=${created};keyid="${form.dataset.appId}";nonce="${nonce}";alg="${alg}"`;
      const base = `"@method": GET\n"@path": ${path}\n"@query": ?\n"content-digest": ${digest}\n"@signature-params": ${params}`;
      const signature = `sig1=:${b64(await sign(enc.encode(base)))}:`;
      const headers = { 'Content-Digest': digest, 'Signature-Input': `sig1=${params}`, Signature: signature };
      out.textContent = `GET ${path}\n` + Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n') + `\n\n${base}`;
      const res = await fetch(path, { headers });
      const text = await res.text();
      let shown = text;
      try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch { /* not JSON */ }
      answer.textContent = `${res.status} ${res.statusText}\n${shown}`;
      answer.dataset.status = String(res.status);
    } catch (e) {
      answer.textContent = String(e && e.message ? e.message : e);
      answer.dataset.status = 'error';
    }
  });
})();
