#!/usr/bin/env bash
# Regenerates every PNG Hearth ships from the three SVG sources in this folder:
#   app.svg       the app icon (window, launcher, package)
#   tray-on.svg   the tray icon while some light is on
#   tray-off.svg  the tray icon while every light is off
# and the UI's favicon (ui/public/favicon.png).
# Uses the Tauri CLI from ui/node_modules (run `make deps` first). Tauri needs RGBA PNGs: the
# script checks that every file it writes is one.
set -euo pipefail
cd "$(dirname "$0")"
tauri=../ui/node_modules/.bin/tauri
[ -x "$tauri" ] || { echo "icons: $tauri is missing; run 'make deps' first" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$tauri" icon app.svg -o "$work/app" >/dev/null 2>&1
for file in 32x32.png 128x128.png 128x128@2x.png icon.png icon.ico icon.icns; do
  cp "$work/app/$file" "$file"
done
mkdir -p ../ui/public
cp 32x32.png ../ui/public/favicon.png
for variant in on off; do
  "$tauri" icon "tray-$variant.svg" -o "$work/tray-$variant" --png 64 >/dev/null 2>&1
  cp "$work/tray-$variant/64x64.png" "tray-$variant.png"
done

# PNG colour type 6 (byte 25 of the file) is RGBA.
for png in *.png; do
  [ "$(od -An -tu1 -j25 -N1 "$png" | tr -d ' ')" = 6 ] || { echo "icons: $png is not RGBA" >&2; exit 1; }
done
echo "icons: regenerated $(ls ./*.png ./*.ico ./*.icns | wc -l) files"
