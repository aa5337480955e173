// The app's live state: the lights' snapshot and the home's status, kept current by Rust's events,
// and the notices to show. Components read `home` and call the generated commands.

import { commands, events, type HomeStatus, type RemoteView, type Snapshot } from "./bindings";
import { emptySnapshot } from "./ipc";

export interface Notice {
  id: number;
  /** What went wrong; put into words when shown, in the language of the moment. */
  error: unknown;
}

export const home = $state({
  snapshot: emptySnapshot as Snapshot,
  status: {
    ready: false,
    demo: false,
    demo_bridge: null,
    demo_cloud: null,
    demo_away: false,
    problem: null,
  } as HomeStatus,
  remote: null as RemoteView | null,
  notices: [] as Notice[],
});

let nextNotice = 1;

/** How long a notice stays, at least: long enough to be read, slowly, twice. */
export const NOTICE_MS = 15_000;
/** What holds the notices (the pointer over them, the focus in them): none expires meanwhile. */
let holding: string[] = [];

/** Shows `error` to the user until dismissed, or for `NOTICE_MS` while nothing holds it. */
export function notify(error: unknown): void {
  const notice = { id: nextNotice++, error };
  home.notices.push(notice);
  expire(notice.id, NOTICE_MS);
}

function expire(id: number, after: number): void {
  setTimeout(() => {
    // Held: it stays, and goes a while after it is let go.
    if (holding.length > 0) expire(id, NOTICE_MS / 3);
    else dismiss(id);
  }, after);
}

/** Whether `by` (the pointer, the focus) holds the notices. */
export function holdNotices(by: string, held: boolean): void {
  holding = holding.filter((holder) => holder !== by);
  if (held) holding.push(by);
}

export function dismiss(id: number): void {
  home.notices = home.notices.filter((notice) => notice.id !== id);
}

/** Follows Rust's events; returns what stops following. Listens before reading, so that no
 * change falls in between. */
export async function follow(): Promise<() => void> {
  // An event may arrive before the answers below and be newer than them: each stream keeps its
  // answer only if none of its own events came meanwhile (another stream's says nothing of it).
  const heard = { lights: false, home: false, remote: false };
  const stops = await Promise.all([
    events.lights.listen(({ payload }) => {
      heard.lights = true;
      home.snapshot = payload;
    }),
    events.home.listen(({ payload }) => {
      heard.home = true;
      home.status = payload;
    }),
    events.remote.listen(({ payload }) => {
      heard.remote = true;
      home.remote = payload;
    }),
    events.notice.listen(({ payload }) => notify(payload)),
  ]);
  const [status, snapshot, remote] = await Promise.all([
    commands.homeStatus(),
    commands.lightsSnapshot(),
    commands.remoteView(),
  ]);
  if (!heard.home) home.status = status;
  if (!heard.lights) home.snapshot = snapshot;
  if (!heard.remote) home.remote = remote;
  return () => stops.forEach((stop) => stop());
}
