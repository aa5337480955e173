// Key combinations for global shortcuts: recorded from a keydown in the window, written the way
// Rust reads them (`Control+Alt+KeyL`: modifiers, then the key's `KeyboardEvent.code`, which does
// not depend on the keyboard's layout), and shown to the user (`Ctrl+Alt+L`).

/** What a key combination's parts are called, in the language in use. */
export interface KeyNames {
  control: string;
  alt: string;
  shift: string;
  super: string;
}

/** What a keydown means while a combination is being recorded. */
export type Recorded =
  | { kind: "combination"; shortcut: string }
  /** Escape alone: stop recording, bind nothing. */
  | { kind: "cancel" }
  /** Tab alone: stop recording and let the focus move on (the keyboard must not be trapped). */
  | { kind: "leave" }
  /** A modifier on its own: wait for the key that goes with it. */
  | { kind: "wait" };

const modifierCodes = /^(Control|Alt|Shift|Meta|OS|Super|Hyper)(Left|Right)?$/;

export function record(event: Pick<KeyboardEvent, "code" | "ctrlKey" | "altKey" | "shiftKey" | "metaKey">): Recorded {
  const bare = !event.ctrlKey && !event.altKey && !event.shiftKey && !event.metaKey;
  if (bare && event.code === "Escape") return { kind: "cancel" };
  if (bare && event.code === "Tab") return { kind: "leave" };
  if (event.code === "" || modifierCodes.test(event.code)) return { kind: "wait" };
  const parts = [
    event.ctrlKey ? "Control" : null,
    event.altKey ? "Alt" : null,
    event.shiftKey ? "Shift" : null,
    event.metaKey ? "Super" : null,
    event.code,
  ].filter((part): part is string => part !== null);
  return { kind: "combination", shortcut: parts.join("+") };
}

/** A combination as Rust spells it (`control+alt+KeyL`) or as recorded, in the user's words. */
export function describeShortcut(shortcut: string, names: KeyNames): string {
  const order = ["control", "alt", "shift", "super"] as const;
  const tokens = shortcut.split("+").map((token) => token.trim());
  const key = tokens.at(-1) ?? "";
  const held = new Set(tokens.slice(0, -1).map((token) => token.toLowerCase()));
  if (held.has("ctrl")) held.add("control");
  const shown = order.filter((modifier) => held.has(modifier)).map((modifier) => names[modifier]);
  return [...shown, keyLabel(key)].join("+");
}

function keyLabel(code: string): string {
  const match = /^(?:Key|Digit)(.)$/i.exec(code) ?? /^Numpad(\d)$/.exec(code);
  if (match) return match[1]?.toUpperCase() ?? code;
  const arrows: Record<string, string> = { ArrowUp: "↑", ArrowDown: "↓", ArrowLeft: "←", ArrowRight: "→" };
  return arrows[code] ?? code;
}
