// Hand-written helpers over the generated IPC (./bindings.ts, from Rust: commands, events, types
// and shared constants). Nothing here names a command or an event. Sentences come from the
// catalogue `t` of the language in use.

import type { AccountState, ConnectionState, ReceivedLink, Snapshot } from "./bindings";
import type { Catalogue } from "./i18n/catalogue";
import { en } from "./i18n/en";
import { describeProblem } from "./problems";

export const emptySnapshot: Snapshot = { bridges: [], rooms: [], zones: [], lights: [], scenes: [] };

/** What to tell the user about a received link. */
export function describeLink(link: ReceivedLink, t: Catalogue = en): string {
  switch (link.kind) {
    case "open":
      return link.screen === null ? t.links.opened : t.links.openedScreen(t.app.screens[link.screen]);
    case "oauth_callback":
      return link.outcome.result === "code"
        ? t.links.callback
        : t.links.notCompleted(link.outcome.error);
    case "energy_setup":
      return t.links.energySetup;
  }
}

/** A bridge's connection, in a few words. */
export function describeConnection(connection: ConnectionState, t: Catalogue = en): string {
  switch (connection.state) {
    case "connecting":
      return t.connection.connecting;
    case "live":
      return t.connection.live;
    case "reconnecting":
      return t.connection.reconnecting(connection.attempt, describeProblem(connection.problem, t));
    case "offline":
      return t.connection.offline(describeProblem(connection.problem, t));
  }
}

/** The state of the remote account, in a sentence. */
export function describeAccount(account: AccountState, t: Catalogue = en, now = Date.now()): string {
  switch (account.state) {
    case "not_linked":
      return t.account.notLinked;
    case "linked": {
      if (account.expiring_soon) return t.account.renewing;
      if (account.expires_at === null) return t.account.linked;
      const until = new Date(account.expires_at * 1000);
      const days = Math.round((until.getTime() - now) / 86_400_000);
      return days >= 1 ? t.account.validFor(days, until) : t.account.renewedByItself;
    }
    case "needs_relink":
      return t.account.needsRelink;
    case "save_failed":
      return t.account.saveFailed;
  }
}
