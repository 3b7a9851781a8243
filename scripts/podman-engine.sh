#!/usr/bin/env bash
# Podman's Docker-compatible API for the podman tests: Debian's podman, `podman system service` on
# unix:///run/devstack-podman.sock, and the stand-in images the tests use copied in (docker save | podman load).
# On this kind of machine runc refuses podman's default rlimits (nofile 1048576 above the hard limit), so the
# service runs with containers.conf limits the machine allows. Idempotent; quick when everything is there.
set -euo pipefail

SOCK=/run/devstack-podman.sock
DIR=/var/lib/devstack-podman
PIDFILE=/var/run/devstack-podman.pid
IMAGES=(postgres:16-alpine redis:7-alpine)

say() { echo "podman-engine: $*"; }
if [ "$(id -u)" != 0 ]; then echo "podman-engine: needs root" >&2; exit 1; fi
command -v podman >/dev/null 2>&1 || {
  say "installing Debian's podman"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq podman >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq podman >/dev/null; }
}
mkdir -p "$DIR"
hard=$(ulimit -Hn)
printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=4096:4096"]\n' "$hard" "$hard" >"$DIR/containers.conf"

answers() { curl -sf --unix-socket "$SOCK" http://podman/_ping >/dev/null 2>&1; }
if ! answers; then
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then kill "$(cat "$PIDFILE")"; sleep 0.5; fi
  say "starting podman system service on unix://$SOCK"
  CONTAINERS_CONF="$DIR/containers.conf" setsid podman system service --time=0 "unix://$SOCK" >/var/log/devstack-podman.log 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 40); do answers && break; sleep 0.25; done
  answers || { echo "podman-engine: the service does not answer; see /var/log/devstack-podman.log" >&2; exit 1; }
fi

missing=()
for image in "${IMAGES[@]}"; do
  want=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null) || { echo "podman-engine: $image is not on the host engine; run npm run images first" >&2; exit 1; }
  have=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  [ "sha256:$have" = "$want" ] || [ "$have" = "$want" ] || missing+=("$image")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "loading ${missing[*]}"
  docker save "${missing[@]}" | podman load -q >/dev/null
fi
say "podman answers on unix://$SOCK"
