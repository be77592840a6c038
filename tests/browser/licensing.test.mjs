// The licensing regime in a real browser: a developer signs up and applies with a document, a
// reviewer (created with `einv admin reviewer add`) approves, the developer sees the APIKey
// once, calls the v1 API with it, the registry suspends the business and the call fails with
// 998 (R10.2). Screenshots of each page go to artifacts/licensing-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startServer, launchBrowser, shot, einv, fillDeveloperSignUp } from './lib.mjs';

/** A v1 QryWinningList call signed like a MOF client: sorted k=v joined by &, HMAC-SHA256. */
async function winningList(base, appId, apiKey) {
  const params = { version: '0.2', action: 'QryWinningList', invTerm: '11404', UUID: 'browser-test', appID: appId };
  const text = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join('&');
  const signature = createHmac('sha256', apiKey).update(text).digest('base64');
  const body = new URLSearchParams({ ...params, signature });
  const res = await fetch(`${base}/PB2CAPIVAN/invapp/InvApp`, { method: 'POST', body });
  return res.json();
}

test('apply, approve, key shown once, call, suspend → 998', async () => {
  // Every call checks the cache versions (no 250 ms staleness window): the suspension below
  // must refuse the very next call. The bound itself is tested on the injected clock.
  const server = await startServer(['--cache-check-ms', '0']);
  const browser = await launchBrowser();
  try {
    const dev = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await dev.goto(`${server.base}/`);
    await shot(dev, 'licensing-01-home');
    await dev.goto(`${server.base}/developer/signup?lang=en`);
    await fillDeveloperSignUp(dev, 'dev@example.com');
    await shot(dev, 'licensing-02-signup');
    await dev.click('button[type=submit]');
    await dev.waitForURL(`${server.base}/developer`);

    await dev.goto(`${server.base}/developer/apply`);
    await dev.fill('#contact_name', '王小明');
    await dev.fill('#contact_email', 'dev@example.com');
    await dev.fill('#contact_phone', '02-1234-5678');
    await dev.fill('#product_name', '記帳 App');
    await dev.fill('#product_version', '1.0');
    await dev.fill('#purpose', '個人記帳');
    await dev.check('input[name=services][value=winning-numbers]');
    await dev.check('input[name=services][value=carrier-invoices]');
    await dev.check('input[name=services][value=donation]');
    await dev.fill('#isms_number', 'ISMS-2026-001');
    await dev.fill('#isms_issuer', 'BSI Taiwan');
    await dev.fill('#isms_scope', '記帳 App 與其伺服器');
    await dev.fill('#isms_expiry', '2035-12-31');
    await dev.setInputFiles('#documents', { name: 'isms-certificate.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 certificate') });
    await dev.check('#declarations');
    await shot(dev, 'licensing-03-apply');
    await dev.click('form[action="/developer/apply"] button[type=submit]');
    await dev.waitForURL(/\/developer\/licences\/\d+\?done=applied$/);
    const licencePath = new URL(dev.url()).pathname;
    const licenceId = licencePath.split('/').pop();
    assert.match(await dev.content(), /applied/);
    await shot(dev, 'licensing-04-applied');

    const reviewerId = einv(server.dataDir, 'admin', 'reviewer', 'add', '--email', 'reviewer@fia.example', '--password', 'reviewer password').trim();
    assert.match(reviewerId, /^\d+$/);
    const rev = await (await browser.newContext()).newPage();
    await rev.goto(`${server.base}/reviewer/login`);
    await rev.fill('#email', 'reviewer@fia.example');
    await rev.fill('#password', 'reviewer password');
    await rev.click('button[type=submit]');
    await rev.waitForURL(`${server.base}/reviewer`);
    await shot(rev, 'licensing-05-queue');
    // The developer's session cannot open the reviewer console.
    await dev.goto(`${server.base}/reviewer`);
    assert.equal(new URL(dev.url()).pathname, '/reviewer/login');

    await rev.goto(`${server.base}/reviewer/licences/${licenceId}`);
    const dossier = await rev.content();
    assert.match(dossier, /isms-certificate\.pdf/);
    assert.match(dossier, /[0-9a-f]{64}/, 'the document SHA-256 is shown');
    await shot(rev, 'licensing-06-dossier');
    await Promise.all([rev.waitForNavigation(), rev.click(`form[action="/reviewer/licences/${licenceId}/approve"] button`)]);
    await Promise.all([rev.waitForNavigation(), rev.click('#confirm')]);
    await rev.waitForURL(`${server.base}/reviewer/licences/${licenceId}?done=approve`);
    assert.match(await rev.content(), /active/);
    await shot(rev, 'licensing-07-approved');

    await dev.goto(`${server.base}${licencePath}`);
    await shot(dev, 'licensing-08-licence');
    await dev.goto(`${server.base}${licencePath}/credentials`);
    const appId = (await dev.textContent('#app-id')).trim();
    const apiKey = (await dev.textContent('#api-key')).trim();
    assert.equal(apiKey.length, 32);
    await shot(dev, 'licensing-09-key-once');
    await dev.reload();
    assert.ok(!(await dev.content()).includes(apiKey), 'a reload does not show the key again');
    assert.equal(await dev.locator('#key-hidden').count(), 1);
    await shot(dev, 'licensing-10-key-hidden');

    const ok = await winningList(server.base, appId, apiKey);
    assert.notEqual(ok.code, '998', JSON.stringify(ok));
    assert.ok(['200', '901'].includes(ok.code), JSON.stringify(ok));

    const out = einv(server.dataDir, 'admin', 'registry', 'suspend', '--business-id', '04595257', '--reason', '停業 (test)');
    assert.match(out, /suspended/);
    const refused = await winningList(server.base, appId, apiKey);
    assert.equal(refused.code, '998', JSON.stringify(refused));
    assert.match(refused.msg, /R10\.2/);

    await rev.goto(`${server.base}/reviewer/events`);
    await shot(rev, 'licensing-11-events');
    await dev.goto(`${server.base}/developer`);
    await shot(dev, 'licensing-12-dashboard-suspended');
    for (const page of ['limits', 'announcements', 'terms']) {
      await dev.goto(`${server.base}/${page}`);
      await shot(dev, `licensing-13-${page}`);
    }
  } finally {
    await browser.close();
    await server.stop();
  }
});
