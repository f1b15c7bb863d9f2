#!/bin/sh
# The shared haproxy.cfg plus one `server` line per replica named in APP_SERVERS ("host:port host:port ...").
set -eu
cfg=/tmp/haproxy.cfg
cp /etc/softmax/haproxy.cfg "$cfg"
i=0
for server in ${APP_SERVERS:?set APP_SERVERS to the replicas, e.g. "app1:8501 app2:8501"}; do
  i=$((i + 1))
  # `init-addr last,libc,none`: start even if a replica's name does not resolve yet; checks mark it up later.
  echo "    server replica$i $server cookie replica$i init-addr last,libc,none" >>"$cfg"
done
export HAPROXY_BIND="${HAPROXY_BIND:-:8080}"
exec haproxy -f "$cfg" -db
