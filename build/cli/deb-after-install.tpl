#!/bin/bash
# Sockscope's deb after-install script; electron-builder fills in the ${…} names. It replaces electron-builder's
# default for one reason: /usr/bin/${executable} must be the `sockscope` command line (resources/cli, see
# build/cli/sockscope), not the app, so `sockscope run …` in a terminal runs scenarios instead of opening a window.
# Menus start the app by its full path. tests/shell/desktop-deb.test.ts runs this script in a scratch root.
app='/opt/${sanitizedProductName}'

ln -sf "$app/resources/cli/${executable}" '/usr/bin/${executable}'

# Chromium's sandbox needs unprivileged user namespaces, or else a setuid helper: setuid only where namespaces fail.
if [ -L /proc/self/ns/user ] && unshare --user true 2>/dev/null; then
  chmod 0755 "$app/chrome-sandbox" || true
else
  chmod 4755 "$app/chrome-sandbox" || true
fi

# The menu entry and file types show at once, not after the next login.
if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database /usr/share/applications || true; fi
if command -v update-mime-database >/dev/null 2>&1; then update-mime-database /usr/share/mime || true; fi

# Ubuntu 24.04 and later allow user namespaces only to programs with an AppArmor profile saying so: install the one
# packaged with the app, where this AppArmor can load it (an older AppArmor refuses its syntax; the app then runs
# without it, as before 24.04).
profile="$app/resources/apparmor-profile"
if [ -f "$profile" ] && command -v apparmor_parser >/dev/null 2>&1 && apparmor_parser --skip-kernel-load "$profile" >/dev/null 2>&1; then
  cp -f "$profile" '/etc/apparmor.d/${executable}'
  apparmor_parser --replace '/etc/apparmor.d/${executable}' >/dev/null 2>&1 || true
fi
exit 0
