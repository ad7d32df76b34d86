package dev.netpaths.lab.state;

import java.util.Optional;

/** One journal line: a thing the lab created and must remove. Fields are space-separated; the last may contain spaces. */
public sealed interface Entry {
    String line();

    /** A network namespace (its /etc/netns/NAME dir, if any, goes with it). */
    record Netns(String name) implements Entry {
        public String line() {
            return "netns " + name;
        }
    }

    /**
     * A process the lab started; the start time (clock ticks since boot, /proc/PID/stat field 22) tells a recycled PID
     * apart. {@code netns}: the network namespace it was started in (null in a journal written before it was
     * recorded). A pod's process is {@code what = "<namespace>/<pod> <container>"}, and the two clusters of a
     * 2-cluster lab have pods of the same name (the add-ons' stand-ins): only the netns tells whose it is.
     */
    record Proc(long pid, long startTime, String netns, String what) implements Entry {
        private static final String NETNS = "netns=";

        public Proc(long pid, long startTime, String what) {
            this(pid, startTime, null, what);
        }

        public String line() {
            return "proc " + pid + " " + startTime + " " + (netns == null ? "" : NETNS + netns + " ") + what;
        }

        /**
         * Whether this is a container of the pod {@code podKey} ({@code namespace/name}) whose sandbox is
         * {@code podNetns}. A line without a netns (a lab up before it was recorded) matches on the key alone.
         */
        public boolean ofPod(String podKey, String podNetns) {
            return what.startsWith(podKey + " ") && (netns == null || netns.equals(podNetns));
        }

        /** The container's name, for a process {@link #ofPod} of {@code podKey}. */
        public String container(String podKey) {
            return what.substring(podKey.length() + 1);
        }
    }

    /** A CNI ADD that needs its DEL: the plugin runs in nodeNs, for the pod in podNs, with the conf file at conf. */
    record Cni(String nodeNs, String podNs, String containerId, String conf, String plugin) implements Entry {
        public String line() {
            return "cni " + nodeNs + " " + podNs + " " + containerId + " " + plugin + " " + conf;
        }
    }

    /**
     * The namespace holder of a rootless lab (first entry of its journal): a process like {@link Proc}, plus the
     * {@code user:[inode]} of the user namespace it holds, which every process of the lab shares.
     */
    record Holder(long pid, long startTime, String userNs) implements Entry {
        public String line() {
            return "holder " + pid + " " + startTime + " " + userNs;
        }

        public Proc asProc() {
            return new Proc(pid, startTime, "rootless namespace holder");
        }
    }

    /** A file or directory the lab wrote outside the state dir (the state dir itself always goes last). */
    record PathEntry(String path) implements Entry {
        public String line() {
            return "path " + path;
        }
    }

    static Optional<Entry> parse(String line) {
        String[] f = line.strip().split(" ");
        try {
            return Optional.of(switch (f[0]) {
                case "netns" -> new Netns(f[1]);
                case "proc" -> f.length > 4 && f[3].startsWith(Proc.NETNS)
                        ? new Proc(Long.parseLong(f[1]), Long.parseLong(f[2]), f[3].substring(Proc.NETNS.length()), rest(line, 4))
                        : new Proc(Long.parseLong(f[1]), Long.parseLong(f[2]), rest(line, 3));
                case "cni" -> new Cni(f[1], f[2], f[3], rest(line, 5), f[4]);
                case "path" -> new PathEntry(rest(line, 1));
                case "holder" -> new Holder(Long.parseLong(f[1]), Long.parseLong(f[2]), rest(line, 3));
                default -> throw new IllegalArgumentException(f[0]);
            });
        } catch (RuntimeException torn) {
            return Optional.empty();
        }
    }

    private static String rest(String line, int skip) {
        String r = line.strip().split(" ", skip + 1)[skip];
        if (r.isBlank()) {
            throw new IllegalArgumentException("empty field");
        }
        return r;
    }
}
