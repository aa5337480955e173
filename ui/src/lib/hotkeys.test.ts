import { describe, expect, it } from "vitest";
import { describeShortcut, record } from "./hotkeys";

const key = (code: string, held: Partial<Record<"ctrlKey" | "altKey" | "shiftKey" | "metaKey", boolean>> = {}) => ({
  code,
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...held,
});

describe("recording a combination", () => {
  it("writes modifiers then the key's code, as Rust reads them", () => {
    expect(record(key("KeyL", { ctrlKey: true, altKey: true }))).toEqual({
      kind: "combination",
      shortcut: "Control+Alt+KeyL",
    });
    expect(record(key("Digit1", { metaKey: true, shiftKey: true }))).toEqual({
      kind: "combination",
      shortcut: "Shift+Super+Digit1",
    });
    // Rust decides what it binds: a bare key is recorded, and refused there.
    expect(record(key("KeyL"))).toEqual({ kind: "combination", shortcut: "KeyL" });
  });

  it("waits through modifiers, cancels on Escape and lets Tab move on", () => {
    expect(record(key("ControlLeft", { ctrlKey: true }))).toEqual({ kind: "wait" });
    expect(record(key("AltRight", { altKey: true, ctrlKey: true }))).toEqual({ kind: "wait" });
    expect(record(key("MetaLeft", { metaKey: true }))).toEqual({ kind: "wait" });
    expect(record(key("Escape"))).toEqual({ kind: "cancel" });
    expect(record(key("Tab"))).toEqual({ kind: "leave" });
    // With a modifier they are combinations like any other.
    expect(record(key("Escape", { ctrlKey: true }))).toEqual({ kind: "combination", shortcut: "Control+Escape" });
  });
});

describe("describeShortcut", () => {
  const names = { control: "Ctrl", alt: "Alt", shift: "Maj", super: "Super" };
  it("shows Rust's spelling and the recorded one alike", () => {
    expect(describeShortcut("control+alt+KeyL", names)).toBe("Ctrl+Alt+L");
    expect(describeShortcut("Control+Alt+KeyL", names)).toBe("Ctrl+Alt+L");
    expect(describeShortcut("shift+super+Digit0", names)).toBe("Maj+Super+0");
    expect(describeShortcut("F7", names)).toBe("F7");
    expect(describeShortcut("alt+control+ArrowUp", names)).toBe("Ctrl+Alt+↑");
  });
});
