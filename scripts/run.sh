#!/usr/bin/env bash
# Starts the built app. Without a display it runs under Xvfb (so `make run` works on a headless
# machine and can be watched with a VNC viewer or a screenshot); without a session bus it starts
# one, which the tray and the single-instance lock need.
set -euo pipefail
app=$1
shift
cmd=("$app" "$@")
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  cmd=(dbus-run-session -- "${cmd[@]}")
fi
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "run: no display; starting Hearth under Xvfb (xvfb-run)." >&2
  cmd=(xvfb-run -a -s "-screen 0 1280x800x24" "${cmd[@]}")
fi
exec "${cmd[@]}"
