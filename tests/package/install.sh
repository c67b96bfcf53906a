#!/usr/bin/env bash
# The packages `make package` built, as a user gets them: the .deb unpacked
# into a temporary root (dpkg -x; the machine's package database is not
# touched), what it holds checked (both programs, the desktop entry with its
# Chinese and English names, the workspace's version, its dependencies), the
# .rpm checked to be one, then the installed app started under Xvfb on a new
# book (tests/e2e/installed.e2e.mjs).
set -euo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "package test: $*" >&2; exit 1; }
deb=$(ls -t target/release/bundle/deb/*.deb 2>/dev/null | head -1)
rpm=$(ls -t target/release/bundle/rpm/*.rpm 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no .deb under target/release/bundle/deb: run make package"
[ -n "$rpm" ] || fail "no .rpm under target/release/bundle/rpm: run make package"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg -x "$deb" "$root"
for program in fieldcrm-desktop fieldcrm; do
  [ -x "$root/usr/bin/$program" ] || fail "the .deb has no /usr/bin/$program"
done
desktop=$(ls "$root"/usr/share/applications/*.desktop 2>/dev/null | head -1)
[ -n "$desktop" ] || fail "the .deb has no desktop entry"
grep -qx 'Name=fieldcrm' "$desktop" || fail "the desktop entry's English name is not fieldcrm"
grep -qx 'Name\[zh_CN\]=客户档案' "$desktop" || fail "the desktop entry has no Chinese name"
ls "$root"/usr/share/icons/hicolor/*/apps/fieldcrm-desktop.png >/dev/null 2>&1 || fail "the .deb has no icons"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "the .deb's version is not the workspace's $version"
"$root/usr/bin/fieldcrm" --version | grep -q "$version" || fail "the installed CLI is not version $version"
dpkg-deb -f "$deb" Depends | grep -q 'libwebkit2gtk-4.1' || fail "the .deb does not depend on WebKitGTK 4.1"
dpkg-deb -f "$deb" Depends | grep -q 'fonts-noto-cjk' || fail "the .deb does not bring a Chinese font"
[ "$(head -c 4 "$rpm" | od -An -tx1 | tr -d ' \n')" = "edabeedb" ] || fail "$rpm is not an rpm package"
echo "package test: $(basename "$deb") ($(du -h "$deb" | cut -f1)) and $(basename "$rpm") ($(du -h "$rpm" | cut -f1)) hold what they should"
export E2E_APP="$root/usr/bin/fieldcrm-desktop" E2E_CLI="$root/usr/bin/fieldcrm" PATH="$HOME/.cargo/bin:$PATH"
cd tests/e2e
if [ -n "${DISPLAY:-}" ] && [ -z "${E2E_XVFB:-}" ]; then
  node installed.e2e.mjs
else
  xvfb-run -a -s "-screen 0 1600x1000x24" node installed.e2e.mjs
fi
