// The app's live state: the lights' snapshot and the home's status, kept current by Rust's events,
// and the notices to show. Components read `home` and call the commands in ipc.ts.

import {
  emptySnapshot,
  errorMessage,
  homeStatus,
  lightsSnapshot,
  onHome,
  onLights,
  onNotice,
  onRemote,
  remoteView,
  type HomeStatus,
  type RemoteView,
  type Snapshot,
} from "./ipc";

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
  // An event newer than the answers below may arrive before them: count events, and keep what
  // the answers say only if none came meanwhile.
  let events = 0;
  const stops = await Promise.all([
    onLights((snapshot) => {
      events++;
      home.snapshot = snapshot;
    }),
    onHome((status) => {
      events++;
      home.status = status;
    }),
    onRemote((view) => {
      events++;
      home.remote = view;
    }),
    onNotice((error) => notify(error)),
  ]);
  const before = events;
  const [status, snapshot, remote] = await Promise.all([
    homeStatus(),
    lightsSnapshot(),
    remoteView(),
  ]);
  if (events === before) {
    home.status = status;
    home.snapshot = snapshot;
    home.remote = remote;
  }
  return () => stops.forEach((stop) => stop());
}
