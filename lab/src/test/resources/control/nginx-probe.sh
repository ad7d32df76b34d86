#!/bin/sh
# Serves an nginx.conf inside the caller's throw-away network namespace (run under `unshare -n`) with one HTTP
# backend answering on every pod IP of the config's upstreams (its reply is the address it was reached on),
# then prints "<status> <body>" for each request argument "host|path|header" (header optional).
# Usage: nginx-probe.sh NGINX_CONF PREFIX_DIR PORT REQUEST...
set -eu
conf=$1 prefix=$2 port=$3
shift 3
ip link set lo up
for addr in $(grep -oE 'server [0-9.]+:8080 ' "$conf" | grep -oE '[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+' | sort -u); do
  ip addr add "$addr/32" dev lo
done
python3 -c '
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = self.connection.getsockname()[0].encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("0.0.0.0", 8080), H).serve_forever()
' &
backend=$!
nginx -c "$conf" -p "$prefix" &
server=$!
trap 'kill $server $backend 2>/dev/null' EXIT
# Requests go out only once both listen (bounded: 20 s, for a loaded machine); never probe a half-started server.
ready=
for _ in $(seq 200); do
  if curl -s -o /dev/null http://127.0.0.1:8080/ && curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    ready=1
    break
  fi
  sleep 0.1
done
[ -n "$ready" ] || { echo "backend :8080 or nginx :$port not answering after 20 s" >&2; exit 1; }
for request in "$@"; do
  host=${request%%|*}; rest=${request#*|}; path=${rest%%|*}; header=${rest#*|}
  [ "$header" = "$rest" ] && header="x-none: none"
  body=$(curl -s -o "$prefix/probe-body" -w '%{http_code}' -H "Host: $host" -H "$header" "http://127.0.0.1:$port$path")
  if [ "$body" = 200 ]; then echo "$body $(cat "$prefix/probe-body")"; else echo "$body"; fi
done
rm -f "$prefix/probe-body"
