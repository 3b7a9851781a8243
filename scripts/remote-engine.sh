#!/usr/bin/env bash
# A second Docker Engine that plays a remote dev box, for the remote-engine tests and bench/remote.mjs.
# It lives in a network namespace of its own (devstack-r), reached from this host only through a veth pair on a
# private /24 made here (traffic goes to that namespace and nowhere else):
#   - dockerd with its own data root, exec root, pidfile and bridge, on unix:///var/run/docker-r.sock and on
#     tcp://10.213.47.2:2376 with TLS (a CA, a server and a client certificate made with openssl here);
#   - Debian's sshd in the same namespace (key auth only, keys made here), so ssh://root@10.213.47.2 works: its
#     sessions get DOCKER_HOST=unix:///var/run/docker-r.sock, so `docker system dial-stdio` reaches this engine;
#   - the stand-in images the tests use, copied from the host engine with docker save | docker load.
# Idempotent and quick on a second run: everything present and answering is left as it is.
# Writes /var/lib/devstack-remote/remote.json (addresses and file paths) for the tests.
set -euo pipefail

NS=devstack-r
HOST_IF=dsr-host
NS_IF=dsr-ns
HOST_ADDR=10.213.47.1
NS_ADDR=10.213.47.2
BIP=10.213.48.1/24
DIR=/var/lib/devstack-remote
SOCK=/var/run/docker-r.sock
PIDFILE=/var/run/docker-r.pid
SSHD_PIDFILE=/var/run/devstack-r-sshd.pid
IMAGES=(postgres:16-alpine redis:7-alpine)
NSENTER=(nsenter --net=/var/run/netns/$NS)

say() { echo "remote-engine: $*"; }

if [ "$(id -u)" != 0 ]; then echo "remote-engine: needs root (network namespace, dockerd, sshd)" >&2; exit 1; fi
command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || {
  say "installing Debian's openssh-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq openssh-server >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq openssh-server >/dev/null; }
}
mkdir -p "$DIR" /run/sshd
chmod 700 "$DIR"

# --- network namespace and veth pair -------------------------------------------------------------------------
[ -e /var/run/netns/$NS ] || ip netns add $NS
if ! ip link show $HOST_IF >/dev/null 2>&1; then
  ip link add $HOST_IF type veth peer name $NS_IF
  ip link set $NS_IF netns $NS
fi
ip addr show dev $HOST_IF | grep -q "inet $HOST_ADDR/" || ip addr add $HOST_ADDR/24 dev $HOST_IF
ip link set $HOST_IF up
"${NSENTER[@]}" ip link set lo up
"${NSENTER[@]}" ip addr show dev $NS_IF | grep -q "inet $NS_ADDR/" || "${NSENTER[@]}" ip addr add $NS_ADDR/24 dev $NS_IF
"${NSENTER[@]}" ip link set $NS_IF up

# --- keys and certificates (made once) -------------------------------------------------------------------------
if [ ! -f "$DIR/tls/client/key.pem" ]; then
  say "making a CA, server and client certificates"
  rm -rf "$DIR/tls"; mkdir -p "$DIR/tls/server" "$DIR/tls/client"
  (
    cd "$DIR/tls"
    openssl genrsa -out ca-key.pem 2048 2>/dev/null
    openssl req -new -x509 -days 3650 -key ca-key.pem -subj "/CN=devstack-remote CA" -out ca.pem 2>/dev/null
    openssl genrsa -out server/key.pem 2048 2>/dev/null
    openssl req -new -key server/key.pem -subj "/CN=$NS_ADDR" -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth\n' "$NS_ADDR" >server.ext
    openssl x509 -req -days 3650 -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -extfile server.ext -out server/cert.pem 2>/dev/null
    openssl genrsa -out client/key.pem 2048 2>/dev/null
    openssl req -new -key client/key.pem -subj "/CN=devstack-client" -out client.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -days 3650 -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -extfile client.ext -out client/cert.pem 2>/dev/null
    cp ca.pem server/ca.pem; cp ca.pem client/ca.pem
    rm -f server.csr client.csr server.ext client.ext
  )
fi
[ -f "$DIR/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$DIR/ssh_host_ed25519_key"
[ -f "$DIR/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C devstack-remote -f "$DIR/id_ed25519"
[ -f "$DIR/id_wrong" ] || ssh-keygen -q -t ed25519 -N '' -C devstack-remote-wrong -f "$DIR/id_wrong"

# sshd's sessions reach the namespaced engine (the remote's "default" docker) through DOCKER_HOST.
printf 'environment="DOCKER_HOST=unix://%s" %s\n' "$SOCK" "$(cat "$DIR/id_ed25519.pub")" >"$DIR/authorized_keys"
cat >"$DIR/sshd_config" <<EOF
ListenAddress $NS_ADDR
Port 22
HostKey $DIR/ssh_host_ed25519_key
PidFile $SSHD_PIDFILE
AuthorizedKeysFile $DIR/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitUserEnvironment DOCKER_HOST
StrictModes no
UsePAM no
MaxStartups 100:30:200
MaxSessions 100
EOF
printf '%s %s\n' "$NS_ADDR" "$(cut -d' ' -f1,2 "$DIR/ssh_host_ed25519_key.pub")" >"$DIR/known_hosts"
# The client side: ssh://root@10.213.47.2 uses the right key; ssh://root@devstack-r-wrongkey a key sshd refuses.
cat >"$DIR/ssh_config" <<EOF
Host devstack-r-wrongkey
  HostName $NS_ADDR
  IdentityFile $DIR/id_wrong
  IdentitiesOnly yes
  UserKnownHostsFile $DIR/known_hosts
  StrictHostKeyChecking yes
Host $NS_ADDR
  IdentityFile $DIR/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $DIR/known_hosts
  StrictHostKeyChecking yes
EOF
chmod 600 "$DIR/ssh_config"
# The system ssh reads ~/.ssh/config (from the passwd entry, not $HOME): include ours at its top, once.
ssh_home=$(getent passwd "$(id -un)" | cut -d: -f6)
mkdir -p "$ssh_home/.ssh"; chmod 700 "$ssh_home/.ssh"
touch "$ssh_home/.ssh/config"
if ! grep -qxF "Include $DIR/ssh_config" "$ssh_home/.ssh/config"; then
  { echo "Include $DIR/ssh_config"; cat "$ssh_home/.ssh/config"; } >"$ssh_home/.ssh/config.new"
  mv "$ssh_home/.ssh/config.new" "$ssh_home/.ssh/config"; chmod 600 "$ssh_home/.ssh/config"
fi

# --- dockerd in the namespace -----------------------------------------------------------------------------------
engine_answers() { docker -H "unix://$SOCK" version >/dev/null 2>&1; }
if ! engine_answers; then
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then kill "$(cat "$PIDFILE")"; sleep 1; fi
  rm -f "$PIDFILE"
  say "starting dockerd in namespace $NS"
  setsid "${NSENTER[@]}" dockerd \
    --data-root /var/lib/docker-r --exec-root /var/run/docker-r --pidfile "$PIDFILE" \
    -H "unix://$SOCK" -H "tcp://$NS_ADDR:2376" \
    --tlsverify --tlscacert "$DIR/tls/ca.pem" --tlscert "$DIR/tls/server/cert.pem" --tlskey "$DIR/tls/server/key.pem" \
    --bip "$BIP" >/var/log/dockerd-r.log 2>&1 </dev/null &
  for _ in $(seq 1 120); do engine_answers && break; sleep 0.5; done
  engine_answers || { echo "remote-engine: dockerd did not answer; see /var/log/dockerd-r.log" >&2; tail -n 20 /var/log/dockerd-r.log >&2; exit 1; }
fi

# --- sshd in the namespace --------------------------------------------------------------------------------------
sshd_answers() { ssh -o BatchMode=yes -o ConnectTimeout=3 "root@$NS_ADDR" true >/dev/null 2>&1; }
if ! sshd_answers; then
  if [ -f "$SSHD_PIDFILE" ] && kill -0 "$(cat "$SSHD_PIDFILE")" 2>/dev/null; then kill "$(cat "$SSHD_PIDFILE")"; sleep 0.5; fi
  say "starting sshd on $NS_ADDR:22"
  "${NSENTER[@]}" /usr/sbin/sshd -f "$DIR/sshd_config" -E /var/log/sshd-r.log
  for _ in $(seq 1 20); do sshd_answers && break; sleep 0.25; done
  sshd_answers || { echo "remote-engine: sshd does not let root@$NS_ADDR in; see /var/log/sshd-r.log" >&2; tail -n 20 /var/log/sshd-r.log >&2; exit 1; }
fi

# --- images ------------------------------------------------------------------------------------------------------
missing=()
for image in "${IMAGES[@]}"; do
  want=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null) || { echo "remote-engine: $image is not on the host engine; run npm run images first" >&2; exit 1; }
  have=$(docker -H "unix://$SOCK" image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  [ "$want" = "$have" ] || missing+=("$image")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "loading ${missing[*]}"
  docker save "${missing[@]}" | docker -H "unix://$SOCK" load >/dev/null
fi

cat >"$DIR/remote.json" <<EOF
{
  "address": "$NS_ADDR",
  "hostAddress": "$HOST_ADDR",
  "namespace": "$NS",
  "socket": "unix://$SOCK",
  "sshHost": "ssh://root@$NS_ADDR",
  "sshWrongKeyHost": "ssh://root@devstack-r-wrongkey",
  "tlsHost": "tcp://$NS_ADDR:2376",
  "tlsCertPath": "$DIR/tls/client",
  "images": ["${IMAGES[0]}", "${IMAGES[1]}"]
}
EOF
say "engine answers on unix://$SOCK, tcp://$NS_ADDR:2376 (TLS) and ssh://root@$NS_ADDR"
