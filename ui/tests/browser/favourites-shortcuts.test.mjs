// Favourites and keyboard shortcuts, in Debian's Chromium against what Rust sends
// (ui/tests/fixtures: the demo's snapshot with a room and a scene starred, the shortcuts Settings
// lists, a shortcut another application holds, a Wayland session): the stars on the lights screen,
// the Settings screen's sections for them, all of it with the keyboard. The screen's other
// sections are settings.test.mjs's.

import assert from "node:assert/strict";
import { test } from "node:test";
import { appInBrowser, callsTo, fixture, snapshot } from "./harness.mjs";

const open = appInBrowser();
const starred = fixture("snapshot-favourites");
const hotkeys = fixture("hotkeys");

const ready = {
  app_info: { name: "Hearth", version: "1.2.3", language: "en" },
  last_deep_link: null,
  home_status: fixture("home-demo"),
  lights_snapshot: snapshot,
  remote_view: fixture("remote-registered"),
  set_favourite: null,
  hotkeys_view: hotkeys,
  bind_hotkey: hotkeys,
  unbind_hotkey: hotkeys,
  // The screen's other sections (settings.test.mjs).
  settings_view: fixture("settings"),
};

const room = starred.rooms.find((r) => r.favourite);
const scene = starred.scenes.find((s) => s.favourite);

/** Opens Settings with the keyboard's Enter on its navigation button. */
async function toSettings(page) {
  await page.getByTestId("nav-settings").focus();
  await page.keyboard.press("Enter");
  await page.getByTestId("favourites").waitFor();
}

test("a star on a room and on a scene, pressed with the keyboard, asks Rust and follows the snapshot", async () => {
  const { page, problems } = await open(ready);
  const card = page.locator(`[data-group-name="${room.name}"]`);
  const star = card.getByRole("button", { name: `Favourite: ${room.name}`, exact: true });
  assert.equal(await star.getAttribute("aria-pressed"), "false");
  await star.focus();
  await page.keyboard.press("Space");
  await page.waitForFunction(() => window.__ipc.calls.some((call) => call.cmd === "set_favourite"));
  assert.deepEqual((await callsTo(page, "set_favourite"))[0].args, {
    favourite: { bridge_id: room.bridge_id, kind: "room", id: room.id },
    on: true,
  });
  // Pressed only when Rust says so; the focus stays on the star meanwhile.
  assert.equal(await star.getAttribute("aria-pressed"), "false");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), `Favourite: ${room.name}`);
  await page.evaluate((next) => window.__ipc.emit("lights", next), starred);
  await page.waitForFunction(
    (name) => document.querySelector(`[data-group-name="${name}"] [data-testid=star]`)?.getAttribute("aria-pressed") === "true",
    room.name,
  );

  // A scene's star names the scene and its room (scenes of different rooms share names).
  const sceneStar = card.getByRole("button", { name: `Favourite: ${scene.name} (${room.name})`, exact: true });
  assert.equal(await sceneStar.getAttribute("aria-pressed"), "true");
  await sceneStar.focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => window.__ipc.calls.filter((call) => call.cmd === "set_favourite").length === 2);
  assert.deepEqual((await callsTo(page, "set_favourite"))[1].args, {
    favourite: { bridge_id: scene.bridge_id, kind: "scene", id: scene.id },
    on: false,
  });
  assert.deepEqual(problems, []);
  await page.close();
});

test("Settings lists the favourites, and each can be removed with the keyboard", async () => {
  const { page, problems } = await open({ ...ready, lights_snapshot: starred });
  await toSettings(page);
  const rows = page.getByTestId("favourite");
  assert.deepEqual(
    (await rows.allTextContents()).map((text) => text.replace(/\s+/g, " ").trim()),
    [`Room ${room.name} Remove`, `Scene ${scene.name} (${room.name}) Remove`],
  );
  const remove = page.getByRole("button", { name: `Remove ${room.name} from favourites` });
  await remove.focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => window.__ipc.calls.some((call) => call.cmd === "set_favourite"));
  assert.deepEqual((await callsTo(page, "set_favourite"))[0].args, {
    favourite: { bridge_id: room.bridge_id, kind: "room", id: room.id },
    on: false,
  });
  // None starred: the section says where stars are given.
  await page.evaluate((next) => window.__ipc.emit("lights", next), snapshot);
  await page.getByTestId("no-favourites").waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test("the shortcuts are listed with what they do, and one not active says why", async () => {
  const { page, problems } = await open(ready);
  await toSettings(page);
  const rows = page.getByTestId("hotkey");
  await rows.first().waitFor();
  const shown = (await rows.allTextContents()).map((text) => text.replace(/\s+/g, " ").trim());
  const sceneView = snapshot.scenes.find((s) => s.id === hotkeys.bindings[2].action.scene_id);
  const target = [...snapshot.rooms, ...snapshot.zones].find((g) => g.id === hotkeys.bindings[0].action.target.id);
  assert.deepEqual(shown, [
    `Ctrl+Alt+L Turn ${target.name} on or off Remove`,
    "Super+0 All off Remove",
    `Ctrl+Alt+R Scene ${sceneView.name} (${sceneView.group_name}) (not active: another application holds it) Remove`,
  ]);
  // Removing one, by keyboard, names the combination Rust spells.
  await page.getByRole("button", { name: "Remove Super+0" }).focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => window.__ipc.calls.some((call) => call.cmd === "unbind_hotkey"));
  assert.deepEqual((await callsTo(page, "unbind_hotkey"))[0].args, { shortcut: "super+Digit0" });
  assert.deepEqual(problems, []);
  await page.close();
});

test("recording: pick an action, press the keys; Escape cancels and binds nothing", async () => {
  const { page, problems } = await open({ ...ready, hotkeys_view: { ...hotkeys, bindings: [] } });
  await toSettings(page);
  const action = page.getByTestId("hotkey-action");
  const wanted = `toggle:${snapshot.rooms[0].id}`;
  await action.selectOption(wanted);
  const recordButton = page.getByTestId("hotkey-record");
  const status = page.getByTestId("hotkey-status");

  await recordButton.focus();
  await page.keyboard.press("Enter");
  assert.match(await recordButton.textContent(), /Press the keys/);
  assert.match(await status.textContent(), /Escape cancels/);
  await page.keyboard.press("Escape");
  assert.equal((await recordButton.textContent()).trim(), "Record a shortcut");
  assert.equal((await status.textContent()).trim(), "No shortcut recorded.");
  assert.deepEqual(await callsTo(page, "bind_hotkey"), []);

  // Modifiers alone wait for their key; the combination is sent as KeyboardEvent.code names it.
  await page.keyboard.press("Enter");
  await page.keyboard.down("Control");
  await page.keyboard.down("Alt");
  await page.keyboard.press("KeyK");
  await page.keyboard.up("Alt");
  await page.keyboard.up("Control");
  await page.waitForFunction(() => window.__ipc.calls.some((call) => call.cmd === "bind_hotkey"));
  assert.deepEqual((await callsTo(page, "bind_hotkey"))[0].args, {
    shortcut: "Control+Alt+KeyK",
    action: { action: "toggle", target: { kind: snapshot.rooms[0].kind, id: snapshot.rooms[0].id } },
  });
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=hotkey]").length === 3);
  assert.equal(
    (await status.textContent()).trim(),
    `Ctrl+Alt+K now does: Turn ${snapshot.rooms[0].name} on or off`,
  );
  // The focus stayed on the button, to record another at once.
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "hotkey-record");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a shortcut another application holds is refused, in the language in use", async () => {
  const taken = fixture("error-hotkey-taken");
  const { page, problems } = await open({
    ...ready,
    hotkeys_view: { ...hotkeys, bindings: [] },
    bind_hotkey: { reject: taken },
  });
  await toSettings(page);
  await page.getByTestId("hotkey-record").focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Control+Alt+KeyL");
  const status = page.getByTestId("hotkey-status");
  await page.waitForFunction(() => document.querySelector("[data-testid=hotkey-status]")?.textContent.trim() !== "");
  assert.equal(
    (await status.textContent()).trim(),
    "Another application already uses Ctrl+Alt+L: choose another combination, or free it in that application.",
  );
  assert.equal(await status.getAttribute("role"), "status");
  // Nothing was kept: the list is still empty.
  assert.equal(await page.getByTestId("no-hotkeys").count(), 1);

  // The same, in French.
  await page.getByTestId("language").selectOption("fr");
  assert.equal(
    (await status.textContent()).trim(),
    "Une autre application utilise déjà Ctrl+Alt+L\u00a0: choisissez une autre combinaison, ou libérez-la dans cette application.",
  );
  assert.deepEqual(problems, []);
  await page.close();
});

test("in a Wayland session the section says so and offers no controls", async () => {
  const { page, problems } = await open({ ...ready, hotkeys_view: fixture("hotkeys-wayland") });
  await toSettings(page);
  const notice = page.getByTestId("hotkeys-unavailable");
  assert.match(await notice.textContent(), /Wayland.*does not let applications have keyboard shortcuts/s);
  assert.equal(await page.getByTestId("hotkey-record").count(), 0);
  assert.equal(await page.getByTestId("hotkey-action").count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});
