#!/bin/sh
# VoiceReel installer and upgrader. Run as root from the unpacked release directory:
#
#   sudo ./install.sh [--no-start]
#
# First install: creates the "voicereel" system user, installs the executable and its files into
# /opt/voicereel, the unit into /etc/systemd/system, writes /etc/voicereel/voicereel.toml (data in
# /var/lib/voicereel), creates the first admin API key and prints it once, then enables and starts
# the service.
# Upgrade (an /opt/voicereel already there): stops the service, backs the database up with
# `voicereel db backup`, swaps the files (the previous release stays in /opt/voicereel.previous for
# a rollback), keeps the config, and starts the service again; the new version migrates the schema
# at start (after its own backup) or refuses to start leaving the old database usable.
# Nothing is downloaded. Paths can be moved for tests with VR_PREFIX, VR_CONFIG_DIR, VR_STATE_DIR,
# VR_CACHE_DIR, VR_UNIT_DIR, VR_SYSUSERS_DIR, VR_BIN_LINK.
set -eu
# Whatever this script (and the commands it runs as the service user) creates: no world access.
umask 027

PREFIX=${VR_PREFIX:-/opt/voicereel}
CONFIG_DIR=${VR_CONFIG_DIR:-/etc/voicereel}
STATE_DIR=${VR_STATE_DIR:-/var/lib/voicereel}
CACHE_DIR=${VR_CACHE_DIR:-/var/cache/voicereel}
UNIT_DIR=${VR_UNIT_DIR:-/etc/systemd/system}
SYSUSERS_DIR=${VR_SYSUSERS_DIR:-/usr/lib/sysusers.d}
BIN_LINK=${VR_BIN_LINK:-/usr/local/bin/voicereel}
CONFIG="$CONFIG_DIR/voicereel.toml"
USER_NAME=voicereel
START=yes

for arg in "$@"; do
  case "$arg" in
    --no-start) START=no ;;
    -h | --help)
      sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "install.sh: unknown option $arg (try --help)" >&2
      exit 2
      ;;
  esac
done

say() { printf '%s\n' "voicereel install: $*"; }
die() {
  printf '%s\n' "voicereel install: $*" >&2
  exit 1
}

SRC=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || die "run as root (sudo ./install.sh)"
for f in voicereel assets/espeak-ng.data native/better_sqlite3.node systemd/voicereel.service \
  systemd/voicereel.sysusers.conf voicereel.example.toml; do
  [ -e "$SRC/$f" ] || die "$SRC/$f is missing: run install.sh from the unpacked release"
done
NEW_VERSION=$("$SRC/voicereel" --version) || die "$SRC/voicereel does not run on this machine"

systemd_running() { [ -d /run/systemd/system ] && command -v systemctl > /dev/null; }
command -v runuser > /dev/null || die "runuser (util-linux) is needed to run commands as $USER_NAME"
# Runs the installed executable as the service user (files it creates stay the service's), sharing
# the service's runtime cache.
as_service() {
  runuser -u "$USER_NAME" -- env VR_RUNTIME_DIR="$CACHE_DIR/runtime" "$PREFIX/voicereel" "$@"
}

# ---- 1. the service account -------------------------------------------------------------------
install -D -m 0644 "$SRC/systemd/voicereel.sysusers.conf" "$SYSUSERS_DIR/voicereel.conf"
if ! id "$USER_NAME" > /dev/null 2>&1; then
  if command -v systemd-sysusers > /dev/null; then
    systemd-sysusers "$SYSUSERS_DIR/voicereel.conf"
  else
    useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home \
      --shell /usr/sbin/nologin --comment "VoiceReel text-to-speech server" "$USER_NAME"
  fi
  say "created system user $USER_NAME"
fi

# ---- 2. stop a running service and back its database up (upgrade) -----------------------------
UPGRADE=no
WAS_ACTIVE=no
if [ -x "$PREFIX/voicereel" ]; then
  UPGRADE=yes
  OLD_VERSION=$("$PREFIX/voicereel" --version 2> /dev/null || echo unknown)
  say "upgrading $OLD_VERSION -> $NEW_VERSION"
  if systemd_running && systemctl is-active --quiet voicereel; then
    WAS_ACTIVE=yes
    say "stopping voicereel (running jobs finish or return to the queue)"
    systemctl stop voicereel
  fi
fi

install -d -m 0700 -o "$USER_NAME" -g "$USER_NAME" "$STATE_DIR"
install -d -m 0750 -o "$USER_NAME" -g "$USER_NAME" "$CACHE_DIR"
if [ "$UPGRADE" = yes ] && [ -f "$STATE_DIR/voicereel.db" ]; then
  # The old executable is still in place: the copy is of the schema it wrote, not yet migrated.
  BACKUP=$(as_service db backup --config "$CONFIG" --data-dir "$STATE_DIR") ||
    die "database backup failed: nothing was changed"
  say "database backed up to $BACKUP"
fi

# ---- 3. the files: staged beside the old ones, then swapped --------------------------------------
STAGE="$PREFIX.new"
rm -rf "$STAGE"
install -d -m 0755 "$STAGE"
cp -R "$SRC/voicereel" "$SRC/assets" "$SRC/native" "$SRC/systemd" "$STAGE/"
for f in voicereel.example.toml README.md LICENSE THIRD_PARTY_NOTICES licenses; do
  [ -e "$SRC/$f" ] && cp -R "$SRC/$f" "$STAGE/"
done
chown -R root:root "$STAGE"
chmod -R u=rwX,go=rX "$STAGE"
chmod 0755 "$STAGE/voicereel"
if [ -e "$PREFIX" ]; then
  rm -rf "$PREFIX.previous"
  mv "$PREFIX" "$PREFIX.previous"
fi
mv "$STAGE" "$PREFIX"
install -d "$(dirname "$BIN_LINK")"
ln -sfn "$PREFIX/voicereel" "$BIN_LINK"
install -D -m 0644 "$SRC/systemd/voicereel.service" "$UNIT_DIR/voicereel.service"
say "installed $NEW_VERSION into $PREFIX"

# ---- 4. configuration (never overwritten) -------------------------------------------------------
install -d -m 0755 "$CONFIG_DIR"
if [ ! -e "$CONFIG" ]; then
  TMP_CONFIG="$CONFIG.tmp.$$"
  sed "s|^data_dir = .*|data_dir = \"$STATE_DIR\"|" "$SRC/voicereel.example.toml" > "$TMP_CONFIG"
  chown root:"$USER_NAME" "$TMP_CONFIG"
  chmod 0640 "$TMP_CONFIG"
  mv "$TMP_CONFIG" "$CONFIG"
  say "wrote $CONFIG (every key at its default; edit it, then: systemctl restart voicereel)"
else
  say "kept $CONFIG; the new version's documented defaults are in $PREFIX/voicereel.example.toml"
fi

# ---- 5. the first admin key (fresh install only) --------------------------------------------------
if [ ! -f "$STATE_DIR/voicereel.db" ]; then
  CREATED=$(as_service keys create --name admin --admin --config "$CONFIG" --data-dir "$STATE_DIR") ||
    die "could not create the first admin key"
  KEY=$(printf '%s' "$CREATED" | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
  [ -n "$KEY" ] || die "could not read the created admin key"
  printf '\n  VoiceReel admin API key (shown once, store it now): %s\n\n' "$KEY"
fi

# ---- 6. check, then run ------------------------------------------------------------------------
if ! as_service doctor --config "$CONFIG" --data-dir "$STATE_DIR"; then
  die "voicereel doctor found problems (above); fix them, then: systemctl start voicereel"
fi
# A fresh install starts the service, an upgrade only if it was running; --no-start wins.
[ "$UPGRADE" = yes ] && [ "$WAS_ACTIVE" = no ] && START=no
if systemd_running; then
  systemctl daemon-reload
  if [ "$START" = yes ]; then
    systemctl enable voicereel
    systemctl restart voicereel
    say "voicereel is running: systemctl status voicereel; logs: journalctl -u voicereel -o cat"
  else
    systemctl enable voicereel
    say "enabled; start it with: systemctl start voicereel"
  fi
else
  say "systemd is not running here: start the server with $BIN_LINK serve --config $CONFIG"
fi
[ "$UPGRADE" = yes ] && say "previous release kept in $PREFIX.previous (README: Upgrade, rollback)"
exit 0
