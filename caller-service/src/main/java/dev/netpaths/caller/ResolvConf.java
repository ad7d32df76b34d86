package dev.netpaths.caller;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The parts of resolv.conf(5) a stub resolver needs: nameservers, search list and ndots. */
record ResolvConf(List<String> nameservers, List<String> search, int ndots) {
    /** resolv.conf(5) caps ndots at 15. */
    private static final int MAX_NDOTS = 15;

    /** Read at every resolution, so a file bind-mounted per network namespace is honoured. */
    static ResolvConf read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            lines = List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(lines);
    }

    static ResolvConf parse(List<String> lines) {
        List<String> nameservers = new ArrayList<>();
        List<String> search = List.of();
        int ndots = 1;
        for (String line : lines) {
            String[] words = line.trim().split("\\s+");
            if (words.length < 2 || words[0].startsWith("#") || words[0].startsWith(";")) {
                continue;
            }
            switch (words[0]) {
                case "nameserver" -> nameservers.add(words[1]);
                // The last search or domain line wins, as in glibc.
                case "search", "domain" -> search = List.of(words).subList(1, words.length).stream()
                        .takeWhile(w -> !w.startsWith("#")).toList();
                case "options" -> {
                    for (int i = 1; i < words.length; i++) {
                        if (words[i].startsWith("ndots:")) {
                            ndots = parseNdots(words[i].substring(6), ndots);
                        }
                    }
                }
                default -> { }
            }
        }
        if (nameservers.isEmpty()) {
            nameservers.add("127.0.0.1"); // the resolver's default without any nameserver line
        }
        return new ResolvConf(List.copyOf(nameservers), search, ndots);
    }

    /**
     * The names a stub resolver tries for {@code name}, in order: a trailing dot means only the name itself;
     * a name with at least ndots dots is tried as is first, others after the search domains.
     */
    List<String> candidates(String name) {
        if (name.endsWith(".")) {
            return List.of(name.substring(0, name.length() - 1));
        }
        long dots = name.chars().filter(c -> c == '.').count();
        List<String> searched = search.stream().map(domain -> name + "." + trimDot(domain)).toList();
        List<String> result = new ArrayList<>();
        if (dots >= ndots) {
            result.add(name);
            result.addAll(searched);
        } else {
            result.addAll(searched);
            result.add(name);
        }
        return result;
    }

    private static String trimDot(String domain) {
        return domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    }

    private static int parseNdots(String value, int fallback) {
        try {
            return Math.min(Math.max(Integer.parseInt(value), 0), MAX_NDOTS);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
