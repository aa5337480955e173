// What the browser tests share: a static server for ui/dist that sends the app's real CSP, Debian's
// Chromium through playwright-core, and a stand-in for Tauri's IPC installed before the app loads.

import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import { after, before } from "node:test";
import { chromium } from "playwright-core";

const uiRoot = resolve(import.meta.dirname, "../..");
const dist = join(uiRoot, "dist");
const tauriConf = join(uiRoot, "../src-tauri/tauri.conf.json");

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** The CSP of tauri.conf.json, as the header Tauri derives from it. */
export async function appCsp() {
  const conf = JSON.parse(await readFile(tauriConf, "utf8"));
  return Object.entries(conf.app.security.csp)
    .map(([directive, value]) => `${directive} ${value}`)
    .join("; ");
}

/** Serves ui/dist on 127.0.0.1 with the app's CSP. Returns { url, close }. */
export async function serveDist() {
  const csp = await appCsp();
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const file = normalize(join(dist, path === "/" ? "index.html" : path));
    if (!file.startsWith(dist)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, {
        "content-type": types[extname(file)] ?? "application/octet-stream",
        "content-security-policy": csp,
      });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}

/** Debian's Chromium, headless, with nothing that reaches for the network. */
export async function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Installed in the page before the app's scripts: a `__TAURI_INTERNALS__` that answers commands
 * from `responses` (a value, `{ reject: error }`, or `{ pending: true }` for a call that never
 * returns), records every call in `window.__ipc.calls`,
 * and lets the test emit events with `window.__ipc.emit(name, payload)`.
 */
function installTauriMock(responses) {
  const callbacks = new Map();
  const listeners = new Map();
  let next = 1;
  const calls = [];
  const transformCallback = (callback, once = false) => {
    const id = next++;
    callbacks.set(id, (data) => {
      if (once) callbacks.delete(id);
      return callback?.(data);
    });
    return id;
  };
  window.__TAURI_INTERNALS__ = {
    metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
    transformCallback,
    unregisterCallback: (id) => callbacks.delete(id),
    runCallback: (id, data) => callbacks.get(id)?.(data),
    callbacks,
    invoke: async (cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "plugin:event|listen") {
        const handlers = listeners.get(args.event) ?? [];
        handlers.push(args.handler);
        listeners.set(args.event, handlers);
        return args.handler;
      }
      if (cmd === "plugin:event|unlisten") return null;
      // What Tauri rejects an unknown command with: a string.
      if (!(cmd in responses)) throw `Command ${cmd} not found`;
      const answer = responses[cmd];
      if (answer !== null && typeof answer === "object" && "reject" in answer) throw answer.reject;
      if (answer !== null && typeof answer === "object" && "pending" in answer) {
        return new Promise(() => {});
      }
      return answer;
    },
  };
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener: () => {} };
  window.__ipc = {
    calls,
    emit(event, payload) {
      for (const handler of listeners.get(event) ?? []) {
        callbacks.get(handler)?.({ event, id: handler, payload });
      }
    },
  };
}

/**
 * Opens the app in a new page with the given command responses. Returns { page, problems }:
 * `problems` collects page errors and console errors (CSP violations among them).
 */
export async function openApp(browser, url, responses, options = {}) {
  // `options` are the page's (e.g. `locale`, which sets `navigator.languages`).
  const page = await browser.newPage({ viewport: { width: 960, height: 680 }, ...options });
  const problems = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  await page.addInitScript(installTauriMock, responses);
  await page.goto(url);
  return { page, problems };
}

/**
 * What Rust answers: `ui/tests/fixtures/<name>.json`, written by src-tauri's tests from real
 * commands on the demo and on a simulated bridge (ports and certificates masked).
 */
export const fixture = (name) =>
  JSON.parse(readFileSync(join(uiRoot, `tests/fixtures/${name}.json`), "utf8"));

/** What `lights_snapshot` answers for the demo. */
export const snapshot = fixture("snapshot");

/**
 * For a test file: serves ui/dist and starts Chromium before its tests, stops both after.
 * Returns `open(responses, options)`, which opens the app in a new page (see `openApp`).
 */
export function appInBrowser() {
  let server;
  let browser;
  before(async () => {
    server = await serveDist();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });
  return (responses, options) => openApp(browser, server.url, responses, options);
}

/** The calls the page made to `cmd`, in order. */
export const callsTo = (page, cmd) =>
  page.evaluate((cmd) => window.__ipc.calls.filter((call) => call.cmd === cmd), cmd);
