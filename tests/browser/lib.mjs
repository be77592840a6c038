// Shared harness of the browser tests: start a real `einv serve` on a random port with a fresh
// data directory, drive Debian's Chromium through playwright-core, keep screenshots as artefacts.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
export const artifacts = join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });

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
