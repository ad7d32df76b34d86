#!/bin/sh
# Runs dnsmasq with the given arguments inside the caller's throw-away network namespace (run under
# `unshare -n`) and prints "<name> <rcode> <sorted answers>" for each query "<name>:<A|CNAME|SRV>" on stdin.
# Usage: dns-probe.sh DNSMASQ_ARG... < queries
set -eu
ip link set lo up
dnsmasq --user=root "$@" &
dns=$!
trap 'kill $dns 2>/dev/null' EXIT
python3 -c '
import socket, struct, sys, time
TYPES = {"A": 1, "CNAME": 5, "SRV": 33}
def name_at(d, o):
    labels = []
    while d[o]:
        if d[o] & 0xC0 == 0xC0:
            return ".".join(labels + [name_at(d, ((d[o] & 0x3F) << 8) | d[o + 1])[0]]).strip("."), o + 2
        labels.append(d[o + 1:o + 1 + d[o]].decode()); o += 1 + d[o]
    return ".".join(labels), o + 1
def query(name, qtype):
    packet = struct.pack(">HHHHHH", 7, 0x0100, 1, 0, 0, 0) + b"".join(
        bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack(">HH", TYPES[qtype], 1)
    for _ in range(50):
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.2)
            s.sendto(packet, ("127.0.0.1", 53)); d = s.recvfrom(4096)[0]; break
        except OSError:
            time.sleep(0.1)
    o, answers = len(packet), []
    for _ in range(struct.unpack(">H", d[6:8])[0]):
        o = name_at(d, o)[1]; t, _, _, n = struct.unpack(">HHIH", d[o:o + 10]); o += 10
        if t == 1: answers.append(socket.inet_ntoa(d[o:o + 4]))
        elif t == 5: answers.append("CNAME:" + name_at(d, o)[0])
        elif t == 33: answers.append("SRV:%d:%s" % (struct.unpack(">H", d[o + 4:o + 6])[0], name_at(d, o + 6)[0]))
        o += n
    print(name, d[3] & 15, " ".join(sorted(answers)))
for line in sys.stdin.read().split():
    name, qtype = line.rsplit(":", 1)
    query(name, qtype)
'
