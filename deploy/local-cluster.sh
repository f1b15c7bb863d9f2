#!/usr/bin/env bash
# deploy/local-cluster.sh start --replicas N --port P [--no-warmup]
# deploy/local-cluster.sh stop --port P
#
# N Streamlit replicas of the app on free loopback ports, behind HAProxy on 127.0.0.1:P, with the production
# settings of deploy/production.env and one shared cookie secret. `start` returns once HAProxy and every
# replica answer their health checks; `stop` stops exactly the processes that `start` recorded.
# State (pids, ports, logs, the rendered HAProxy configuration) lives in ${LOCAL_CLUSTER_DIR:-/tmp/softmax-cluster-P}.
# Class mode across replicas: start with REDIS_URL=redis://host:6379/0 set; every replica inherits it.
set -Eeuo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
PYTHON=${PYTHON:-python3}
usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

cmd=${1:-}; shift || true
replicas=1; port=8080; warmup=1
while (($#)); do
  case $1 in
    --replicas) replicas=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --no-warmup) warmup=0; shift ;;
    *) usage ;;
  esac
done
[[ $replicas =~ ^[1-9][0-9]?$ && $port =~ ^[0-9]+$ ]] || usage
STATE=${LOCAL_CLUSTER_DIR:-/tmp/softmax-cluster-$port}

healthy() { [[ $(curl -fsS --max-time 2 "$1/_stcore/health" 2>/dev/null) == ok ]]; }
free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

stop() {
  [[ -d $STATE ]] || { echo "local-cluster: nothing recorded in $STATE"; return 0; }
  # Only the pids this script recorded, each checked to still be the process it started.
  while read -r name pid; do
    if [[ -r /proc/$pid/environ ]] && tr '\0' '\n' </proc/$pid/environ | grep -qx "SOFTMAX_CLUSTER=$STATE"; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      echo "local-cluster: stopped $name (pid $pid)"
    fi
  done < <(cat "$STATE/pids" 2>/dev/null)
  rm -rf "$STATE"
}

start() {
  if [[ -d $STATE ]]; then echo "local-cluster: $STATE exists; run '$0 stop --port $port' first" >&2; exit 1; fi
  if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then echo "local-cluster: port $port is in use" >&2; exit 1; fi
  mkdir -p "$STATE"
  trap 'echo "local-cluster: start failed, stopping what was started" >&2; for f in "$STATE"/*.log; do echo "--- $f" >&2; tail -n 20 "$f" >&2; done; stop' ERR
  # The production settings, plus one cookie secret for every replica (signed cookies must verify anywhere).
  set -a; source "$HERE/production.env"; set +a
  export STREAMLIT_SERVER_COOKIE_SECRET=${STREAMLIT_SERVER_COOKIE_SECRET:-$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')}
  export SOFTMAX_CLUSTER=$STATE SOFTMAX_WARMUP=$warmup
  cp "$HERE/haproxy/haproxy.cfg" "$STATE/haproxy.cfg"
  declare -a urls=()
  for i in $(seq 1 "$replicas"); do
    p=$(free_port)
    (cd "$ROOT" && exec "$PYTHON" -m deploy.serve app.py --server.port="$p" --server.address=127.0.0.1) \
      >"$STATE/replica$i.log" 2>&1 </dev/null &
    echo "replica$i $!" >>"$STATE/pids"
    echo "replica$i $p" >>"$STATE/ports"
    echo "    server replica$i 127.0.0.1:$p cookie replica$i" >>"$STATE/haproxy.cfg"
    urls+=("http://127.0.0.1:$p")
  done
  HAPROXY_BIND=127.0.0.1:$port haproxy -f "$STATE/haproxy.cfg" -db >"$STATE/haproxy.log" 2>&1 </dev/null &
  echo "haproxy $!" >>"$STATE/pids"
  # Bounded wait: warm-up takes ~10 s per replica on an idle 2-core machine, much more when it is busy.
  deadline=$((SECONDS + ${START_TIMEOUT:-300}))
  for url in "${urls[@]}" "http://127.0.0.1:$port"; do
    until healthy "$url"; do
      while read -r name pid; do kill -0 "$pid" 2>/dev/null || { echo "local-cluster: $name exited" >&2; false; }; done <"$STATE/pids"
      ((SECONDS < deadline)) || { echo "local-cluster: $url not healthy in time" >&2; false; }
      sleep 0.5
    done
  done
  # HAProxy's own checks must see every replica up (2 checks, 2 s apart) before a student is sent there.
  sleep 4.5
  trap - ERR
  echo "local-cluster: $replicas replica(s) behind http://127.0.0.1:$port (state in $STATE)"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
