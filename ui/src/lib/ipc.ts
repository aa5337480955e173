// Hand-written helpers over the generated IPC (./bindings.ts, from Rust: commands, events, types
// and shared constants). Nothing here names a command or an event.

import type {
  AccountState,
  ConnectionState,
  ReceivedLink,
  ReceiverKind,
  Snapshot,
} from "./bindings";
import { describeProblem } from "./problems";

export const emptySnapshot: Snapshot = { bridges: [], rooms: [], zones: [], lights: [], scenes: [] };

/** What to tell the user about a received link. */
export function describeLink(link: ReceivedLink): string {
  switch (link.kind) {
    case "open":
      return link.screen === null ? "Opened Hearth" : `Opened the ${link.screen} screen`;
    case "oauth_callback":
      return link.outcome.result === "code"
        ? "Received a sign-in callback"
        : `Sign-in was not completed (${link.outcome.error})`;
  }
}

/** A bridge's connection, in a few words. */
export function describeConnection(connection: ConnectionState): string {
  switch (connection.state) {
    case "connecting":
      return "Connecting…";
    case "live":
      return "Connected";
    case "reconnecting":
      return `Reconnecting (attempt ${connection.attempt}): ${describeProblem(connection.problem)}`;
    case "offline":
      return `Offline: ${describeProblem(connection.problem)}`;
  }
}

/** How each way of receiving the sign-in's answer is called, for people. */
export const receiverNames: Record<ReceiverKind, string> = {
  "deep-link": "a hearth:// link",
  "loopback-http": "a local page (http://localhost)",
  "loopback-https": "a local page (https://localhost)",
  paste: "pasting the address",
};

/** The state of the remote account, in a sentence. */
export function describeAccount(account: AccountState, now = Date.now()): string {
  switch (account.state) {
    case "not_linked":
      return "Not linked";
    case "linked": {
      if (account.expiring_soon) return "Linked; the access is being renewed";
      if (account.expires_at === null) return "Linked";
      const days = Math.round((account.expires_at * 1000 - now) / 86_400_000);
      return days >= 1
        ? `Linked (current access valid ${days} more day${days === 1 ? "" : "s"}, renewed by itself)`
        : "Linked (renewed by itself)";
    }
    case "needs_relink":
      return "The link expired or was revoked: link again";
    case "save_failed":
      return "Linked, but the renewed access could not be saved yet (the previous one still works)";
  }
}
