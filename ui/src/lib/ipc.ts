// The only module that talks to Rust. Every command and event the UI uses is typed here, so that
// a change on the Rust side has one place to follow. The shapes mirror the Rust types' serde
// output; `ui/tests/fixtures/snapshot.json` is written by a Rust test from the real thing.

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

export type TargetKind = "light" | "room" | "zone";

/** What a command addresses. */
export interface Target {
  kind: TargetKind;
  id: string;
}

export type ConnectionState =
  | { state: "connecting" }
  | { state: "live" }
  | { state: "reconnecting"; attempt: number; retry_in_ms: number; reason: string }
  | { state: "offline"; kind: string; reason: string };

export interface CertificateView {
  fingerprint: string;
  trust: "signify_ca" | "pinned";
}

export interface BridgeView {
  id: string;
  name: string;
  /** Empty for a bridge known only through the Hue cloud. */
  address: string;
  connection: ConnectionState;
  /** How Hearth reaches it now: the local network, or the Hue cloud. */
  via: "local" | "remote";
  /** The Hue cloud is linked to it: where Hearth goes when the LAN does not answer. */
  remote_available: boolean;
  /** `null` for a bridge known only through the Hue cloud. */
  certificate: CertificateView | null;
}

export interface GroupView {
  id: string;
  bridge_id: string;
  kind: TargetKind;
  name: string;
  archetype: string | null;
  on: boolean;
  brightness: number | null;
  lights: string[];
}

export interface LightView {
  id: string;
  bridge_id: string;
  name: string;
  on: boolean;
  brightness: number | null;
  reachable: boolean;
  capabilities: { dimming: boolean; color_temperature: [number, number] | null; color: boolean };
  mirek: number | null;
  xy: { x: number; y: number } | null;
  room: string | null;
}

export interface SceneView {
  id: string;
  bridge_id: string;
  name: string;
  group: Target | null;
  group_name: string | null;
  active: boolean;
}

/** Everything the lights show, after every change. */
export interface Snapshot {
  bridges: BridgeView[];
  rooms: GroupView[];
  zones: GroupView[];
  lights: LightView[];
  scenes: SceneView[];
}

export interface HomeStatus {
  ready: boolean;
  demo: boolean;
  demo_bridge: string | null;
  demo_cloud: string | null;
  /** The demo's bridge is off the local network: reachable only through the cloud. */
  demo_away: boolean;
  /** Why the lights could not be opened, if they could not. */
  problem: string | null;
}

export type ReceiverKind = "loopback-http" | "loopback-https" | "deep-link" | "paste";

export type ReceiverChoice =
  | { kind: "auto" }
  | { kind: "loopback-http"; port?: number }
  | { kind: "loopback-https"; port?: number }
  | { kind: "deep-link" }
  | { kind: "paste" };

export type AccountState =
  | { state: "not_linked" }
  | { state: "linked"; expires_at: number | null; expiring_soon: boolean }
  | { state: "needs_relink" }
  | { state: "save_failed" };

export type FlowView =
  | { step: "waiting"; id: number; receiver: ReceiverKind; redirect_uri: string; authorize_url: string }
  | { step: "exchanging"; id: number }
  | { step: "finding_bridge"; id: number }
  | { step: "done"; id: number; bridge_id: string }
  | { step: "failed"; id: number; kind: string; message: string }
  | { step: "cancelled"; id: number };

/** Remote access as the UI shows it: no token, no secret. */
export interface RemoteView {
  registered: boolean;
  client_id: string | null;
  callback: string | null;
  cloud: string;
  account: AccountState;
  bridge_id: string | null;
  auto_receiver: ReceiverKind;
  flow: FlowView | null;
  problem: string | null;
}

export interface LinkStarted {
  id: number;
  receiver: ReceiverKind;
  redirect_uri: string;
  authorize_url: string;
}

export type PairingProgress =
  | { step: "contacting"; address: string }
  | {
      step: "found";
      bridge_id: string;
      name: string;
      certificate: CertificateView;
    }
  | { step: "press_button"; remaining_secs: number }
  | { step: "paired"; bridge: BridgeView };

export interface DiscoveredBridge {
  id: string;
  name: string;
  address: string;
  model: string;
  api_version: string;
  supports_v2: boolean;
  sources: string[];
}

export interface DiscoveryReport {
  bridges: DiscoveredBridge[];
  problems: string[];
}

export const emptySnapshot: Snapshot = { bridges: [], rooms: [], zones: [], lights: [], scenes: [] };

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

/** A bridge's connection, in a few words. */
export function describeConnection(connection: ConnectionState): string {
  switch (connection.state) {
    case "connecting":
      return "Connecting…";
    case "live":
      return "Connected";
    case "reconnecting":
      return `Reconnecting (attempt ${connection.attempt}): ${connection.reason}`;
    case "offline":
      return `Offline: ${connection.reason}`;
  }
}

// Commands.
export const appInfo = () => invoke<AppInfo>("app_info");
export const lastDeepLink = () => invoke<ReceivedLink | null>("last_deep_link");
export const homeStatus = () => invoke<HomeStatus>("home_status");
export const lightsSnapshot = () => invoke<Snapshot>("lights_snapshot");
export const startDemo = () => invoke<null>("start_demo");
export const discoverBridges = (manual: string[]) =>
  invoke<DiscoveryReport>("discover_bridges", { manual });
export const pairBridge = (address: string) => invoke<BridgeView>("pair_bridge", { address });
export const cancelPairing = () => invoke<null>("cancel_pairing");
export const forgetBridge = (bridgeId: string) => invoke<null>("forget_bridge", { bridgeId });
export const setOn = (target: Target, on: boolean) => invoke<null>("set_on", { target, on });
export const toggle = (target: Target) => invoke<boolean>("toggle", { target });
export const setBrightness = (target: Target, percent: number) =>
  invoke<null>("set_brightness", { target, percent });
export const recallScene = (sceneId: string) => invoke<null>("recall_scene", { sceneId });
export const allOff = () => invoke<null>("all_off");
export const remoteView = () => invoke<RemoteView | null>("remote_view");
export const remoteRegister = (clientId: string, clientSecret: string, callback: string | null) =>
  invoke<RemoteView>("remote_register", { clientId, clientSecret, callback });
export const remoteUnregister = () => invoke<RemoteView>("remote_unregister");
export const remoteStartLink = (choice: ReceiverChoice) =>
  invoke<LinkStarted>("remote_start_link", { choice });
export const remoteOpenAgain = () => invoke<null>("remote_open_again");
export const remotePaste = (url: string) => invoke<null>("remote_paste", { url });
export const remoteCancelLink = () => invoke<null>("remote_cancel_link");
export const remoteUnlink = () => invoke<RemoteView>("remote_unlink");
export const setDemoAway = (away: boolean) => invoke<null>("set_demo_away", { away });

// Events.
const on =
  <T>(name: string) =>
  (handler: (payload: T) => void): Promise<UnlistenFn> =>
    listen<T>(name, (event) => handler(event.payload));

export const onDeepLink = on<ReceivedLink>("deep-link");
export const onLights = on<Snapshot>("lights");
export const onHome = on<HomeStatus>("home");
export const onPairing = on<PairingProgress>("pairing");
export const onNotice = on<CommandError>("notice");
export const onRemote = on<RemoteView | null>("remote");

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
