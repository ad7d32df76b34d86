# Runs in a throw-away network namespace (`unshare -n python3 dns-reload.py DIR MODE`): starts the DNS pod's two
# dnsmasq from DIR/primary1, DIR/srv1 (one argument per line) with DIR/hosts1, DIR/servers1, queries a Service name
# without pause for 3 s and meanwhile changes the records to set 2: MODE "reload" as the lab does it (files, SRV
# dnsmasq restarted, SIGHUP to the answering one), MODE "restart" by restarting the answering dnsmasq with its
# records on the command line (DIR/restart1, DIR/restart2). Prints "queries N failed F" and the answers after.
import os, shutil, signal, socket, struct, subprocess, sys, threading, time
d, mode = sys.argv[1], sys.argv[2]
def argv(n): return [a for a in open(os.path.join(d, n)).read().split("\n") if a]
def query(name, qtype, port=53, timeout=0.5):
    packet = struct.pack(">HHHHHH", 7, 0x0100, 1, 0, 0, 0) + b"".join(
        bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack(">HH", qtype, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(timeout)
    try:
        s.sendto(packet, ("127.0.0.1", port)); return s.recvfrom(4096)[0]
    except OSError:
        return None
    finally:
        s.close()
def answers(d):
    # the rdata of each answer, A as an address, SRV as port:target's first label
    o, out = 12, []
    while d[o]: o += 1 + d[o]
    o += 5
    for _ in range(struct.unpack(">H", d[6:8])[0]):
        o += 2 if d[o] & 0xC0 == 0xC0 else 0
        t, _, _, n = struct.unpack(">HHIH", d[o:o + 10]); o += 10
        out.append(socket.inet_ntoa(d[o:o + 4]) if t == 1 else "SRV:%d:%s" % (struct.unpack(">H", d[o + 4:o + 6])[0], d[o + 7:o + 7 + d[o + 6]].decode()))
        o += n
    return sorted(out)
def wait_answer(port, name, qtype):
    for _ in range(100):
        r = query(name, qtype, port, 0.1)
        if r is not None and r[3] & 15 == 0: return
        time.sleep(0.05)
    sys.exit("dnsmasq on port %d did not answer %s" % (port, name))
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
service, headless, srv = argv("names")
if mode == "reload":
    shutil.copy(os.path.join(d, "hosts1"), os.path.join(d, "hosts")); shutil.copy(os.path.join(d, "servers1"), os.path.join(d, "servers"))
    procs = {"srv": subprocess.Popen(argv("srv1")), "main": subprocess.Popen(argv("primary1"))}
    wait_answer(5354, srv, 33)
else:
    procs = {"main": subprocess.Popen(argv("restart1"))}
wait_answer(53, service, 1)
main_pid = procs["main"].pid
counts = {"queries": 0, "failed": 0}
def load():
    end = time.time() + 3
    while time.time() < end:
        r = query(service, 1)
        counts["queries"] += 1
        if r is None or r[3] & 15 != 0 or not answers(r): counts["failed"] += 1
t = threading.Thread(target=load); t.start()
time.sleep(1)
if mode == "reload":
    shutil.copy(os.path.join(d, "hosts2"), os.path.join(d, "hosts.tmp")); os.replace(os.path.join(d, "hosts.tmp"), os.path.join(d, "hosts"))
    shutil.copy(os.path.join(d, "servers2"), os.path.join(d, "servers"))
    procs["srv"].terminate(); procs["srv"].wait(); procs["srv"] = subprocess.Popen(argv("srv2"))
    wait_answer(5354, srv, 33)
    os.kill(main_pid, signal.SIGHUP)
else:
    procs["main"].terminate(); procs["main"].wait(); procs["main"] = subprocess.Popen(argv("restart2"))
t.join()
time.sleep(0.2)
print("queries %d failed %d" % (counts["queries"], counts["failed"]))
print("same-process", procs["main"].pid == main_pid and procs["main"].poll() is None)
print("headless", " ".join(answers(query(headless, 1))))
print("srv", " ".join(answers(query(srv, 33))))
for p in procs.values(): p.kill()
