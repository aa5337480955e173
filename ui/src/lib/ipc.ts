// The only module that talks to Rust. Every command and event the UI uses is typed here, so that
// a change on the Rust side has one place to follow.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

/** How every command fails: `kind` for code, `message` for people. */
export interface CommandError {
  kind: string;
  message: string;
}

export interface AppInfo {
  name: string;
  version: string;
}

export type Screen = "lights" | "remote" | "energy" | "settings";

/** A deep link the app accepted. An OAuth callback's code never reaches the UI. */
export type ReceivedLink =
  | { kind: "open"; screen: Screen | null }
  | {
      kind: "oauth_callback";
      outcome: { result: "code" } | { result: "error"; error: string };
    };

export function isCommandError(value: unknown): value is CommandError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Record<string, unknown>).kind === "string" &&
    typeof (value as Record<string, unknown>).message === "string"
  );
}

/** A sentence for the user, whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (isCommandError(error)) return error.message;
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  return "Something went wrong.";
}

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

export const appInfo = (): Promise<AppInfo> => invoke<AppInfo>("app_info");

export const lastDeepLink = (): Promise<ReceivedLink | null> =>
  invoke<ReceivedLink | null>("last_deep_link");

export const onDeepLink = (handler: (link: ReceivedLink) => void): Promise<UnlistenFn> =>
  listen<ReceivedLink>("deep-link", (event) => handler(event.payload));
