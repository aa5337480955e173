// English. The window's words for what Rust reports as a kind and its parameters.

import type { Catalogue } from "./catalogue";

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
/** Technical details (an operating system's or a server's own words) are shown as they are. */
const because = (detail: string) => (detail === "" ? "" : ` (${detail})`);

export const en: Catalogue = {
  somethingWentWrong: "Something went wrong.",
  controls: {
    brightnessOf: (name) => `Brightness of ${name}`,
    temperatureOf: (name) => `White of ${name}, warm to cold`,
    kelvin: (kelvin) => `${kelvin} K`,
    warm: "Warm",
    cold: "Cold",
    colourOf: (name) => `Colour of ${name}`,
    colourValue: (x, y) => `x ${x}, y ${y}`,
    colourHelp: "Arrow keys move the colour, Shift with them moves it further.",
    adjust: (name) => `Adjust ${name}`,
    pickColour: (name) => `Pick a colour for ${name}`,
    scenesOf: (name) => `Scenes of ${name}`,
    otherScenes: "Other scenes",
  },
  problems: {
    unreachable: (p) => `Cannot reach the bridge at ${p.address}${because(p.detail)}.`,
    timeout: (p) => `The bridge at ${p.address} did not answer within ${seconds(p.after_ms)}.`,
    certificate_changed: (p) =>
      `The certificate of bridge ${p.bridge_id} has changed: Hearth trusted ${p.pinned} when ` +
      `pairing and now sees ${p.found}. If the bridge was reset or replaced, forget it and pair ` +
      `again; otherwise another device is answering in its place.`,
    wrong_bridge: (p) =>
      `The bridge answering is ${p.found}, not ${p.expected}: another device is answering in its place.`,
    certificate_untrusted: (p) =>
      `The bridge's certificate (${p.found}) is not signed by Signify and was never trusted: pair with the bridge to trust it.`,
    certificate_unreadable: (p) => `The bridge's certificate cannot be read${because(p.detail)}.`,
    unauthorized: () => "The bridge does not accept Hearth's app key: pair with it again.",
    resource_gone: (p) => `The bridge has no ${p.resource} with id ${p.id}.`,
    busy: (p) => `The bridge is busy (HTTP ${p.status}) and still refused after ${p.attempts} attempts.`,
    rejected: (p) => `The bridge refused the request${because(p.detail)}.`,
    http: (p) => `The bridge answered HTTP ${p.status}${because(p.detail)}.`,
    malformed: (p) => `The bridge sent something Hearth cannot read (${p.context})${because(p.detail)}.`,
    bridge_error: (p) => `The bridge reported an error${because(p.detail)}.`,
    link_button: () => "The link button on the bridge has not been pressed.",
    not_available: (p) => `${p.what} is not available over this connection.`,
    bad_address: (p) =>
      `“${p.address}” is not a bridge address (a host name or IP, with an optional :port).`,
    stream_silent: (p) => `The bridge's event stream was silent for ${seconds(p.after_ms)}.`,
    closed: () => "The connection to the bridge was closed.",
    remote_not_linked: () => "Remote access is not linked: link it first.",
    remote_relink: () => "Remote access has expired or was revoked: link it again.",
    remote_token: (p) => `No remote access token could be had${because(p.detail)}.`,
    button_not_pressed: (p) =>
      `The link button was not pressed within ${p.seconds} s: press the round button on top of the bridge, then pair again.`,
    cancelled: () => "Cancelled.",
    no_bridge: () => "No bridge is paired yet: pair one first.",
    unknown_bridge: (p) => `No paired bridge matches “${p.bridge}”.`,
    not_connected: (p) => `Bridge ${p.bridge} is not connected yet.`,
    not_found: (p) => `Nothing is called “${p.name}”.`,
    ambiguous: (p) => `“${p.query}” could be any of: ${p.candidates.join(", ")}.`,
    secret_store: (p) => `The system keychain failed${because(p.detail)}.`,
    config: (p) => `Cannot use ${p.path}${because(p.detail)}.`,
    starting: () => "Hearth is still starting.",
    no_home_folder: () =>
      "This system has no home folder to keep Hearth's settings in: set HEARTH_CONFIG_DIR.",
    demo_not_running: () => "The demo is not running.",
    demo_failed: (p) => `The demo's simulator failed${because(p.detail)}.`,
    firmware_too_old: (p) =>
      `Bridge ${p.bridge_id} runs API ${p.api_version}, older than CLIP v2 (API 1.46): update its firmware in the Hue app, then pair again.`,
    no_certificate: () => "The bridge presented no certificate.",
    remote_not_registered: () =>
      "Remote access needs the client ID and secret of an app registered on the Hue developer portal: enter them first.",
    invalid_input: (p) => `That is not valid${because(p.detail)}.`,
    denied: (p) => `The sign-in was refused${because(p.detail ?? "")}.`,
    link_timeout: (p) => `No answer came from the browser within ${p.seconds} s: link again.`,
    port_busy: (p) => `Port ${p.port} on this computer is taken: close what uses it, or choose another way.`,
    invalid_client: () =>
      "The Hue cloud does not know this client ID and secret: check them on the developer portal.",
    cloud_unreachable: (p) => `Cannot reach the Hue cloud${because(p.detail)}.`,
    oauth: (p) => `The sign-in failed${because(p.detail)}.`,
    bad_callback: (p) => `Hearth did not take this address${because(p.detail)}.`,
    no_link_in_progress: () => "No link is waiting for an answer: start one first.",
    remote_username: (p) => `The bridge did not grant access through the Hue cloud${because(p.detail)}.`,
    browser: (p) => `Could not open the browser${because(p.detail)}.`,
    internal: (p) => `Something went wrong inside Hearth${because(p.detail)}.`,
  },
};
