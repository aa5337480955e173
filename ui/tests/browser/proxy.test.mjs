// hearth-proxy's pages in a real browser (headless Chromium, phone-sized, French), the whole way:
// device code → code confirmation → the Enedis simulator's consent page → back to the proxy →
// tokens for the device → metering data. Needs the two binaries built (cargo build -p hearth-proxy
// -p hearth-sim); their paths come from HEARTH_PROXY_BIN / HEARTH_SIM_BIN, or target/debug.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchChromium } from './harness.mjs';

const root = resolve(import.meta.dirname, '../../..');
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const proxyBin = process.env.HEARTH_PROXY_BIN ?? join(targetDir, 'debug', 'hearth-proxy');
const simBin = process.env.HEARTH_SIM_BIN ?? join(targetDir, 'debug', 'hearth-sim');
const screenshots = process.env.HEARTH_SCREENSHOTS; // a folder, to look at the pages

const freePort = () =>
  new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });

async function waitFor(url) {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await sleep(50);
    }
  }
  throw new Error(`${url} did not come up`);
}

const children = [];
let dir, proxy, sim, browser;

before(async () => {
  for (const bin of [proxyBin, simBin]) {
    assert.ok(existsSync(bin), `${bin} is missing: build it first (cargo build -p hearth-proxy -p hearth-sim)`);
  }
  dir = mkdtempSync(join(tmpdir(), 'hearth-proxy-browser-'));
  const [proxyPort, simPort] = [await freePort(), await freePort()];
  proxy = `http://127.0.0.1:${proxyPort}`;
  sim = `http://127.0.0.1:${simPort}`;
  children.push(
    spawn(simBin, ['enedis', '--listen', `127.0.0.1:${simPort}`, '--redirect-uri', `${proxy}/auth/redirect`, '--subscription-delay-ms', '300'], { stdio: 'ignore' }),
  );
  children.push(
    spawn(
      proxyBin,
      [
        '--listen', `127.0.0.1:${proxyPort}`,
        '--store', join(dir, 'proxy.sqlite3'),
        '--mode', 'enedis',
        '--client', 'hearth-sim-client=Domoticz Linky',
        '--enedis-authorize-url', `${sim}/dataconnect/v2/oauth2/authorize`,
        '--enedis-api-url', sim,
        '--enedis-subscription-delay-ms', '200',
        '--interval-ms', '200',
      ],
      { stdio: 'ignore', env: { PATH: process.env.PATH, HEARTH_PROXY_CLIENT_SECRET: 'hearth-sim-secret', HEARTH_PROXY_ENV_FILE: join(dir, 'none') } },
    ),
  );
  await waitFor(`${sim}/__sim/stats`);
  await waitFor(`${proxy}/healthz`);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const child of children) child.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const form = (fields) => ({ method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }, body: new URLSearchParams(fields) });

test('a phone links an Enedis account through the proxy, in French', async () => {
  const code = await (await fetch(`${proxy}/device/code`, form({ client_id: 'hearth-sim-client' }))).json();
  assert.match(code.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'fr-FR', extraHTTPHeaders: { 'Accept-Language': 'fr-FR,fr;q=0.9' } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

  await page.goto(code.verification_uri_complete);
  await page.getByRole('heading', { name: 'Confirmer l’association' }).waitFor();
  assert.ok((await page.textContent('body')).includes('Domoticz Linky'), 'the page names the client');
  assert.equal(await page.textContent('.code'), code.user_code);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no horizontal scrolling on a phone (${width}px)`);
  if (screenshots) await page.screenshot({ path: join(screenshots, 'confirm.png'), fullPage: true });

  await page.getByRole('button', { name: 'Continuer vers Enedis' }).click();
  await page.getByRole('button', { name: 'Accepter' }).waitFor();
  assert.ok(page.url().startsWith(`${sim}/dataconnect/v2/oauth2/authorize`));
  // A consent covers one meter: the person picks the flat rather than the preselected house.
  await page.getByRole('radio', { name: /24880057139941/ }).check();
  await page.getByRole('button', { name: 'Accepter' }).click();
  await page.getByRole('heading', { name: 'C’est fait' }).waitFor();
  assert.ok(page.url().startsWith(`${proxy}/auth/redirect`));
  if (screenshots) await page.screenshot({ path: join(screenshots, 'done.png'), fullPage: true });
  assert.deepEqual(errors, [], `no console errors (the CSP blocks nothing the page needs): ${errors.join(' | ')}`);

  let tokens;
  for (let i = 0; i < 50 && !tokens?.access_token; i++) {
    await sleep(250);
    tokens = await (await fetch(`${proxy}/device/token`, form({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: 'hearth-sim-client', device_code: code.device_code }))).json();
  }
  assert.ok(tokens.access_token, JSON.stringify(tokens));
  assert.equal(tokens.usage_points_id, '24880057139941');
  assert.equal(tokens.usage_point_id, '24880057139941');

  const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const data = await fetch(`${proxy}/data/proxy/metering_data_dc/v5/daily_consumption?usage_point_id=${tokens.usage_point_id}&start=${day(-8)}&end=${day(-1)}`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
  assert.equal(data.status, 200);
  const body = await data.json();
  assert.equal(body.meter_reading.interval_reading.length, 7);
  await context.close();
});

test('a wrong code and a forged callback show clear pages, in English', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${proxy}/device`);
  await page.getByLabel('Code').fill('bcdf ghjk');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.textContent('[role=alert]'), /not valid or has expired/);
  if (screenshots) await page.screenshot({ path: join(screenshots, 'wrong-code.png'), fullPage: true });
  const response = await page.goto(`${proxy}/auth/redirect?autorisation_id=1&state=forged`);
  assert.equal(response.status(), 400);
  assert.match(await page.textContent('body'), /not valid, has expired or was already used/);
  if (screenshots) await page.screenshot({ path: join(screenshots, 'error.png'), fullPage: true });
  await context.close();
});
