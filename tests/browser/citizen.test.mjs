// The citizen's journeys in a real browser, in Chinese and in English, at desktop and phone
// (390 px) widths: the home page and the public register, signing up (with a mistake first),
// signing in, consents with app names, the access history (filter, CSV), a request with its
// receipt (never twice), a blank page re-shown after a mistype, revoking a consent after a
// confirmation, the language choice that persists, and the 404 page. Every page passes the
// axe-core check (no serious or critical violation); screenshots go to screenshots/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, checkPage, einv, allowData, fillDeveloperSignUp } from './lib.mjs';

const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

/** Makes some accesses to the demo User's data over v1 (carrierInvChk is unsigned at the MOF). */
async function carrierCalls(base, demo, n) {
  for (let i = 0; i < n; i++) {
    const now = Math.floor(Date.now() / 1000);
    const body = new URLSearchParams({
      version: '0.5', action: 'carrierInvChk', cardType: '3J0002', cardNo: demo.cardNo,
      cardEncrypt: demo.cardEncrypt, timeStamp: String(now + 10 + i), expTimeStamp: '2147483647',
      uuid: `browser-${i}`, appID: demo.appID, startDate: '2026/11/01', endDate: '2026/11/30',
      onlyWinningInv: 'N',
    });
    const reply = await (await fetch(`${base}/PB2CAPIVAN/invServ/InvServ`, { method: 'POST', body })).json();
    assert.ok(['200', 200].includes(reply.code), JSON.stringify(reply));
  }
}

/** A licensed app for the public register: a developer signs up, a legacy licence is recorded. */
async function licensedApp(server, page) {
  allowData('登錄資訊股份有限公司', '記帳好幫手');
  await page.goto(`${server.base}/developer/signup`);
  await fillDeveloperSignUp(page, 'register@example.com', '登錄資訊股份有限公司');
  await Promise.all([page.waitForURL(/\/developer$/), page.click('main button[type=submit]')]);
  einv(server.dataDir, 'admin', 'legacy', '--developer', '1', '--product', '記帳好幫手',
    '--services', 'winning-numbers,carrier-invoices,donation', '--approved-on', '2022-06-01',
    '--re-review-filed-on', '2025-01-15', '--isms-number', 'ISMS-1', '--isms-issuer', 'BSI',
    '--isms-scope', 'app', '--isms-expiry', '2035-12-31');
  await page.context().clearCookies();
}

async function submit(page) {
  await Promise.all([page.waitForNavigation(), page.click('main form.stack button[type=submit]')]);
}

for (const lang of ['zh', 'en']) {
  for (const [width, viewport] of Object.entries(VIEWPORTS)) {
    test(`citizen journeys, ${lang}, ${width}`, async () => {
      const server = await startServer(['--demo']);
      const browser = await launchBrowser();
      const tag = `citizen-${lang}-${width}`;
      const t = (zh, en) => (lang === 'en' ? en : zh);
      try {
        const demo = JSON.parse(readFileSync(join(server.dataDir, 'demo.json'), 'utf8'));
        const context = await browser.newContext({ viewport, locale: 'zh-TW', acceptDownloads: true });
        const page = await context.newPage();
        await licensedApp(server, page);
        await carrierCalls(server.base, demo, 3);

        // Home, in the chosen language through the switch; the choice persists.
        await page.goto(`${server.base}/`);
        if (lang === 'en') {
          await Promise.all([page.waitForURL(`${server.base}/`), page.click('a.lang-switch')]);
        }
        assert.equal(await page.getAttribute('html', 'lang'), lang === 'en' ? 'en' : 'zh-Hant-TW');
        await checkPage(page, `${tag}-01-home`);

        // The public register, linked from home.
        await Promise.all([page.waitForURL(/\/apps$/), page.click('main a[href="/apps"] >> nth=0')]);
        assert.equal(await page.getAttribute('html', 'lang'), lang === 'en' ? 'en' : 'zh-Hant-TW', 'the language persists');
        const register = await page.textContent('main');
        assert.ok(register.includes('記帳好幫手') && register.includes('登錄資訊股份有限公司'), register);
        assert.ok(register.includes(t('載具發票查詢', 'Carrier invoices')));
        await checkPage(page, `${tag}-02-register`);
        if (lang === 'en') assert.ok(!/[\u4e00-\u9fff]/.test(await page.textContent('header nav')), 'an English page is English');

        // Sign up: a code that breaks the rule is shown at the top and beside the field.
        await page.goto(`${server.base}/me/register`);
        await page.fill('#code', 'abc');
        await submit(page);
        assert.ok(await page.isVisible('.error-summary'));
        assert.equal(await page.getAttribute('#code', 'aria-invalid'), 'true');
        await checkPage(page, `${tag}-03-register-error`);
        await page.fill('#code', 'Citizen2026');
        await submit(page);
        assert.match(page.url(), /\/me\?done=registered$/);
        const banner = await page.textContent('.success');
        assert.match(banner, /\/[0-9A-Z+\-.]{7}/, 'the issued barcode is shown');
        await checkPage(page, `${tag}-04-registered`);
        await Promise.all([page.waitForURL(/\/me\/login/), page.click('form[action="/me/logout"] button')]);

        // Sign in as the demo User (the home page leads to /me).
        await page.goto(`${server.base}/`);
        await Promise.all([page.waitForURL(/\/me\/login/), page.click('main a[href="/me"]')]);
        await page.fill('#barcode', demo.cardNo);
        await page.fill('#code', 'wrong-code1');
        await submit(page);
        assert.ok(await page.isVisible('.error-summary'), 'a wrong code is said, the form kept');
        assert.equal(await page.inputValue('#barcode'), demo.cardNo);
        await checkPage(page, `${tag}-05-sign-in-error`);
        await page.fill('#code', demo.cardEncrypt);
        await submit(page);
        assert.match(page.url(), /\/me$/);
        const consents = await page.textContent('main');
        assert.ok(consents.includes('einv demo app'), 'the app by name');
        assert.ok(!consents.includes(demo.appID), 'not by AppID');
        assert.equal(await page.getAttribute('nav a[href="/me"]', 'aria-current'), 'page');
        await checkPage(page, `${tag}-06-consents`);

        // History: three accesses today, none on a past day; the CSV has them.
        await Promise.all([page.waitForNavigation(), page.click('nav a[href="/me/history"]')]);
        const rows = await page.locator('main table tbody tr').count();
        assert.ok(rows >= 3, `history rows: ${rows}`);
        await checkPage(page, `${tag}-07-history`);
        await page.fill('#from', '2020-01-01');
        await page.fill('#to', '2020-01-31');
        await submit(page);
        assert.ok((await page.textContent('main')).includes(t('這段期間沒有紀錄', 'Nothing recorded in this period')));
        await page.goto(`${server.base}/me/history`);
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href^="/me/history.csv"]')]);
        const csv = readFileSync(await download.path(), 'utf8');
        assert.ok(csv.split('\r\n').filter((l) => l.includes(demo.appID)).length >= 3, csv);

        // A request to the app gets a receipt; the same request again shows the same receipt.
        await Promise.all([page.waitForNavigation(), page.click('nav a[href="/me/requests"]')]);
        await checkPage(page, `${tag}-08-requests`);
        await page.check('#kind-delete');
        await submit(page);
        assert.match(page.url(), /\/me\/requests\/\d+\?done=filed$/);
        const receipt = await page.textContent('.panel');
        assert.match(receipt, /DR-\d{6}/);
        await checkPage(page, `${tag}-09-receipt`);
        await page.goto(`${server.base}/me/requests`);
        await page.check('#kind-delete');
        await submit(page);
        assert.match(page.url(), /\?done=existing$/, 'no duplicate request');
        await page.goto(`${server.base}/me/requests`);
        assert.equal(await page.locator('main table a[href^="/me/requests/"]').count(), 1);

        // A blank page opened by the app: a mistyped bank code re-shows the form with the
        // message and what was typed, never JSON; the code never appears in the page's URL.
        const entry = new URLSearchParams({ appID: demo.appID, uuid: 'browser', cardCode: '3J0002', cardNo: demo.cardNo, verifyCode: demo.cardEncrypt });
        await page.goto(`${server.base}/PB2CAPIVAN/APIService/carrierBankAccBlank?${entry}`);
        assert.ok(!page.url().includes('verifyCode'), page.url());
        await page.fill('#bankCode', '12');
        await page.fill('#accountNo', '123456789012');
        await submit(page);
        assert.ok(await page.isVisible('.error-summary'), 'the form again, not JSON');
        assert.equal(await page.inputValue('#accountNo'), '123456789012', 'what was typed is kept');
        await checkPage(page, `${tag}-10-blank-mistype`);
        await page.fill('#bankCode', '004');
        await submit(page);
        assert.ok(await page.isVisible('.success'));
        await checkPage(page, `${tag}-11-blank-done`);

        // Revoke, after a page that says what will happen.
        await page.goto(`${server.base}/me`);
        await Promise.all([page.waitForNavigation(), page.click('a[href$="/revoke"] >> nth=0')]);
        assert.match(page.url(), /\/me\/consents\/\d+\/revoke$/);
        await checkPage(page, `${tag}-12-confirm-revoke`);
        await Promise.all([page.waitForURL(/\/me\?done=revoked$/), page.click('main form button.danger')]);
        assert.ok(await page.isVisible('.success'));
        await checkPage(page, `${tag}-13-revoked`);

        // The rest of the public pages, and the 404 page.
        for (const [path, name] of [['/terms', '14-terms'], ['/announcements', '15-announcements'], ['/privacy', '16-privacy'], ['/me/code', '17-change-code'], ['/me/notifications', '18-notices'], ['/me/deregister', '19-deregister']]) {
          await page.goto(`${server.base}${path}`);
          await checkPage(page, `${tag}-${name}`);
        }
        const missing = await page.goto(`${server.base}/no/such/page`);
        assert.equal(missing.status(), 404);
        await checkPage(page, `${tag}-20-not-found`);
        await context.close();
      } finally {
        await browser.close();
        await server.stop();
      }
    });
  }
}
