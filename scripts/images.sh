#!/usr/bin/env bash
# Makes sure every image the tests and the demo stack use is present.
# For each tag: reuse it if present; else pull it if a registry answers; else build a local stand-in
# from Debian packages (debootstrap -> docker import -> small Dockerfiles in scripts/images/).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export DOCKER_BUILDKIT=0

BASE=devstack-standin/debian:bookworm
MIRROR=${DEVSTACK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
STANDIN_LABEL=io.devstack.standin=true

# tag -> stand-in recipe folder
declare -A RECIPE=(
  [pgvector/pgvector:pg16]=postgres
  [postgres:16-alpine]=postgres
  [redis:7-alpine]=redis
  [node:20-alpine]=node
)

have() { docker image inspect "$1" >/dev/null 2>&1; }

ensure_base() {
  have "$BASE" && return 0
  command -v debootstrap >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  local root; root=$(mktemp -d /var/tmp/devstack-rootfs.XXXXXX)
  echo "images: debootstrap bookworm (postgresql, redis) into $root"
  debootstrap --variant=minbase \
    --include=postgresql-15,redis-server,ca-certificates,libstdc++6,curl \
    bookworm "$root" "$MIRROR" >/var/log/devstack-debootstrap.log 2>&1 \
    || { tail -n 30 /var/log/devstack-debootstrap.log >&2; rm -rf "$root"; exit 1; }
  # Leave out what the images never use: apt lists, docs, the package's own default cluster.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* \
         "$root"/var/lib/postgresql/15/main "$root"/etc/postgresql/15/main "$root"/var/cache/apt/*.bin
  tar -C "$root" -c . | docker import \
    -c "LABEL $STANDIN_LABEL" -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - "$BASE" >/dev/null
  rm -rf "$root"
  echo "images: built $BASE"
}

build_standin() {
  local tag=$1 recipe=$2 ctx
  ensure_base
  ctx=$(mktemp -d /var/tmp/devstack-ctx.XXXXXX)
  cp -a "$here/images/$recipe/." "$ctx/"
  if [ "$recipe" = node ]; then
    # Node 20 from the host (Debian's nodejs is 18) and the host's CA bundle, so npm reaches its registry.
    mkdir -p "$ctx/node/bin" "$ctx/node/lib"
    cp "$(readlink -f "$(command -v node)")" "$ctx/node/bin/node"
    cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$ctx/node/lib/npm"
    cp /etc/ssl/certs/ca-certificates.crt "$ctx/ca-certificates.crt"
  fi
  docker build -q --label "$STANDIN_LABEL" --label "io.devstack.standin.for=$tag" \
    --build-arg "BASE=$BASE" -t "$tag" "$ctx" >/dev/null
  rm -rf "$ctx"
  echo "images: built stand-in $tag"
}

for tag in "${!RECIPE[@]}"; do
  if have "$tag"; then echo "images: $tag present"; continue; fi
  if docker pull -q "$tag" >/dev/null 2>&1; then echo "images: pulled $tag"; continue; fi
  build_standin "$tag" "${RECIPE[$tag]}"
done
