// The Settings screen's state (hotkeys and favourites aside): what `settings_view` answered, kept
// here so that its sections share one answer, and the theme applied to the page.

import { commands, type SettingsView, type Theme } from "./bindings";

export const settings = $state({
  view: null as SettingsView | null,
  /** Why the view could not be read, if so. */
  error: null as unknown,
});

/** Reads the settings again (launching at login may have changed outside Hearth). */
export async function loadSettings(): Promise<void> {
  try {
    settings.view = await commands.settingsView();
    settings.error = null;
    applyTheme(settings.view.theme);
  } catch (error) {
    settings.error = error;
  }
}

/** Sets the page's colours: the style sheet reads `data-theme` on the root element. (Rust sets
 * it before the first paint with an initialization script; this follows a change, and covers a
 * page loaded without it.) */
export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
}
