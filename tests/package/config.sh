#!/usr/bin/env bash
# What `make test` checks of the packages without building them (the release
# build of the app is `make package`; `make package-test` installs and starts
# it): Tauri bundles a .deb and an .rpm, each carrying the CLI as
# /usr/bin/fieldcrm from the release build, with the desktop entry named in
# Chinese and English and the icons; the version is the workspace's (the
# app's config names none of its own).
set -euo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "package config: $*" >&2; exit 1; }
node - <<'JS' || exit 1
const fs = require('node:fs');
const conf = JSON.parse(fs.readFileSync('src-tauri/tauri.conf.json', 'utf8'));
const fail = (m) => { console.error(`package config: ${m}`); process.exit(1); };
const b = conf.bundle ?? {};
if (!b.active) fail('bundling is off');
if (JSON.stringify([...(b.targets ?? [])].sort()) !== JSON.stringify(['deb', 'rpm'])) fail(`targets are ${JSON.stringify(b.targets)}, not deb and rpm`);
if ('version' in conf) fail('tauri.conf.json names a version of its own; the workspace\'s governs');
for (const kind of ['deb', 'rpm']) {
  const k = b.linux?.[kind] ?? {};
  if (k.files?.['/usr/bin/fieldcrm'] !== '../target/release/fieldcrm') fail(`the ${kind} does not carry the release CLI as /usr/bin/fieldcrm`);
  if (k.desktopTemplate !== '../assets/fieldcrm.desktop') fail(`the ${kind} does not use assets/fieldcrm.desktop`);
}
for (const icon of b.icon ?? []) if (!fs.existsSync(`src-tauri/${icon}`)) fail(`icon ${icon} is missing`);
JS
desktop=assets/fieldcrm.desktop
grep -qx 'Name=fieldcrm' "$desktop" || fail "the desktop entry's English name is not fieldcrm"
grep -qx 'Name\[zh_CN\]=客户档案' "$desktop" || fail "the desktop entry has no Chinese name"
grep -q '^Exec={{exec}}$' "$desktop" || fail "the desktop entry does not start the installed app"
grep -q '"@tauri-apps/cli"' ui/package.json || fail "ui/package.json lacks the Tauri CLI that bundles"
echo "package config: .deb and .rpm with the CLI, the desktop entry and the icons, at the workspace's version"
