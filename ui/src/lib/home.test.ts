import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";

// The generated IPC, replaced: events whose handlers the test calls, and reads it answers when it
// chooses.
const ipc = vi.hoisted(() => {
  type Handler = (event: { payload: unknown }) => void;
  const handlers = new Map<string, Handler>();
  const pending = new Map<string, (value: unknown) => void>();
  const listener = (name: string) => ({
    listen: async (handler: Handler) => {
      handlers.set(name, handler);
      return () => handlers.delete(name);
    },
  });
  const read = (name: string) => () =>
    new Promise((resolve) => {
      pending.set(name, resolve);
    });
  return {
    handlers,
    pending,
    events: {
      lights: listener("lights"),
      home: listener("home"),
      remote: listener("remote"),
      notice: listener("notice"),
    },
    commands: {
      homeStatus: read("homeStatus"),
      lightsSnapshot: read("lightsSnapshot"),
      remoteView: read("remoteView"),
    },
  };
});
// The IPC mocked; the constants Rust generates kept as they are.
vi.mock("./bindings", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  events: ipc.events,
  commands: ipc.commands,
}));

const { follow, home } = await import("./home.svelte");

/** What Rust answers, from the fixtures a Rust test writes. */
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../tests/fixtures/${name}.json`, import.meta.url), "utf8"));

/** Starts following and waits until it listens and reads; `following` is what it returns. */
async function start() {
  const following = follow();
  await vi.waitFor(() => expect(ipc.pending.size).toBe(3));
  expect(ipc.handlers.size).toBe(4);
  return { following };
}

function answer(reads: { homeStatus: unknown; lightsSnapshot: unknown; remoteView: unknown }) {
  for (const [name, value] of Object.entries(reads)) ipc.pending.get(name)?.(value);
}

afterEach(() => {
  ipc.pending.clear();
});

describe("follow", () => {
  it("keeps the snapshot and remote view it read when only a home event came meanwhile", async () => {
    const { following } = await start();
    const newer = { ...(fixture("home-demo") as object), demo_away: true };
    ipc.handlers.get("home")?.({ payload: newer });
    answer({
      homeStatus: fixture("home-demo"),
      lightsSnapshot: fixture("snapshot"),
      remoteView: fixture("remote-registered"),
    });
    (await following)();
    // The event was newer than the status read; nothing newer came for the other two.
    expect(home.status).toEqual(newer);
    expect(home.snapshot).toEqual(fixture("snapshot"));
    expect(home.remote).toEqual(fixture("remote-registered"));
  });

  it("keeps each stream's event over its read", async () => {
    const { following } = await start();
    ipc.handlers.get("lights")?.({ payload: fixture("snapshot-empty") });
    ipc.handlers.get("remote")?.({ payload: fixture("remote-waiting") });
    answer({
      homeStatus: fixture("home-empty"),
      lightsSnapshot: fixture("snapshot"),
      remoteView: fixture("remote-registered"),
    });
    (await following)();
    expect(home.status).toEqual(fixture("home-empty"));
    expect(home.snapshot).toEqual(fixture("snapshot-empty"));
    expect(home.remote).toEqual(fixture("remote-waiting"));
  });
});
