// The developer's and the reviewer's journeys in a real browser (issue 14), in Chinese and in
// English, at desktop and 390 px widths: a developer with no licence sees how to start; applies
// and gets the form back with the problem beside the field; the reviewer finds the application
// by search, asks for changes with a templated reason; the developer sees the reason at the top,
// corrects a field and replaces a document; the reviewer sees the diff, assigns, approves after a
// confirmation page; the developer sees the key once, rotates (confirmed; a reload shows nothing
// and rotates nothing), registers a redirect URI (http to another host refused); a User opens the
// consent link the API hands out and consents. Every page passes the axe-core check (no serious
// or critical violation); screenshots go to screenshots/dev-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, checkPage, einv, allowData, fillDeveloperSignUp } from './lib.mjs';

/**
 * The axe-core check (no serious or critical violation) and a screenshot as
 * screenshots/dev-NAME.png; and no inline style, which the CSP (style-src 'self') would block.
 */
async function snap(page, name) {
  // Before axe-core runs: it leaves style attributes behind.
  assert.equal(await page.locator('[style], body style').count(), 0, `an inline style on ${page.url()}`);
  await checkPage(page, `dev-${name}`);
}

const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

/** A browser context in `lang` (the einv_lang cookie the pages read) at `viewport`. */
async function context(browser, base, lang, viewport) {
  // The browser's own language too: the pages fall back to Accept-Language.
  const ctx = await browser.newContext({ viewport: VIEWPORTS[viewport], locale: lang === 'en' ? 'en-GB' : 'zh-TW' });
  if (lang === 'en') await ctx.addCookies([{ name: 'einv_lang', value: 'en', url: base }]);
  return ctx;
}

/** Clicks and waits for the navigation it causes. */
async function go(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

/** The page has no horizontal scroll bar at its width (tables scroll inside their box). */
async function fitsWidth(page) {
  const { overflow, widest } = await page.evaluate(() => {
    // The outermost element reaching past the screen's right edge names the culprit.
    const past = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1);
    const outer = past.filter((e) => !past.includes(e.parentElement)).slice(0, 3);
    const name = (e) => e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') + (e.className ? `.${String(e.className).split(' ').join('.')}` : '');
    return { overflow: document.documentElement.scrollWidth - window.innerWidth, widest: outer.map(name).join(', ') };
  });
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than the screen at ${page.url()} (${widest})`);
}

async function journey(browser, server, demo, lang, viewport) {
  const tag = `${lang}-${viewport}`;
  const t = (zh, en) => (lang === 'en' ? en : zh);
  const product = `Ledger ${tag}`;
  // What the Chinese journeys type shows on later English pages (the reviewer's queue) as data.
  allowData('示範資訊股份有限公司', '王小明', '個人記帳', '個人記帳與發票捐贈', '新的用途');
  const dev = await (await context(browser, server.base, lang, viewport)).newPage();

  // Sign up: no licence yet, so the start page says how to begin.
  await dev.goto(`${server.base}/developer/signup`);
  await snap(dev, `${tag}-00-signup`);
  await fillDeveloperSignUp(dev, `dev-${tag}@example.com`, t('示範資訊股份有限公司', 'Demo Software Ltd'));
  await go(dev, 'button[type=submit]');
  assert.equal(await dev.locator('#start').count(), 1, 'the start page');
  assert.equal(await dev.getAttribute('html', 'lang'), lang === 'en' ? 'en' : 'zh-Hant-TW', 'the page is in the chosen language');
  assert.ok(!(await dev.textContent('main')).includes(t('API 已停止', 'API is stopped')));
  await snap(dev, `${tag}-01-start`);

  // Apply with an expired certificate: the form comes back with the problem, values kept.
  await go(dev, '#apply-now');
  await snap(dev, `${tag}-01b-apply`);
  await dev.fill('#contact_name', t('王小明', 'Alex Wang'));
  await dev.fill('#contact_email', `dev-${tag}@example.com`);
  await dev.fill('#contact_phone', '02-1234-5678');
  await dev.fill('#product_name', product);
  await dev.fill('#product_version', '1.0');
  await dev.fill('#purpose', t('個人記帳', 'Personal bookkeeping'));
  for (const s of ['winning-numbers', 'carrier-invoices', 'donation']) await dev.check(`input[name=services][value=${s}]`);
  await dev.fill('#isms_number', 'ISMS-2026-001');
  await dev.fill('#isms_issuer', 'BSI Taiwan');
  await dev.fill('#isms_scope', product);
  await dev.fill('#isms_expiry', '2020-01-01');
  await dev.setInputFiles('#documents', { name: 'isms-old.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 old') });
  await dev.check('#declarations');
  await go(dev, 'form[enctype] button[type=submit]');
  assert.equal(await dev.locator('#error-summary').count(), 1, 'errors listed at the top');
  assert.equal(await dev.locator('#isms_expiry-error').count(), 1, 'and beside the field');
  assert.equal(await dev.inputValue('#product_name'), product, 'what was typed is kept');
  await snap(dev, `${tag}-02-apply-error`);
  await dev.fill('#isms_expiry', '2035-12-31');
  await dev.setInputFiles('#documents', { name: 'isms-old.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 old') });
  await dev.check('#declarations');
  await go(dev, 'form[enctype] button[type=submit]');
  assert.match(dev.url(), /\/developer\/licences\/\d+\?done=applied$/);
  const licencePath = new URL(dev.url()).pathname;
  const id = licencePath.split('/').pop();
  assert.equal(await dev.locator('ol.progress [aria-current=step]').count(), 1, 'the progress line');
  await snap(dev, `${tag}-03-applied`);

  // The reviewer finds it by search and asks for changes with a templated reason.
  const rev = await (await context(browser, server.base, lang, viewport)).newPage();
  await rev.goto(`${server.base}/reviewer/login`);
  await snap(rev, `${tag}-03b-reviewer-login`);
  await rev.fill('#email', 'reviewer@fia.example');
  await rev.fill('#password', 'reviewer password');
  await go(rev, 'button[type=submit]');
  await snap(rev, `${tag}-03c-queue`);
  await rev.fill('#q', product);
  await go(rev, '#filter button[type=submit]');
  assert.equal(await rev.locator('#licences tbody tr').count(), 1, 'search finds the one application');
  await snap(rev, `${tag}-04-queue-search`);
  await go(rev, `#licences a[href="/reviewer/licences/${id}"]`);
  const reason = await rev.locator('#reasons-changes option').first().getAttribute('value');
  await rev.fill('#reason-changes', reason);
  await snap(rev, `${tag}-05-dossier`);
  await go(rev, `form[action="/reviewer/licences/${id}/changes"] button`);
  assert.equal(await rev.locator('.success').count(), 1, 'a success message');
  await snap(rev, `${tag}-05b-changes-asked`);

  // The developer sees the reason at the top, corrects a field and replaces the document.
  await dev.goto(`${server.base}${licencePath}`);
  assert.ok((await dev.textContent('#changes-reason')).includes(reason));
  await snap(dev, `${tag}-06-changes-requested`);
  await go(dev, '#correct');
  assert.equal(await dev.inputValue('#product_name'), product, 'the stored form, pre-filled');
  await dev.fill('#purpose', t('個人記帳與發票捐贈', 'Bookkeeping and invoice donation'));
  await dev.setInputFiles('input[name^=replace_]', { name: 'isms-new.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 new') });
  await dev.check('#declarations');
  await snap(dev, `${tag}-07-correct`);
  await go(dev, 'form[enctype] button[type=submit]');
  assert.match(dev.url(), /\?done=resubmit$/);
  await snap(dev, `${tag}-07b-resubmitted`);

  // The reviewer sees what changed, assigns it, and approves after confirming.
  await rev.goto(`${server.base}/reviewer/licences/${id}`);
  assert.equal(await rev.locator('#diff [data-field=purpose]').count(), 1, 'the diff names the field');
  assert.ok((await rev.textContent('#diff')).includes('isms-new.pdf'));
  await snap(rev, `${tag}-07c-diff`);
  await go(rev, '#assign button');
  await go(rev, `form[action="/reviewer/licences/${id}/approve"] button`);
  assert.equal(await rev.locator('#confirmation').count(), 1, 'a confirmation page');
  await snap(rev, `${tag}-08-confirm-approve`);
  await go(rev, '#confirm');
  assert.equal(await rev.locator('.success').count(), 1);
  assert.equal(await rev.locator('[data-state=active]').count() > 0, true);
  await fitsWidth(rev);
  await snap(rev, `${tag}-09-approved`);
  // The operators' pages: background job runs and flow control (docs/operations.md).
  for (const path of ['jobs', 'limits']) {
    await rev.goto(`${server.base}/reviewer/${path}`);
    await snap(rev, `${tag}-09b-${path}`);
  }

  // The key, once; rotation confirmed, shown once, never repeated by a reload.
  await dev.goto(`${server.base}${licencePath}/credentials`);
  const appId = (await dev.textContent('#app-id')).trim();
  const first = (await dev.textContent('#api-key')).trim();
  await fitsWidth(dev);
  await snap(dev, `${tag}-10-key-once`);
  await go(dev, 'form[action$="/rotate"] button');
  assert.equal(await dev.locator('#confirmation').count(), 1);
  await snap(dev, `${tag}-10b-confirm-rotate`);
  await go(dev, '#confirm');
  const rotated = (await dev.textContent('#api-key')).trim();
  assert.notEqual(rotated, first);
  await snap(dev, `${tag}-11-rotated`);
  await dev.reload();
  assert.equal(await dev.locator('#api-key').count(), 0, 'a reload shows no key');
  assert.equal(await dev.locator('.success').count(), 0, 'nor says it rotated');
  assert.equal(await dev.locator('#keys tbody tr').count(), 2, 'and rotates nothing');
  assert.equal(await dev.locator('#keys tr[data-current=yes]').count(), 1, 'one current key');
  await snap(dev, `${tag}-12-keys`);

  // OAuth set-up on the licence page: http to another host refused, https registered.
  await dev.goto(`${server.base}${licencePath}`);
  await dev.fill('#redirect_uri', 'http://evil.example/callback');
  await go(dev, 'form[action$="/redirect-uris"] button');
  assert.equal(await dev.locator('#redirect_uri-error').count(), 1, 'the problem beside the field');
  await snap(dev, `${tag}-12b-redirect-refused`);
  await dev.goto(`${server.base}${licencePath}`);
  await dev.fill('#redirect_uri', `https://app.example/${tag}/callback`);
  await go(dev, 'form[action$="/redirect-uris"] button');
  assert.ok((await dev.textContent('#redirect-uris')).includes(`https://app.example/${tag}/callback`));
  await fitsWidth(dev);
  await snap(dev, `${tag}-13-oauth-setup`);

  // A change notice with the version left blank: the licence page again, the problem at the
  // top and beside the field in the page's language, the purpose typed kept.
  const purpose = t('新的用途', 'A new purpose');
  await dev.fill('#change-product_version', ' ');
  await dev.fill('#change-purpose', purpose);
  await go(dev, '#change-form button[type=submit]');
  assert.equal(await dev.locator('.error-summary').count(), 1, 'the summary at the top');
  assert.equal(await dev.getAttribute('#change-product_version', 'aria-invalid'), 'true');
  assert.match(await dev.textContent('#change-product_version-error'), new RegExp(t('此欄必填', 'This field is required')));
  assert.equal(await dev.inputValue('#change-purpose'), purpose, 'what was typed is kept');
  await snap(dev, `${tag}-13c-change-refused`);

  // A malformed day in the reviewer's filter: the filter form again with the message.
  await rev.goto(`${server.base}/reviewer?from=2026-13-01`);
  assert.equal(await rev.locator('#from-error').count(), 1, 'the problem beside the day');
  assert.equal(await rev.inputValue('#q'), '');
  await snap(rev, `${tag}-13d-filter-refused`);

  // A User opens the consent link the API hands out for this AppID, signs in, consents.
  const user = await (await context(browser, server.base, lang, viewport)).newPage();
  await user.goto(`${server.base}/oauth/authorize?client_id=${appId}&scope=carrier-invoices`);
  assert.match(user.url(), /\/me\/login\?next=/);
  await snap(user, `${tag}-13b-consent-sign-in`);
  await user.fill('#barcode', demo.cardNo);
  await user.fill('#code', demo.cardEncrypt);
  await go(user, 'button[type=submit]');
  assert.ok((await user.textContent('main')).includes(product), 'the consent page names the product');
  await snap(user, `${tag}-14-consent-link`);
  await go(user, 'button[value=approve]');
  assert.equal(new URL(user.url()).pathname, '/me');
  await snap(user, `${tag}-15-consented`);
  await Promise.all([dev.context().close(), rev.context().close(), user.context().close()]);
}

test('developer and reviewer journeys, zh and en, desktop and 390 px', async () => {
  const server = await startServer(['--demo']);
  const browser = await launchBrowser();
  try {
    const demo = JSON.parse(readFileSync(join(server.dataDir, 'demo.json'), 'utf8'));
    einv(server.dataDir, 'admin', 'reviewer', 'add', '--email', 'reviewer@fia.example', '--password', 'reviewer password');
    for (const lang of ['zh', 'en']) {
      for (const viewport of ['desktop', 'phone']) {
        await journey(browser, server, demo, lang, viewport);
      }
    }
  } finally {
    await browser.close();
    await server.stop();
  }
});
