// The app's live state: the lights' snapshot and the home's status, kept current by Rust's events,
// and the notices to show. Components read `home` and call the generated commands.

import { commands, events, type HomeStatus, type RemoteView, type Snapshot } from "./bindings";
import { emptySnapshot } from "./ipc";
import { errorMessage } from "./problems";

export interface Notice {
  id: number;
  message: string;
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

/** Shows `error` to the user for a while. */
export function notify(error: unknown): void {
  const notice = { id: nextNotice++, message: errorMessage(error) };
  home.notices.push(notice);
  setTimeout(() => dismiss(notice.id), 8000);
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
