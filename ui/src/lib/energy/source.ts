// Where the energy screen's data comes from: the commands of the energy model (hearth-core's,
// registered by src-tauri with it). They are not in bindings.ts yet, so their names are written
// here, once, in the shape the screen needs; when the model lands, each line becomes the
// generated `commands.…` call and this file shrinks to the `EnergySource` type. Until then a
// call is refused by Tauri ("command not found"), which the screen shows as an error: nothing
// here pretends to answer.

import { invoke } from "@tauri-apps/api/core";
import type { DailySeries, EnergyView, LoadCurve, MaxPowerSeries, Totals } from "../bindings";

export interface EnergySource {
  view(): Promise<EnergyView>;
  /** Daily consumption over `[from, to)`, with the year before beside it. */
  daily(prm: string, from: string, to: string): Promise<DailySeries>;
  /** Daily production over `[from, to)` (a meter that produces). */
  production(prm: string, from: string, to: string): Promise<DailySeries>;
  loadCurve(prm: string, from: string, to: string): Promise<LoadCurve>;
  maxPower(prm: string, from: string, to: string): Promise<MaxPowerSeries>;
  /** This month so far against last year's. */
  totals(prm: string): Promise<Totals>;
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
  view: () => invoke("energy_view"),
  daily: (prm, from, to) => invoke("energy_daily", { prm, from, to }),
  production: (prm, from, to) => invoke("energy_production", { prm, from, to }),
  loadCurve: (prm, from, to) => invoke("energy_load_curve", { prm, from, to }),
  maxPower: (prm, from, to) => invoke("energy_max_power", { prm, from, to }),
  totals: (prm) => invoke("energy_totals", { prm }),
  startLink: () => invoke("energy_start_link"),
  openLinkPage: () => invoke("energy_open_link_page"),
  cancelLink: () => invoke("energy_cancel_link"),
  saveCsv: (suggested, text) => invoke("energy_save_csv", { suggested, text }),
};
