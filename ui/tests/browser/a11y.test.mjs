// The window with a keyboard and a screen reader in mind: every control of the lights screen is
// reached with Tab and works with the keyboard, notices are announced once and stay long enough,
// the focus goes to a screen's heading, and confirmations are in the app (Escape cancels).

import assert from "node:assert/strict";
import { test } from "node:test";
import { appInBrowser, callsTo, fixture, snapshot } from "./harness.mjs";

const open = appInBrowser();

const ready = {
  app_info: { name: "Hearth", version: "1.2.3", language: "en" },
  last_deep_link: null,
  home_status: fixture("home-demo"),
  lights_snapshot: snapshot,
  remote_view: fixture("remote-registered"),
  set_on: null,
  set_brightness: null,
  all_off: null,
  recall_scene: null,
  forget_bridge: null,
  set_language: null,
};

/** A short description of the focused element: its tag, role, name and test id. */
const focused = (page) =>
  page.evaluate(() => {
    const element = document.activeElement;
    if (element === null || element === document.body) return null;
    return {
      tag: element.tagName.toLowerCase(),
      role: element.getAttribute("role"),
      name: element.getAttribute("aria-label") ?? element.textContent?.trim() ?? "",
      testid: element.getAttribute("data-testid"),
      key: element.dataset.tabKey,
    };
  });

test("Tab reaches every control of the lights screen, and the keyboard works them", async () => {
  const { page, problems } = await open(ready);
  await page.locator(`[data-group-name="${snapshot.rooms[0].name}"]`).waitFor();
  // Open every room's list of lights (with the keyboard below), so that their switches count.
  const controls = await page.evaluate(() => {
    const selector = "button:not([disabled]), input, select, summary, [tabindex='0']";
    return [...document.querySelectorAll(selector)].map((element, index) => {
      element.dataset.tabKey = String(index);
      return String(index);
    });
  });
  assert.ok(controls.length > 20, `${controls.length} controls`);

  const reached = new Set();
  for (let step = 0; step < controls.length + 10; step += 1) {
    await page.keyboard.press("Tab");
    const now = await focused(page);
    if (now?.key !== undefined) reached.add(now.key);
  }
  // Those hidden in closed <details> are not reachable until opened: only the visible ones.
  const visible = await page.evaluate(() =>
    [...document.querySelectorAll("[data-tab-key]")]
      .filter((element) => element.checkVisibility())
      .map((element) => element.dataset.tabKey),
  );
  assert.deepEqual(visible.filter((key) => !reached.has(key)), [], "controls Tab never reached");

  // A switch: Space, then Enter.
  const [first, second] = snapshot.rooms;
  const toggle = (room) => page.locator(`[data-group-name="${room.name}"]`).getByTestId("group-toggle");
  await toggle(first).focus();
  await page.keyboard.press("Space");
  await toggle(second).focus();
  await page.keyboard.press("Enter");
  assert.deepEqual(
    (await callsTo(page, "set_on")).map((call) => call.args),
    [
      { target: { kind: "room", id: first.id }, on: !first.on },
      { target: { kind: "room", id: second.id }, on: !second.on },
    ],
  );

  // A slider: the arrows move it, and it says its value in words.
  const slider = page.locator(`[data-group-name="${first.name}"]`).getByTestId("brightness");
  await slider.focus();
  await page.keyboard.press("ArrowLeft");
  await page.waitForFunction(() => window.__ipc.calls.some((call) => call.cmd === "set_brightness"));
  const [sent] = await callsTo(page, "set_brightness");
  assert.deepEqual(sent.args, { target: { kind: "room", id: first.id }, percent: first.brightness - 1 });
  assert.equal(await slider.getAttribute("aria-valuetext"), `${first.brightness - 1}%`);

  // A room's lights: Enter opens the list, and Tab then reaches each light's own controls (the
  // button that opens them) and its switch.
  const card = page.locator(`[data-group-name="${first.name}"]`);
  await card.locator("summary").focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  const adjust = await focused(page);
  assert.equal(adjust?.testid, "adjust");
  assert.match(adjust?.name ?? "", /^Adjust /);
  await page.keyboard.press("Tab");
  const light = await focused(page);
  assert.equal(light?.role, "switch");
  assert.match(light?.name ?? "", /: turn (on|off)$/);
  await page.keyboard.press("Space");
  assert.equal((await callsTo(page, "set_on")).at(-1).args.target.kind, "light");

  // A scene and All off, with Enter.
  await page.locator(".scene").first().focus();
  await page.keyboard.press("Enter");
  assert.equal((await callsTo(page, "recall_scene")).length, 1);
  await page.getByTestId("all-off").focus();
  await page.keyboard.press("Enter");
  assert.equal((await callsTo(page, "all_off")).length, 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test("forgetting a bridge asks in the app: Escape cancels and gives the focus back", async () => {
  const { page, problems } = await open({
    ...ready,
    home_status: { ...fixture("home-demo"), demo: false, demo_bridge: null, demo_cloud: null },
  });
  const forget = page.getByTestId("forget-bridge");
  await forget.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /Forget Hue Bridge \(simulated\)\? You will have to pair it again\./);
  // The safe answer has the focus.
  assert.equal((await focused(page))?.name, "Cancel");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.equal((await focused(page))?.testid, "forget-bridge");
  assert.equal((await callsTo(page, "forget_bridge")).length, 0);

  await page.keyboard.press("Enter");
  await dialog.waitFor();
  await page.keyboard.press("Tab");
  assert.equal((await focused(page))?.testid, "confirm");
  await page.keyboard.press("Enter");
  await dialog.waitFor({ state: "hidden" });
  assert.equal((await callsTo(page, "forget_bridge")).length, 1);
  assert.equal((await focused(page))?.testid, "forget-bridge");
  // No browser dialog was ever opened.
  assert.deepEqual(problems, []);
  await page.close();
});

test("a notice is in one live region, not an alert of its own, and stays while held", async () => {
  const { page } = await open({ ...ready, all_off: { reject: fixture("error-unreachable") } });
  await page.clock.install();
  await page.getByTestId("all-off").click();
  const notice = page.getByTestId("notice");
  await notice.waitFor();
  // Announced once: the region is live, the notice has no role of its own.
  assert.equal(await page.locator("[aria-live]").count(), 1);
  assert.equal(await page.getByTestId("notices").getAttribute("aria-live"), "assertive");
  assert.equal(await page.locator("[data-testid=notices] [role=alert]").count(), 0);
  assert.equal(await notice.getAttribute("role"), null);

  // Long enough to read.
  await page.clock.runFor(10_000);
  assert.equal(await notice.count(), 1);
  // Held by the pointer: it stays, however long.
  await notice.hover();
  await page.clock.runFor(60_000);
  assert.equal(await notice.count(), 1);
  // Let go: it goes after a while.
  await page.mouse.move(0, 0);
  await page.clock.runFor(10_000);
  await notice.waitFor({ state: "detached" });
  await page.close();
});

test("changing screens moves the focus to the new screen's heading", async () => {
  const { page } = await open(ready);
  await page.getByTestId("nav-remote").click();
  await page.waitForFunction(() => document.activeElement?.tagName === "H2");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Remote access");
  await page.getByTestId("nav-lights").click();
  await page.waitForFunction(() => document.activeElement?.textContent === "Lights");
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H2");
  await page.close();
});
