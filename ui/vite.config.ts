import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [svelte()],
  // Tauri serves the built files from its own origin; relative paths keep them working there and
  // under the static server of the browser tests.
  base: "./",
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    // Tauri's CSP forbids inline scripts and styles: keep every asset a file.
    assetsInlineLimit: 0,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    // Dates are shown in local time: the tests' expectations are UTC's.
    env: { TZ: "UTC" },
  },
});
