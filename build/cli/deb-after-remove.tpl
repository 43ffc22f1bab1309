#!/bin/bash
# Undoes build/cli/deb-after-install.tpl: the command line's link, and the AppArmor profile where it was installed.
# (An upgrade runs this too; the new version's after-install puts both back.)
rm -f '/usr/bin/${executable}'
if [ -f '/etc/apparmor.d/${executable}' ]; then
  if command -v apparmor_parser >/dev/null 2>&1; then apparmor_parser --remove '/etc/apparmor.d/${executable}' >/dev/null 2>&1 || true; fi
  rm -f '/etc/apparmor.d/${executable}'
fi
exit 0
