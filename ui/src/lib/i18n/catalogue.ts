// What a language's catalogue holds. A second language is one more file that fills in this type:
// the type checker refuses it while a kind of problem has no text.

import type { Problem } from "../bindings";

/** The kinds of problem Rust reports (the generated union's tags). */
export type ProblemKind = Problem["kind"];

/** A sentence for each kind of problem, from the parameters Rust sends with it. */
export type ProblemTexts = {
  [K in ProblemKind]: (problem: Extract<Problem, { kind: K }>) => string;
};

/** The words of a light's, room's or zone's controls. */
export interface ControlTexts {
  brightnessOf: (name: string) => string;
  temperatureOf: (name: string) => string;
  /** The temperature slider's current value, in kelvin. */
  kelvin: (kelvin: number) => string;
  warm: string;
  cold: string;
  colourOf: (name: string) => string;
  /** The colour picker's current value, a CIE xy point. */
  colourValue: (x: string, y: string) => string;
  /** How to move the picker's marker from the keyboard. */
  colourHelp: string;
  /** The button that shows or hides a light's own controls. */
  adjust: (name: string) => string;
  /** The button that shows or hides a room's colour picker. */
  pickColour: (name: string) => string;
  scenesOf: (name: string) => string;
  otherScenes: string;
}

export interface Catalogue {
  problems: ProblemTexts;
  controls: ControlTexts;
  /** For a failure that is not one of Rust's problems (a Tauri failure, a bug). */
  somethingWentWrong: string;
}
