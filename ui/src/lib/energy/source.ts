// Where the energy screen's data comes from: the energy model's commands and its `energy` event,
// as generated in bindings.ts from Rust. The screen takes an `EnergySource` so that its tests
// can hand it another; the app's is `tauriSource`.

import { commands, events } from "../bindings";
import type {
  ComparisonView,
  CostSeries,
  DailySeries,
  EnergyView,
  LoadCurve,
  MaxPowerSeries,
  OfferChoice,
  OfferView,
  TimeRange,
  Totals,
} from "../bindings";

export interface EnergySource {
  view(): Promise<EnergyView>;
  /** Calls `onView` with every view Rust pushes (a link's step, a sync's progress); resolves to
   * what stops listening. */
  subscribe(onView: (view: EnergyView) => void): Promise<() => void>;
  /** Daily consumption over `[from, to)`, with the year before beside it. */
  daily(prm: string, from: string, to: string): Promise<DailySeries>;
  /** Daily production over `[from, to)` (a meter that produces). */
  production(prm: string, from: string, to: string): Promise<DailySeries>;
  loadCurve(prm: string, from: string, to: string): Promise<LoadCurve>;
  maxPower(prm: string, from: string, to: string): Promise<MaxPowerSeries>;
  /** This month so far against last year's. */
  totals(prm: string): Promise<Totals>;
  /** Each day's cost over `[from, to)` with the meter's offer, the same days a year before beside. */
  costs(prm: string, from: string, to: string): Promise<CostSeries>;
  /** The last twelve months on each regulated option at today's prices, cheapest first. */
  compare(prm: string): Promise<ComparisonView>;
  /** The meter's offer, today's prices and its off-peak hours. */
  offer(prm: string): Promise<OfferView>;
  /** Sets the meter's offer (Rust refuses a price it cannot read, with the field's problem). */
  setOffer(prm: string, choice: OfferChoice): Promise<OfferView>;
  /** The user's off-peak hours from `from` on (`null`: from the first version). */
  setWindows(prm: string, from: string | null, windows: TimeRange[]): Promise<OfferView>;
  /** Removes the version of the off-peak hours that starts on `from`. */
  removeWindows(prm: string, from: string): Promise<OfferView>;
  /** Whether the tray shows the Tempo colours even where no offer is Tempo. */
  setShowTempo(show: boolean): Promise<void>;
  /** Starts linking a meter: the system browser opens on the proxy's page. */
  startLink(): Promise<EnergyView>;
  /** Opens the link page in the system browser again. */
  openLinkPage(): Promise<void>;
  /** Stops waiting for the link (or forgets how the last one ended). */
  cancelLink(): Promise<EnergyView>;
  /**
   * Saves `text` where the user chooses (Rust shows the save dialog, `suggested` its file
   * name). Resolves to whether it was saved (`false`: the user cancelled).
   */
  saveCsv(suggested: string, text: string): Promise<boolean>;
}

export const tauriSource: EnergySource = {
  view: () => commands.energyView(),
  subscribe: (onView) => events.energy.listen(({ payload }) => onView(payload)),
  daily: (prm, from, to) => commands.energyDaily(prm, from, to),
  production: (prm, from, to) => commands.energyProduction(prm, from, to),
  loadCurve: (prm, from, to) => commands.energyLoadCurve(prm, from, to),
  maxPower: (prm, from, to) => commands.energyMaxPower(prm, from, to),
  totals: (prm) => commands.energyTotals(prm),
  costs: (prm, from, to) => commands.energyCosts(prm, from, to),
  compare: (prm) => commands.energyCompare(prm),
  offer: (prm) => commands.energyOffer(prm),
  setOffer: (prm, choice) => commands.energySetOffer(prm, choice),
  setWindows: (prm, from, windows) => commands.energySetWindows(prm, from, windows),
  removeWindows: (prm, from) => commands.energyRemoveWindows(prm, from),
  setShowTempo: async (show) => void (await commands.energySetShowTempo(show)),
  startLink: () => commands.energyStartLink(),
  openLinkPage: async () => void (await commands.energyOpenLinkPage()),
  cancelLink: () => commands.energyCancelLink(),
  saveCsv: (suggested, text) => commands.energySaveCsv(suggested, text),
};
