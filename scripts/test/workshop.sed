# The drift test's normaliser (scripts/test/workshop.sh), applied alike to a page's output and the lab's: it
# keeps what a chapter teaches (addresses, routes, chain names, verdicts) and blurs what changes from run to run.
# Kubernetes-style name suffixes (k8s.io/apimachinery's rand.String alphabet, no vowels): pod-template hash + id
s/-[bcdfghjklmnpqrstvwxz2456789]{8,10}-[bcdfghjklmnpqrstvwxz2456789]{5}\b/-<hash>-<id>/g
s/(caller|caller-b)-[bcdfghjklmnpqrstvwxz2456789]{5}\b/\1-<id>/g
# a JVM's complaints about a loaded machine (Vert.x's blocked-thread warnings) are not output a page shows
/BlockedThreadChecker/d
/^WARNING: Thread .* has been blocked for /d
/^io\.vertx\.core\.VertxException: Thread blocked/d
/^[[:space:]]+at [^ ]+\(.*\)$/d
# blank lines carry nothing (and a stack trace above leaves one)
/^[[:space:]]*$/d
# MAC addresses (veths and VXLAN devices get random ones)
s/\b([0-9a-f]{2}:){5}[0-9a-f]{2}\b/<mac>/g
# veth names and interface indexes are random or allocation-ordered; IPv6 link-local addresses come from MACs
s/\bveth[0-9a-f]{8}\b/veth<id>/g
s/@if[0-9]+\b/@if<n>/g
s/\bfe80::[0-9a-f:]+/fe80::<ll>/g
s/^[0-9]+: /<n>: /
# packet and byte counters: iptables [packets:bytes], conntrack/ip -s figures (before the ports: a byte count
# of 32768-60999 after a colon reads like one)
s/\[[0-9]+:[0-9]+\]/[<n>:<n>]/g
# ephemeral ports (32768-60999, Linux's default ip_local_port_range), after an address or as a JSON number
s/:(3276[89]|327[7-9][0-9]|32[89][0-9]{2}|3[3-9][0-9]{3}|[4-5][0-9]{4}|60[0-9]{3})\b/:<port>/g
s/("[a-zA-Z]*[pP]ort": ?)[0-9]+/\1<n>/g
s/\b([sd]port=)(3276[89]|327[7-9][0-9]|32[89][0-9]{2}|3[3-9][0-9]{3}|[4-5][0-9]{4}|60[0-9]{3})\b/\1<port>/g
# a conntrack entry's seconds to live (conntrack -L: "udp 17 24 src=...")
s/^(udp|tcp) +(17|6) +[0-9]+ /\1 \2 <ttl> /
s/("pid": ?)[0-9]+/\1<n>/g
# timings: "12.34 ms", "3.4 s", time=0.05, latency columns of the harness table
# kubectl's AGE (k8s.io/apimachinery pkg/util/duration HumanDuration: 59s, 3m27s, 19m, 5h3m, 2d): one <t>s
s/(^|[^0-9.])([0-9]+[dh])?[0-9]+m([0-9]+s)?\b/\1<t>s/g
s/(^|[^0-9.])[0-9]+(d[0-9]+h|d|h)\b/\1<t>s/g
s/(^|[^0-9.])[0-9]+(\.[0-9]+)? ?(ms|s)\b/\1<t>\3/g
s/time=[0-9.]+/time=<t>/g
s/[0-9]+ milliseconds/<t> milliseconds/g
# how many times an external path was polled before its convergence window closed depends on timing
s/\([0-9]+ runs\)/(<n> runs)/g
# a hairpin case's tries land on the caller itself by chance (kube-proxy's random pick): when none was served by
# it, how many of them failed, and how, is chance too; the verdict is what follows ("no try was served by ...")
s/[0-9]+\/[0-9]+ tries failed \{[^}]*\}, first: [^;]*; (no try was served by )/\1/
# how a harness case's failed tries split over failure kinds depends on timing (ARP, SYN retries): keep the kinds
# a pod the caller cannot reach: its tries time out while the caller's kernel still asks ARP and are UNREACHABLE once
# the neighbour has FAILED, and how the few tries before the harness stops split between the two is timing (how
# many tries failed is still compared)
s/([0-9]+\/[0-9]+ tries failed )\{(CONNECT_TIMEOUT|UNREACHABLE)=[0-9]+(, (CONNECT_TIMEOUT|UNREACHABLE)=[0-9]+)?\}/\1{CONNECT_TIMEOUT|UNREACHABLE}/g
s/\b([A-Z_]+)=[0-9]+([,}])/\1=<n>\2/g
s/(^|[^0-9.])[0-9]+\.[0-9]{2}([^0-9.]|$)/\1<t>\2/g
s/(^|[^0-9.])[0-9]+\.[0-9]{2}([^0-9.]|$)/\1<t>\2/g
s/("[a-zA-Z]*(Ms|Millis|Nanos|Seconds)": ?)[0-9.]+/\1<t>/g
# process ids and file descriptors (ss -p, the lab's status)
s/pid=[0-9]+/pid=<n>/g
s/fd=[0-9]+/fd=<n>/g
# column widths change with name lengths: compare words, not spaces
s/[ \t]+/ /g
s/ $//
# a neighbour entry's state depends on how long ago it was confirmed
s/ (REACHABLE|STALE|DELAY|PROBE)$/ <nud>/
# a wrong-backend verdict names the pod that answered; with two endpoints behind the Service, which one (and so its
# node) is the proxy's random pick: keep who it was (namespace, version, cluster), not where it ran
s/(served by [^ ]+ \([^,]+, [^,]+, node )[a-z0-9-]+,/\1<node>,/g
# ... and on a loaded machine some of its tries may also time out: the verdict is who answered, not how many tries
# failed on the way (as for the hairpin verdict above)
s/[0-9]+\/[0-9]+ tries failed \{[^}]*\}, first: [^;]*; (served by )/\1/
