#!/usr/bin/env bash
# Installs, from Debian/Ubuntu packages, what the test suite runs for real: a compiler for the
# embedded SQLite driver, OpenLDAP (slapd, ldap-utils), a Samba AD domain controller, headless
# Chromium and openssl. Only what is missing is installed; as a non-root user it uses sudo.
# The tests start their own throwaway servers on loopback; nothing is configured system-wide
# (Debian's packages do not start slapd or samba on install inside containers, and the tests
# never use the system instances).
set -euo pipefail

packages=()
missing() { ! command -v "$1" >/dev/null 2>&1; }
{ missing g++ || missing make || missing python3; } && packages+=(build-essential python3)
{ [ ! -x /usr/sbin/slapd ] || missing ldapsearch; } && packages+=(slapd ldap-utils)
{ missing samba || missing samba-tool; } && packages+=(samba)
missing chromium && packages+=(chromium)
missing openssl && packages+=(openssl)

if [ ${#packages[@]} -eq 0 ]; then
  echo "test prerequisites: all present"
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "test prerequisites missing: ${packages[*]} (install them with your system's package manager)" >&2
  exit 1
fi
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
started=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
# The tests start their own slapd and Samba on loopback: keep the packages from starting the system's
# daemons (a system slapd or samba would hold port 389). policy-rc.d is Debian's switch for that.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${sudo[@]}" chmod +x /usr/sbin/policy-rc.d
  trap '"${sudo[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
fi
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${packages[@]}" >/dev/null
echo "test prerequisites: installed ${packages[*]} in $(( $(date +%s) - started )) s"
