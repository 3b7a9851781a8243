#!/usr/bin/env bash
# Makes sure a Docker Engine answers. On a machine with one already, does nothing.
# On Debian as root with no engine: installs Debian's docker.io and starts dockerd by hand.
set -euo pipefail

engine_answers() { docker info >/dev/null 2>&1 || curl -sf --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null 2>&1; }

wait_for_engine() {
  local limit_s=${1:-60} waited=0
  until engine_answers; do
    sleep 0.5; waited=$((waited + 1))
    if [ "$waited" -ge $((limit_s * 2)) ]; then
      echo "ensure-engine: dockerd did not answer within ${limit_s}s; see /var/log/dockerd.log" >&2
      tail -n 30 /var/log/dockerd.log >&2 || true
      return 1
    fi
  done
}


# What the project needs from Debian: the engine, the compose 1.29 peer (interop tests, benchmarks), debootstrap,
# and zsh and fish (the completion scripts are tested in each shell; bash is there already).
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v zsh >/dev/null 2>&1 || missing+=(zsh)
command -v fish >/dev/null 2>&1 || missing+=(fish)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || [ ! -f /etc/debian_version ]; then
    echo "ensure-engine: missing ${missing[*]} and this is not Debian as root; install Docker yourself (https://docs.docker.com/engine/install/)" >&2
    engine_answers && exit 0 || exit 1
  fi
  echo "ensure-engine: installing ${missing[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if engine_answers; then echo "ensure-engine: engine answers"; exit 0; fi

if [ -x /usr/bin/docker ] && ! command -v docker >/dev/null 2>&1; then export PATH=$PATH:/usr/bin; fi
echo "ensure-engine: starting dockerd"
rm -f /var/run/docker.pid
setsid dockerd >/var/log/dockerd.log 2>&1 < /dev/null &
wait_for_engine 60
echo "ensure-engine: engine answers ($(docker version --format '{{.Server.Version}} API {{.Server.APIVersion}}' 2>/dev/null || echo unknown))"
