#!/bin/sh
# Runs a GUI test binary under a private X server and D-Bus session
# (xvfb-run -a dbus-run-session --).  Without xvfb-run the test runs as is
# and skips itself when no display can be opened.
set -eu
if command -v xvfb-run >/dev/null 2>&1 && command -v dbus-run-session >/dev/null 2>&1; then
  exec xvfb-run -a -s "-screen 0 1600x1000x24" dbus-run-session -- "$@"
fi
exec "$@"
