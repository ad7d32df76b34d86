package dev.netpaths.caller;

import dev.netpaths.wire.ErrorInfo;
import dev.netpaths.wire.ErrorKind;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A stub resolver that behaves as a pod's libc would (hosts file, then the search list of resolv.conf with
 * ndots) but within a time budget and reporting which candidate name answered. It never uses the JVM's
 * resolver, so the addresses it returns are exactly those the policy checks and the probe connects to.
 */
@ApplicationScoped
public class DnsResolver {
    private static final int DNS_PORT = 53;

    private final CallerConfig.Dns config;
    /** Runs the AAAA query beside the A query; daemon threads, created as needed. */
    private final ExecutorService parallel = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "dns-aaaa");
        thread.setDaemon(true);
        return thread;
    });

    public DnsResolver(CallerConfig config) {
        this.config = config.dns();
    }

    int defaultBudgetMs() {
        return config.timeoutMs();
    }

    /** @throws BadInputException when {@code rawName} is not a host name */
    Resolution resolve(String rawName, int budgetMs) {
        long start = System.nanoTime();
        String name = rawName.startsWith("[") && rawName.endsWith("]")
                ? rawName.substring(1, rawName.length() - 1) : rawName;
        Optional<InetAddress> literal = IpLiteral.parse(name);
        double literalMs = Timing.since(start); // an address needs no look-up: files are read for the report only
        ResolvConf conf = ResolvConf.read(Path.of(config.resolvConf()));
        List<String> servers = config.nameservers().orElse(conf.nameservers());
        if (literal.isPresent()) {
            return new Resolution(name, List.of(literal.get()), null, "literal", List.of(), conf, servers, literalMs, null);
        }
        List<String> candidates = conf.candidates(name);
        for (String candidate : candidates) {
            absolute(candidate); // rejects a malformed name before anything is asked
        }
        String bare = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        List<InetAddress> fromHosts = HostsFile.lookup(Path.of(config.hostsFile()), bare);
        if (!fromHosts.isEmpty()) {
            return new Resolution(name, fromHosts, bare, "hosts", List.of(), conf, servers, Timing.since(start), null);
        }
        Optional<Resolver> usable = resolverFor(servers);
        if (usable.isEmpty()) {
            return failed(name, candidates, conf, servers, start, ErrorKind.DNS_TIMEOUT,
                    "no usable nameserver in " + servers);
        }
        Resolver resolver = usable.get();
        long deadline = start + budgetMs * 1_000_000L;
        List<String> failures = new ArrayList<>();
        boolean definite = false; // some query got a definite "no such name / no such record" from a server
        for (String candidate : candidates) {
            long remainingNanos = deadline - System.nanoTime();
            if (remainingNanos <= 0) {
                break;
            }
            resolver.setTimeout(Duration.ofNanos(remainingNanos));
            Name query = absolute(candidate);
            // A and AAAA at the same time, as libc asks them: dnsMs is then one round trip, not two.
            CompletableFuture<Answer> ipv6 = CompletableFuture.supplyAsync(() -> ask(resolver, query, Type.AAAA), parallel);
            Answer ipv4 = ask(resolver, query, Type.A);
            List<InetAddress> addresses = new ArrayList<>(ipv4.addresses());
            addresses.addAll(ipv6.join().addresses());
            if (!addresses.isEmpty()) {
                return new Resolution(name, List.copyOf(addresses), candidate, "dns", candidates, conf, servers,
                        Timing.since(start), null);
            }
            for (Answer answer : List.of(ipv4, ipv6.join())) {
                if (answer.failure() != null) {
                    failures.add(candidate + " " + answer.failure());
                } else {
                    definite = true;
                }
            }
        }
        // dnsjava reports a timeout only as "network error": the clock says which it was. DNS_FAILURE needs a
        // server to have said "no such name" (NXDOMAIN, or no records) for some candidate, e.g. the cluster
        // domain's, while the others may have been refused or failed upstream; a budget run out, or no definite
        // answer at all (every query unanswered, SERVFAIL or refused), is DNS_TIMEOUT: a cluster with DNS down
        // never passes for one where the name does not exist.
        boolean timedOut = System.nanoTime() >= deadline;
        String reason = timedOut ? "no answer within " + budgetMs + " ms" : "no address for " + name;
        ErrorKind kind = timedOut || !definite ? ErrorKind.DNS_TIMEOUT : ErrorKind.DNS_FAILURE;
        return failed(name, candidates, conf, servers, start, kind, reason + suffix(failures));
    }

    /** The addresses one query found, or why it found none when that was not a plain "no such name". */
    private record Answer(List<InetAddress> addresses, String failure) {
    }

    private static Answer ask(Resolver resolver, Name name, int type) {
        Lookup lookup = new Lookup(name, type);
        lookup.setResolver(resolver);
        lookup.setCache(null); // a fresh cache per look-up: every probe measures real DNS
        lookup.setHostsFileParser(null); // the hosts file was consulted before, once, as libc does
        Record[] records = lookup.run();
        List<InetAddress> addresses = new ArrayList<>();
        if (lookup.getResult() == Lookup.SUCCESSFUL) {
            for (Record record : records) {
                if (record instanceof ARecord a) {
                    addresses.add(a.getAddress());
                } else if (record instanceof AAAARecord aaaa) {
                    addresses.add(aaaa.getAddress());
                }
            }
        }
        boolean failed = lookup.getResult() == Lookup.TRY_AGAIN || lookup.getResult() == Lookup.UNRECOVERABLE;
        return new Answer(addresses, failed ? Type.string(type) + ": " + lookup.getErrorString() : null);
    }

    @PreDestroy
    void stop() {
        parallel.shutdownNow();
    }

    private static Resolution failed(String name, List<String> candidates, ResolvConf conf, List<String> servers,
                                     long start, ErrorKind kind, String message) {
        return new Resolution(name, List.of(), null, null, candidates, conf, servers, Timing.since(start),
                ErrorInfo.of(kind, message));
    }

    private static String suffix(List<String> failures) {
        return failures.isEmpty() ? "" : " (" + String.join("; ", failures) + ")";
    }

    private static Name absolute(String candidate) {
        try {
            return Name.fromString(candidate, Name.root);
        } catch (TextParseException e) {
            throw new BadInputException("not a valid host name: " + candidate);
        }
    }

    private static Optional<Resolver> resolverFor(List<String> servers) {
        List<Resolver> resolvers = new ArrayList<>();
        for (String server : servers) {
            nameserverAddress(server).map(SimpleResolver::new).ifPresent(resolvers::add);
        }
        if (resolvers.size() <= 1) {
            return resolvers.stream().findFirst();
        }
        return Optional.of(new ExtendedResolver(resolvers));
    }

    /** {@code ip}, {@code ip:port} or {@code [v6]:port}; never a name, which would need a resolver itself. */
    static Optional<InetSocketAddress> nameserverAddress(String server) {
        String host = server;
        int port = DNS_PORT;
        int close = server.indexOf(']');
        boolean hostPort = server.startsWith("[") ? close > 0 && server.startsWith(":", close + 1)
                : server.indexOf(':') > 0 && server.indexOf(':') == server.lastIndexOf(':');
        if (hostPort) {
            int colon = server.lastIndexOf(':');
            host = server.substring(0, colon);
            try {
                port = Integer.parseInt(server.substring(colon + 1));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        int p = port;
        return IpLiteral.parse(host).map(address -> new InetSocketAddress(address, p));
    }
}
