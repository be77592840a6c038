// "Try a signed call" on the developer's v2 signing page (#12): the browser signs
// GET /api/v2/licence with a key the developer pastes — the APIKey (HMAC) or the secret key of
// a registered Ed25519 public key — and shows the request and the Platform's answer. The key
// itself is never sent: every request the page makes is checked for it. Screenshots go to
// artifacts/signing-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shot, einv, fillDeveloperSignUp } from './lib.mjs';

// RFC 8032 §7.1, test 1.
const ED25519_SECRET = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const ED25519_PUBLIC = '11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=';

async function trySigned(page, alg, key) {
  await page.selectOption('#try-alg', alg);
  await page.fill('#try-key', key);
  await page.click('#try-send');
  // A selector, not waitForFunction: its polling evals a string, which the page's CSP refuses.
  await page.waitForSelector('#try-call-answer[data-status]', { state: 'attached' });
  const status = await page.getAttribute('#try-call-answer', 'data-status');
  const answer = await page.textContent('#try-call-answer');
  await page.evaluate(() => { delete document.getElementById('try-call-answer').dataset.status; });
  return { status, answer };
}

test('the signing page signs a v2 call in the browser with a pasted key', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const dev = await (await browser.newContext()).newPage();
    await dev.goto(`${server.base}/developer/signup?lang=en`);
    await fillDeveloperSignUp(dev, 'signer@example.com');
    await dev.click('button[type=submit]');
    await dev.waitForURL(`${server.base}/developer`);
    // A licence with keys, recorded by the operator (a legacy licence whose re-review was
    // filed in time runs until decided); the first developer of a fresh Platform is #1.
    const out = einv(server.dataDir, 'admin', 'legacy', '--developer', '1', '--product', '記帳 App',
      '--services', 'winning-numbers', '--approved-on', '2022-01-10', '--re-review-filed-on', '2025-01-10',
      '--isms-number', 'ISMS-1', '--isms-issuer', 'BSI', '--isms-scope', 'app', '--isms-expiry', '2035-12-31');
    const licence = out.match(/licence #(\d+)/)[1];
    const appId = out.match(/appID\s+(\S+)/)[1];
    const apiKey = out.match(/APIKey\s+(\S+)/)[1];

    const sent = [];
    dev.on('request', (r) => sent.push(`${r.url()}\n${JSON.stringify(r.headers())}\n${r.postData() ?? ''}`));
    await dev.goto(`${server.base}/developer/licences/${licence}/signing?lang=en`);
    assert.equal(await dev.getAttribute('#try-call', 'data-app-id'), appId);

    const ok = await trySigned(dev, 'hmac-sha256', apiKey);
    assert.equal(ok.status, '200', ok.answer);
    assert.match(ok.answer, new RegExp(`"appId": "${appId}"`));
    const request = await dev.textContent('#try-call-request');
    assert.match(request, /^GET \/api\/v2\/licence/);
    assert.match(request, new RegExp(`keyid="${appId}";nonce="[A-Za-z0-9_-]{24}";alg="hmac-sha256"`));
    await shot(dev, 'signing-01-hmac-200');

    const wrong = await trySigned(dev, 'hmac-sha256', 'not-the-api-key');
    assert.equal(wrong.status, '401', wrong.answer);
    assert.match(wrong.answer, /problems\/bad-signature/);

    // Ed25519: register the public key on the same page, then sign with its secret key.
    await dev.fill('#public_key', ED25519_PUBLIC);
    await dev.fill('#label', 'rfc8032');
    await dev.click(`form[action="/developer/licences/${licence}/signing/keys"] button`);
    await dev.waitForSelector('#ed25519-accepted');
    const ed = await trySigned(dev, 'ed25519', ED25519_SECRET);
    assert.equal(ed.status, '200', ed.answer);
    assert.match(ed.answer, /"signingMethods": \[\s*"hmac-sha256",\s*"ed25519"/);
    await shot(dev, 'signing-02-ed25519-200');

    for (const r of sent) {
      assert.ok(!r.includes(apiKey), `the APIKey left the page: ${r.slice(0, 120)}`);
      assert.ok(!r.includes(ED25519_SECRET), 'the Ed25519 secret left the page');
    }
  } finally {
    await browser.close();
    await server.stop();
  }
});
