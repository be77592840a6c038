// The User's consent through OAuth 2.0 + PKCE (R5.2, R5.4), end to end in a real browser: an
// app sends the User to /oauth/authorize, the User signs in and approves, the redirect carries
// the code, the app exchanges it for tokens, the User revokes on their page, and the tokens die.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { startServer, launchBrowser, shot } from './lib.mjs';

const b64url = (buf) => buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

test('consent via OAuth with PKCE, then revocation kills the tokens', async () => {
  const server = await startServer(['--demo']);
  const browser = await launchBrowser();
  try {
    const demo = JSON.parse(readFileSync(join(server.dataDir, 'demo.json'), 'utf8'));
    const basic = 'Basic ' + Buffer.from(`${demo.appID}:${demo.apiKey}`).toString('base64');
    const verifier = b64url(randomBytes(32));
    const challenge = b64url(createHash('sha256').update(verifier).digest());
    // A loopback redirect: any port matches the registered http://127.0.0.1/callback (RFC 8252).
    // The app's side: a real callback server (playwright does not route redirected requests).
    let callback = null;
    const appServer = createServer((req, res) => {
      const url = new URL(req.url, 'http://127.0.0.1');
      if (url.pathname === '/callback') callback = url;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<p>app callback</p>');
    });
    await new Promise((r) => appServer.listen(0, '127.0.0.1', r));
    after(() => appServer.close());
    const redirect = `http://127.0.0.1:${appServer.address().port}/callback`;
    const q = new URLSearchParams({
      client_id: demo.appID, redirect_uri: redirect, response_type: 'code', scope: 'carrier-invoices donation',
      state: 'st-42', code_challenge: challenge, code_challenge_method: 'S256',
      purpose_category: 'e-invoice-service', purpose: '顯示您的載具發票並代為捐贈', period: '同意後六個月',
      region: '臺灣', recipients: '示範 App 開發者', manner: '於 App 內顯示，不另行儲存',
    });
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });

    await page.goto(`${server.base}/oauth/authorize?${q}`);
    assert.match(page.url(), /\/me\/login\?next=/, 'an unsigned-in User signs in first');
    await shot(page, 'consent-1-sign-in');
    await page.fill('#barcode', demo.cardNo);
    await page.fill('#code', demo.cardEncrypt);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    await shot(page, 'consent-1b-after-sign-in');
    assert.match(page.url(), /\/oauth\/authorize\?/);
    const text = await page.textContent('main');
    for (const item of ['顯示您的載具發票並代為捐贈', '同意後六個月', '臺灣', '示範 App 開發者', '於 App 內顯示', 'einv demo app']) {
      assert.ok(text.includes(item), `the consent page shows ${item}`);
    }
    await shot(page, 'consent-2-consent-page');
    await page.click('button[value=approve]');
    await page.waitForURL(/\/callback\?/);
    assert.ok(callback, 'the app got the redirect');
    assert.equal(callback.searchParams.get('state'), 'st-42');
    const code = callback.searchParams.get('code');
    assert.ok(code);

    const tokenCall = (form) => fetch(`${server.base}/oauth/token`, {
      method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
    const res = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: verifier });
    const tokens = await res.json();
    assert.equal(res.status, 200, JSON.stringify(tokens));
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.scope, 'carrier-invoices donation');
    const introspect = async (token) => (await fetch(`${server.base}/oauth/introspect`, {
      method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }),
    })).json();
    assert.equal((await introspect(tokens.access_token)).active, true);

    await page.goto(`${server.base}/me`);
    await shot(page, 'consent-3-my-consents');
    // The newest grant (the one just given) comes first.
    // Revoking asks first, saying what will happen, then confirms.
    await Promise.all([page.waitForNavigation(), page.click('a[href$="/revoke"] >> nth=0')]);
    await shot(page, 'consent-3b-confirm-revoke');
    await Promise.all([page.waitForURL(`${server.base}/me?done=revoked`), page.click('main form button.danger')]);
    assert.match(await page.textContent('main'), /已撤回|Revoked/);
    await shot(page, 'consent-4-revoked');

    assert.equal((await introspect(tokens.access_token)).active, false, 'the access token died with the grant');
    const refreshed = await tokenCall({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    assert.equal(refreshed.status, 400);
    assert.equal((await refreshed.json()).error, 'invalid_grant');
  } finally {
    await browser.close();
    await server.stop();
  }
});
