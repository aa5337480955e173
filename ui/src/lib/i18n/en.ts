// English: every word of the window. Its shape is the `Catalogue` type (catalogue.ts), which
// every other language fills in; a Vitest test fails on a key missing in one language or used
// nowhere.

import type { CallbackProblem, OfferReason, Period, Problem, ProxyProblem } from "../bindings";
import { describeShortcut, type KeyNames } from "../hotkeys";
import type { ProblemTexts } from "./catalogue";
import { nationalHours } from "../energy/costs";
import { formats } from "./format";

const keyNames: KeyNames = { control: "Ctrl", alt: "Alt", shift: "Shift", super: "Super" };
const shortcut = (typed: string) => describeShortcut(typed, keyNames);

const callbackProblems: Record<CallbackProblem, (parameter: string | null) => string> = {
  too_long: () => "The address is too long.",
  malformed: () => "This is not a whole web address: paste everything from the address bar.",
  wrong_redirect: () => "This address is not the sign-in redirect Hearth is waiting for.",
  missing_parameter: (parameter) => `The parameter “${parameter}” is missing.`,
  duplicate_parameter: (parameter) => `The parameter “${parameter}” appears more than once.`,
  invalid_parameter: (parameter) => `The parameter “${parameter}” is not valid.`,
  code_and_error: () => "The answer carries both a code and an error.",
  wrong_state: () => "This answer belongs to another sign-in (old, or forged): Hearth ignored it.",
  no_flow_waiting: () => "No sign-in is waiting for an answer.",
};

const periods: Record<Period, string> = {
  base: "Base",
  hp: "Peak hours",
  hc: "Off-peak hours",
  blue_hp: "Blue day, peak",
  blue_hc: "Blue day, off-peak",
  white_hp: "White day, peak",
  white_hc: "White day, off-peak",
  red_hp: "Red day, peak",
  red_hc: "Red day, off-peak",
};
const period = (p: Period | null) => (p === null ? "a period" : periods[p]);

const offerProblems: Record<OfferReason, (p: Extract<Problem, { kind: "energy_offer" }>) => string> = {
  bad_price: (p) => `Not a price per kWh: “${p.value ?? ""}”. Write it in euros, e.g. 0.1952.`,
  bad_subscription: (p) => `Not an amount in euros and cents: “${p.value ?? ""}”, e.g. 15.65.`,
  missing_price: (p) => `Enter the price of ${period(p.period).toLowerCase()}.`,
  extra_price: (p) => `${period(p.period)} is not a period of this option.`,
  bad_time: (p) => `Not a time on the hour or half hour (HH:MM): “${p.value ?? ""}”.`,
  no_window: () => "Enter at least one off-peak window.",
  no_version: () => "These off-peak hours are no longer in the list.",
};

const proxyProblems: Record<ProxyProblem, string> = {
  malformed: "This is not a whole web address: it starts with https://.",
  not_https:
    "The proxy must be reached over https. Plain http is accepted only on this computer (localhost, 127.0.0.1, ::1).",
  scheme: "The proxy's address starts with https://.",
  credentials: "Leave any user name or password out of the address.",
  no_client_id: "Enter the client ID the proxy's operator gave you.",
};

const f = formats("en");
const seconds = f.seconds;
/** Technical details (an operating system's or a server's own words) are shown as they are. */
const because = (detail: string) => (detail === "" ? "" : ` (${detail})`);

const problems: ProblemTexts = {
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
  bad_callback: (p) => callbackProblems[p.reason](p.parameter),
  no_link_in_progress: () => "No link is waiting for an answer: start one first.",
  remote_username: (p) => `The bridge did not grant access through the Hue cloud${because(p.detail)}.`,
  energy_no_proxy: () =>
    "No energy proxy is set: enter the address of a hearth-proxy in Settings, or try the demo.",
  energy_proxy_unreachable: (p) => `Cannot reach the energy proxy${because(p.detail)}.`,
  energy_no_consent: () => "The consent for this meter ended or was withdrawn: link it again.",
  energy_not_holder: () =>
    "The Enedis account that consented does not hold this meter's contract: link it from the holder's account.",
  energy_before_activation: (p) =>
    p.activation === null
      ? "Enedis has no data from before the meter's activation."
      : `Enedis has no data from before the meter's activation on ${p.activation}.`,
  energy_outage: (p) => `Enedis is unavailable; Hearth tries again on ${f.clock(p.retry_at)}.`,
  energy_quota: (p) =>
    `Enedis's quota for this proxy is used up; Hearth tries again on ${f.clock(p.retry_at)}.`,
  energy_offer: (p) => offerProblems[p.reason](p),
  energy_no_subscribed_power: () =>
    "The meter's subscribed power is not known yet, and the regulated prices depend on it: Hearth reads it from the contract at the next update.",
  energy_nothing_to_compare: () =>
    "No load curve from the last 12 months to compare offers with: the comparison needs the half-hourly consumption.",
  proxy_setting: (p) => proxyProblems[p.reason],
  hotkey_taken: (p) =>
    `Another application already uses ${shortcut(p.shortcut)}: choose another combination, or free it in that application.`,
  hotkey_bound: (p) =>
    `${shortcut(p.shortcut)} is already a Hearth shortcut for another action: remove that one first.`,
  hotkey_invalid: (p) =>
    `${shortcut(p.shortcut)} cannot be a shortcut: a key that types needs Ctrl, Alt or Super with it.`,
  hotkeys_unavailable: () => "This desktop session gives applications no keyboard shortcuts.",
  browser: (p) => `Could not open the browser${because(p.detail)}.`,
  launch_at_login: (p) => `Could not change starting at login${because(p.detail)}.`,
  internal: (p) => `Something went wrong inside Hearth${because(p.detail)}.`,
};

export const en = {
  /** The BCP 47 tag of the language, for Intl and `<html lang>`. */
  locale: "en",
  somethingWentWrong: "Something went wrong.",
  callbackProblems,
  problems,
  controls: {
    temperatureOf: (name: string) => `White of ${name}, warm to cold`,
    kelvin: (kelvin: number) => `${f.number(kelvin)} K`,
    warm: "Warm",
    cold: "Cold",
    colourOf: (name: string) => `Colour of ${name}`,
    colourValue: (x: number, y: number) => `x ${f.coordinate(x)}, y ${f.coordinate(y)}`,
    colourHelp: "Arrow keys move the colour, Shift with them moves it further.",
    adjust: (name: string) => `Adjust ${name}`,
    pickColour: (name: string) => `Pick a colour for ${name}`,
    scenesOf: (name: string) => `Scenes of ${name}`,
    otherScenes: "Other scenes",
  },
  app: {
    demo: "Demo",
    simulatedBridge: (address: string) => `Simulated bridge at ${address}`,
    // Named by the links that open them (`hearth://open/<screen>`), those to come included.
    screens: { lights: "Lights", remote: "Remote access", energy: "Energy", settings: "Settings" },
    screensLabel: "Screens",
    dismiss: "Dismiss",
    notices: "Notices",
    noLinkYet: "No link received yet.",
    language: "Language",
    languages: { system: "System", en: "English", fr: "Français" },
  },
  about: {
    open: "About",
    title: (name: string) => `About ${name}`,
    close: "Close",
    version: "Version",
    configDir: "Settings folder",
    dataDir: "Data folder",
    logDir: "Log folder",
    energyHistory: "Energy history",
    unknown: "Unknown",
    demoBridge: "Simulated bridge",
    demoCloud: "Simulated Hue cloud",
    lastLink: "Last link",
  },
  links: {
    opened: "Opened Hearth",
    openedScreen: (screen: string) => `Opened “${screen}”`,
    callback: "Received a sign-in callback",
    notCompleted: (error: string) => `Sign-in was not completed (${error})`,
    energySetup: "Received an energy proxy's settings",
    setupTitle: "Use this energy proxy?",
    setupBody: (url: string, clientId: string) =>
      `A link asks Hearth to read your Linky meter through the proxy at ${url} (client ID “${clientId}”). Use it only if you trust whoever runs it.`,
    setupAccept: "Use this proxy",
    setupIgnore: "Ignore",
  },
  connection: {
    connecting: "Connecting…",
    live: "Connected",
    reconnecting: (attempt: number, problem: string) =>
      `Reconnecting (attempt ${f.number(attempt)}): ${problem}`,
    offline: (problem: string) => `Offline: ${problem}`,
  },
  receivers: {
    "deep-link": "a hearth:// link",
    "loopback-http": "a local page (http://localhost)",
    "loopback-https": "a local page (https://localhost)",
    paste: "pasting the address",
  },
  account: {
    notLinked: "Not linked",
    renewing: "Linked; the access is being renewed",
    linked: "Linked",
    validFor: (days: number, until: Date) =>
      `Linked (current access valid ${f.number(days)} more ${f.plural(days) === "one" ? "day" : "days"}, ` +
      `until ${f.dateTime(until)}, renewed by itself)`,
    renewedByItself: "Linked (renewed by itself)",
    needsRelink: "The link expired or was revoked: link again",
    saveFailed: "Linked, but the renewed access could not be saved yet (the previous one still works)",
  },
  confirm: {
    cancel: "Cancel",
  },
  favourites: {
    star: (name: string) => `Favourite: ${name}`,
    scene: (scene: string, group: string | null) => (group === null ? scene : `${scene} (${group})`),
    title: "Favourites",
    intro: "What you star on the Lights screen comes first in the tray’s menu.",
    none: "No favourites yet: star a room, a zone or a scene on the Lights screen.",
    remove: (name: string) => `Remove ${name} from favourites`,
    removeShort: "Remove",
    kinds: { room: "Room", zone: "Zone", scene: "Scene" },
  },
  hotkeys: {
    title: "Keyboard shortcuts",
    intro: "A shortcut works whichever application has the keyboard, with Hearth’s window hidden too.",
    wayland:
      "This desktop session (Wayland) does not let applications have keyboard shortcuts of their " +
      "own: only the desktop’s keyboard settings can bind keys there.",
    noDisplay: "There is no display to take keys from: keyboard shortcuts are not available.",
    action: "Action",
    allOff: "All off",
    toggle: (name: string) => `Turn ${name} on or off`,
    scene: (name: string) => `Scene ${name}`,
    gone: "something no longer on the bridge",
    record: "Record a shortcut",
    recording: "Press the keys of the shortcut… (Escape cancels)",
    cancelled: "No shortcut recorded.",
    bound: (keys: string, action: string) => `${keys} now does: ${action}`,
    list: "Shortcuts",
    none: "No shortcut yet.",
    inactive: "not active: another application holds it",
    remove: (keys: string) => `Remove ${keys}`,
    removeShort: "Remove",
    keys: keyNames,
  },
  lights: {
    title: "Lights",
    cannotOpen: (problem: string) => `Hearth could not open your lights: ${problem}`,
    starting: "Starting…",
    viaRemote: "through the Hue cloud",
    viaLocal: "on this network",
    forget: "Forget",
    forgetQuestion: (bridge: string) => `Forget ${bridge}? You will have to pair it again.`,
    allOff: "All off",
    addBridge: "Add a bridge",
    rooms: "Rooms",
    zones: "Zones",
  },
  group: {
    noLights: "No lights",
    lightsOn: (lit: number, total: number) => `${f.number(lit)} of ${f.number(total)} on`,
    turnOn: (name: string) => `${name}: turn on`,
    turnOff: (name: string) => `${name}: turn off`,
    brightnessOf: (name: string) => `Brightness of ${name}`,
    brightness: (percent: number) => f.percent(percent),
    lights: "Lights",
    unreachable: "unreachable",
  },
  setup: {
    title: "Connect a Hue bridge",
    sources: {
      mdns: "the local network (mDNS)",
      cloud: "the Hue discovery service",
      manual: "its address",
    },
    noAnswerAt: (addresses: string) => `No Hue bridge answered at ${addresses}.`,
    noneFound: "No bridge found. Type its address (the Hue app shows it under Settings → Bridges).",
    pressButton: "Press the round link button on top of your bridge.",
    timeLeft: "Time left to press the button",
    secondsLeft: (secs: number) => `${f.number(secs)}\u00a0s left`,
    contacting: (address: string) => `Contacting ${address}…`,
    signedBySignify: "its certificate is signed by Signify, the maker of Hue bridges.",
    notSignedBySignify:
      "its certificate is not signed by Signify; Hearth will trust this one and refuse any other:",
    cancel: "Cancel",
    search: "Search the network",
    searching: "Searching…",
    addressPlaceholder: "Bridge address, e.g. 192.168.1.20",
    addressLabel: "Bridge address",
    lookThere: "Look there",
    foundBy: (sources: string) => `found by ${sources}`,
    pair: "Pair",
    searchProblems: "What went wrong while searching",
    noBridgeAtHand: "No bridge at hand? The demo simulates one, on this computer only.",
    startingDemo: "Starting the demo…",
    tryDemo: "Try the demo",
    close: "Close",
  },
  energy: {
    title: "Energy",
    loading: "Loading…",
    noProxyTitle: "Read your Linky meter through a proxy",
    noProxy:
      "Enedis lets only registered applications read a meter, so Hearth goes through a hearth-proxy that holds such a registration. Enter its address and client ID in Settings.",
    runYourOwn:
      "Run your own: hearth-proxy is part of Hearth; start it on a computer or server you control with your Enedis Data Connect registration (its README says how).",
    community:
      "Or use a proxy someone runs for a community, as users of the Domoticz Linky plugin do: its operator gives you its address and client ID.",
    demoOffer: "Or look around first: the demo simulates Enedis and a household, on this computer only.",
    tryDemo: "Try the demo",
    startingDemo: "Starting the demo…",
    demo: "Simulated Enedis (demo)",
    through: (url: string) => `Through ${url}`,
    notLinked: "No meter is linked yet.",
    notLinkedHelp:
      "You approve in your browser, on the Enedis customer site: Hearth never sees your Enedis password. Each meter is linked on its own.",
    link: "Link my Linky meter",
    linkAnother: "Link another meter",
    linkTitle: "Link my Linky meter",
    starting: "Asking the proxy for a code…",
    inBrowser: "Your browser opened the proxy's page: approve there, or scan the code with your phone.",
    code: "Your code",
    codeHelp: (page: string) => `If a page asks for a code, enter this one at ${page}.`,
    qr: "QR code of the link page, for a phone",
    expiresIn: (time: string) => `The code expires in ${time}.`,
    timeLeft: "Time left to approve",
    waiting: "Waiting for your approval…",
    openAgain: "Open the page again",
    cancel: "Cancel",
    approved: (prm: string) => `Linked: meter ${prm}. Hearth is fetching its history.`,
    refused: "The consent was refused: no meter was linked.",
    expired: "The code expired before anyone approved it.",
    failed: (problem: string) => `The link failed: ${problem}`,
    tryAgain: "Try again",
    close: "Close",
    meters: "Meters",
    meter: (prm: string) => `Meter ${prm}`,
    states: {
      linked: "Linked",
      syncing: "Fetching the history",
      needs_relink: "Link needed",
    },
    progress: "History fetched",
    progressValue: (done: string, total: string) => `${done} of ${total} requests`,
    relinkNeeded:
      "The consent ended or was withdrawn: link this meter again to get new data. Its history stays on this computer.",
    relink: "Link again",
    dataUntil: (day: string) => `Data up to ${day}`,
    noData: "No data yet",
    nextSync: (time: string) => `next update ${time}`,
    consentUntil: (day: string) => `consent until ${day}`,
    consentEnding: (day: string) =>
      `Your consent ends on ${day}: link this meter again before then to keep data coming.`,
    loadCurveOff:
      "Enedis sends no load curve for this meter: its collection is probably switched off. Switch on the hourly consumption collection (“collecte de la courbe de charge”) in your Enedis customer account, under your meter's data; the curve follows from the next day.",
    totals: "This month",
    soFar: (month: string) => `${month}, so far`,
    sameDaysLastYear: "Same days last year",
    wholeMonth: (month: string) => `All of ${month}`,
    changeOver: (days: string) => `over the ${days} days known in both years`,
    noComparison: "Nothing to compare with last year yet.",
    missingDays: (count: number) =>
      `${f.number(count)} ${f.plural(count) === "one" ? "day" : "days"} without data`,
    consumption: "Daily consumption",
    production: "Daily production",
    range: "Range",
    ranges: { month: "Month", year: "12 months", custom: "Custom" },
    earlier: "Earlier",
    later: "Later",
    from: "From",
    to: "To",
    show: "Show",
    thisPeriod: "This period",
    lastYear: "Same period last year",
    gap: "No data",
    total: (value: string, missing: string) => `Total ${value}${missing === "" ? "" : ` (${missing})`}`,
    chartOf: (what: string, from: string, to: string) => `${what}, ${from} to ${to}`,
    asTable: "Show the numbers",
    asChart: "Show the chart",
    day: "Day",
    week: "Week",
    previousDay: "Previous day",
    nextDay: "Next day",
    previousWeek: "Previous week",
    nextWeek: "Next week",
    curve: "Load curve",
    curveOf: (day: string) => `Load curve of ${day}`,
    curveHelp: "Left and right arrow keys change the day.",
    halfHours: (count: number) => `${f.number(count)} half hours`,
    missingHalfHours: (count: number) =>
      `${f.number(count)} ${f.plural(count) === "one" ? "half hour" : "half hours"} without data`,
    dayEnergy: (value: string) => `${value} over the day`,
    weekEnergy: (value: string) => `${value} over the week`,
    power: "Maximum power per day",
    subscribed: (value: string) => `Subscribed power ${value}`,
    highest: (value: string, day: string, time: string) => `Highest: ${value} on ${day} at ${time}`,
    daysAbove: (count: number) =>
      `${f.number(count)} ${f.plural(count) === "one" ? "day" : "days"} above the subscribed power`,
    columns: {
      day: "Day",
      energy: "Energy",
      lastYearDay: "Day last year",
      lastYearEnergy: "Energy last year",
      start: "Start",
      end: "End",
      power: "Average power",
      peak: "Maximum power",
      peakTime: "At",
    },
    exportCsv: "Export CSV",
    csv: {
      date: "date",
      kwh: "kWh",
      previousDate: "date last year",
      previousKwh: "kWh last year",
      start: "start",
      end: "end",
      watts: "W",
      va: "VA",
      peakAt: "peak at",
    },
    files: { consumption: "consumption", production: "production", curve: "load-curve", power: "max-power" },
    options: { base: "Base", hp_hc: "Peak/off-peak (HP/HC)", tempo: "Tempo" },
    periods,
    windowsUsed: {
      meter: "Off-peak hours: your meter's, as Enedis gives them.",
      user: "Off-peak hours: the ones you entered.",
      default: `Off-peak hours: ${nationalHours} (your meter's are not known).`,
    },
    costs: {
      title: (month: string) => `Costs, ${month}`,
      help: "Left and right arrow keys change the month.",
      regulated: (option: string) => `Regulated tariff, ${option}`,
      ownOffer: (option: string) => `Your own offer, ${option}`,
      energy: "Energy",
      subscription: "Subscription",
      total: "Total",
      lastYear: (month: string) => `Last year (${month})`,
      lastYearTotal: "Total last year",
      change: (days: number) => `Change over the ${f.number(days)} ${f.plural(days) === "one" ? "day" : "days"} priced in both years`,
      pricedDays: (priced: number, unpriced: number) =>
        unpriced === 0
          ? `${f.number(priced)} ${f.plural(priced) === "one" ? "day" : "days"} priced`
          : `${f.number(priced)} ${f.plural(priced) === "one" ? "day" : "days"} priced, ${f.number(unpriced)} not (missing data or price)`,
      lastYearPriced: (priced: string) => `Last year: ${priced}`,
      estimateNote: "≈ Estimate: a day without load curve is priced from its daily energy at the Base price.",
      marks: {
        none: "Priced",
        estimate: "estimate",
        gap: "No data",
        incomplete: "Half hours missing: not priced",
        unpriced: "No price or Tempo colour known: not priced",
      },
      previousMonth: "Previous month",
      nextMonth: "Next month",
    },
    compare: {
      button: "Compare offers",
      title: "What the last 12 months would have cost",
      period: (from: string, to: string, prices: string) =>
        `From ${from} to ${to}, on your own load curve, at the regulated prices of ${prices}.`,
      allDays: (days: number) => `${f.number(days)} days compared.`,
      scaled: (days: number, range: number) =>
        `Only ${f.number(days)} of ${f.number(range)} days have a complete load curve: the year is scaled up from them.`,
      option: "Option",
      perYear: "Per year",
      difference: "Against the cheapest",
      yearly: (value: string) => `${value}/year`,
      cheapest: "Cheapest",
      more: (value: string) => `+${value}/year`,
      current: "yours",
      unavailable: (options: string, kva: string) => `Not offered at ${kva} kVA: ${options}.`,
      windows: {
        meter: "HP/HC is priced with your meter's off-peak hours.",
        user: "HP/HC is priced with the off-peak hours you entered.",
        default: `HP/HC is priced with ${nationalHours}: your meter's off-peak hours are not known.`,
      },
      powerHint: (days: number, max: string, kva: string, saving: string | null) =>
        `Your highest draw in ${f.number(days)} days was ${max}: ${kva} kVA would do` +
        (saving === null ? "." : `, saving ${saving} a year.`),
    },
    offer: {
      title: "Your offer",
      regulated: (option: string) => `Regulated tariff, ${option}`,
      own: (option: string) => `Your own offer, ${option}`,
      assumed: "(assumed from your contract: choose yours)",
      power: (kva: string) => `Subscribed power ${kva} kVA`,
      todaysPrices: "Today's prices",
      subscription: "Subscription",
      perMonth: (value: string) => `${value}/month`,
      noPrices: "No price known for this offer at this power.",
      shipped: (day: string) => `Regulated prices shipped with Hearth (as of ${day}).`,
      updated: (time: string) => `Regulated prices updated ${time}.`,
      change: "Change the offer",
      choose: "Your offer",
      mine: "My own offer",
      option: "Option",
      pricePer: (period: string) => `${period}, € per kWh`,
      subscriptionPerMonth: "Subscription, € per month",
      save: "Save",
      windows: "Off-peak hours",
      always: "From the start",
      fromDay: (day: string) => `From ${day}`,
      origins: { meter: "from your meter", user: "entered by you", default: `${nationalHours} (default)` },
      edit: "Edit",
      remove: "Remove",
      newVersion: "Enter off-peak hours",
      windowsFrom: "From (leave empty for every day before the next change)",
      windowsFromHelp: "A change from a date keeps the earlier hours for the days before it.",
      start: "Start",
      end: "End",
      removeWindow: (index: number) => `Remove window ${f.number(index)}`,
      addWindow: "Add a window",
      showTempo: "Show Tempo colours in the tray with any offer (a Tempo offer shows them anyway)",
    },
  },
  remote: {
    title: "Remote access",
    intro:
      "Control your lights when you are away from home, through the Hue cloud. You sign in to your " +
      "Hue account in your browser: Hearth never sees your password, and keeps its access in the " +
      "system keychain.",
    starting: "Starting…",
    registerFirst:
      "First, register an app on the Hue developer portal (My Apps) and enter what it gives you. " +
      "Its callback URL decides how your browser hands the answer back:",
    deepLinkCallback: "a link to Hearth",
    loopbackCallback: "a page Hearth serves on this computer only",
    otherCallback: "any other page, whose address you paste",
    or: "or",
    clientId: "Client ID",
    clientSecret: "Client secret",
    callbackOptional: "Callback URL you registered (optional)",
    save: "Save",
    app: "App",
    callback: "Callback",
    notGiven: (receiver: string) => `not given: Hearth uses ${receiver}`,
    cloud: "Cloud",
    account: "Account",
    bridge: "Bridge",
    finishInBrowser: "Finish in your browser: sign in to Hue and allow Hearth.",
    answerComesBack: (receiver: string) => `The answer comes back by ${receiver}.`,
    openAgain: "Open the page again",
    cancel: "Cancel",
    pastedLabel: "The address your browser ended on",
    pastePlaceholder: (redirect: string) => `Paste the address your browser ended on (${redirect}…)`,
    pasteFallback: "If nothing happened, paste the address your browser ended on",
    useAddress: "Use this address",
    finishing: "Finishing the link…",
    linkedTo: (bridge: string) => `Linked to bridge ${bridge}.`,
    unlink: "Unlink",
    link: "Link my Hue account",
    answerBy: "Answer by",
    answerHow: "How the answer comes back",
    automatic: (receiver: string) => `${receiver} (automatic)`,
    forgetRegistration: "Forget the app registration",
    forgetRegistrationQuestion: "Forget this app registration and any link made with it?",
    forget: "Forget",
    away: "Away from home",
    awayHelp:
      "Takes the simulated bridge off the local network: once linked, Hearth goes through the " +
      "(simulated) Hue cloud, and back when the bridge returns.",
  },
  settings: {
    title: "Settings",
    general: "General",
    launchAtLogin: "Start Hearth when I log in",
    launchAtLoginHelp: "It then waits in the tray, its window closed.",
    launchAtLoginUnavailable: "Starting at login cannot be set on this system.",
    language: "Language",
    theme: "Theme",
    themes: { system: "System", light: "Light", dark: "Dark" },
    themeHelp: "System follows your desktop's light or dark mode, as it changes.",
    energy: "Energy proxy",
    energyIntro:
      "The energy screens sign in to Enedis through a proxy, which keeps the application's " +
      "credentials away from this computer. Hearth has no proxy of its own.",
    energyHowTo:
      "To get one, run hearth-proxy yourself (its README says how), or ask someone who runs one " +
      "for a community for its address and a client ID.",
    energyUsing: (url: string) => `Using the proxy at ${url}.`,
    proxyUrl: "Proxy address",
    proxyClientId: "Client ID",
    save: "Save",
    saved: "Saved.",
    forget: "Forget this proxy",
    forgetQuestion: "Forget this proxy? The energy screens will have none until you enter one again.",
    memoryOnly: "Demo: what you enter here lasts only until Hearth quits.",
    remote: "Remote access",
    remoteStarting: "Starting…",
    remoteNotRegistered: "Not set up.",
    remoteOpen: "Open Remote access",
    notifications: "Notifications",
    notify: "Notify me while Hearth's window is closed or in the background",
    notifyHelp:
      "When remote access needs linking again, and when a bridge has been out of reach for more " +
      "than 5 minutes (and when it answers again).",
  },
};
