// Shared harness of the browser tests: start a real `einv serve` on a random port with a fresh
// data directory, drive Debian's Chromium through playwright-core, keep screenshots as artefacts.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
export const artifacts = join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });
/** Screenshots of the journeys (kept as CI artifacts, not committed). */
export const screenshots = join(here, 'screenshots');
mkdirSync(screenshots, { recursive: true });

/** The einv binary built by tests/browser/run.sh (or EINV_BIN). */
export const einvBin = process.env.EINV_BIN ?? join(root, 'target', 'debug', 'einv');

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Runs an `einv` command against `dataDir` and returns its stdout. */
export function einv(dataDir, ...args) {
  return execFileSync(einvBin, [...args, '--data', dataDir], { encoding: 'utf8' });
}

/**
 * Starts `einv serve` (with extra args, e.g. '--demo') on a free port. Returns
 * { base, dataDir, stop }.
 */
export async function startServer(extraArgs = []) {
  const dataDir = mkdtempSync(join(tmpdir(), 'einv-browser-'));
  const port = await freePort();
  const child = spawn(einvBin, ['serve', '--listen', `127.0.0.1:${port}`, '--data', dataDir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (child.exitCode !== null) throw new Error(`einv serve exited: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    dataDir,
    output: () => output,
    stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGINT'); }),
  };
}

/** Launches headless Chromium with the flags this machine needs. */
export async function launchBrowser() {
  // playwright gives each launch a fresh, empty profile of its own.
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** Saves a full-page screenshot as tests/browser/artifacts/NAME.png. */
export async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

/** Saves a full-page screenshot as tests/browser/screenshots/NAME.png. */
export async function snap(page, name) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

// axe-core's source, injected through the DevTools protocol (page.evaluate), which the pages'
// Content-Security-Policy does not apply to: the pages themselves allow no inline script.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules and best practices) on the page as it is now and
 * returns the violations of impact `serious` or `critical`, each as a readable line.
 */
export async function seriousViolations(page) {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.targets.join(', ')}`);
}

/**
 * The check every browser test can call: no serious or critical axe-core violation on the
 * page, the page wholly in its language outside data (`checkLanguage`), and a screenshot
 * named NAME for the record.
 */
export async function checkPage(page, name) {
  await snap(page, name);
  await checkLanguage(page, name);
  const found = await seriousViolations(page);
  if (found.length > 0) {
    throw new Error(`accessibility violations on ${name} (${page.url()}):\n${found.join('\n')}`);
  }
}

// --- Language checks (issue 14: English pages wholly English) ---

/** Names and data a test typed or the demo seeded: shown as given, in any language. */
const typedData = new Set();

/** Declares strings as data (names, products, reasons a person typed): the checks skip them. */
export function allowData(...strings) {
  for (const s of strings) if (s) typedData.add(String(s));
}

/**
 * The page's visible text outside data: text inside an element with a `lang` other than the
 * page's (the language switch, a document in its original language) or with `translate="no"`
 * (names, codes) or `data-typed` (what an app or a person supplied, shown as given) is left
 * out, then every declared data string is cut out.
 */
async function uiText(page) {
  const text = await page.evaluate(() => {
    const pageLang = document.documentElement.lang;
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || el.closest('script, style, [hidden], [translate="no"], [data-typed]')) continue;
      const own = el.closest('[lang]');
      if (own && own !== document.documentElement && own.lang !== pageLang) continue;
      out.push(node.textContent);
    }
    // Values and labels a screen reader reads out are text too.
    for (const el of document.querySelectorAll('[aria-label], [placeholder], input[type=submit]')) {
      out.push(el.getAttribute('aria-label') ?? '', el.getAttribute('placeholder') ?? '');
    }
    return out.join('\n');
  });
  let rest = text;
  for (const data of [...typedData].sort((a, b) => b.length - a.length)) rest = rest.split(data).join(' ');
  return rest;
}

/** Chinese characters (CJK ideographs, CJK punctuation, full-width forms). */
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+/g;

/** English words a Chinese page should not show in its own voice. */
const ENGLISH_UI = /\b(required|is required|must be|not found|Submit|Cancel|Error|Sign in|Sign out|already exists|Try again|Something went wrong|Nothing|Previous|Next)\b/g;

/** Throws when an English page shows Chinese, or a Chinese page English UI words, outside data. */
export async function checkLanguage(page, name) {
  const lang = await page.getAttribute('html', 'lang');
  const text = await uiText(page);
  const stray = lang === 'en' ? text.match(CJK) : text.match(ENGLISH_UI);
  if (stray) {
    throw new Error(`stray ${lang === 'en' ? 'Chinese' : 'English'} on ${name} (${page.url()}): ${[...new Set(stray)].slice(0, 10).join(' | ')}`);
  }
}

/**
 * Fills the Developer sign-up form already open on `page` (a business with the test business
 * ID and password), leaving the submission to the test.
 */
export async function fillDeveloperSignUp(page, email, name = '示範資訊股份有限公司') {
  await page.fill('#email', email);
  await page.fill('#password', 'correct horse battery');
  await page.fill('#name', name);
  await page.selectOption('#entity_type', 'business');
  await page.fill('#business_id', '04595257');
}
