#!/usr/bin/env bash
# Installs the Debian packages that the lab tests start on loopback (Mailman, MariaDB + MediaWiki,
# Postfix, Dovecot, slapd, Prosody, ejabberd ...). Each target lists its packages in
# test/lab/packages/<target>.list; this installs the union of what is missing. Needs root.
# Nothing is started: Debian's policy-rc.d keeps daemons down here, and each test starts its own.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t wanted < <(cat test/lab/packages/*.list 2>/dev/null | sed 's/#.*//' | tr -s ' \t' '\n' | grep -v '^$' | sort -u)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "lab packages: all ${#wanted[@]} installed"
  exit 0
fi
echo "lab packages: installing ${missing[*]}"
# Postfix asks what kind of mail server this is; the tests bring their own main.cf.
echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq -o DPkg::Lock::Timeout=900 "${missing[@]}"
