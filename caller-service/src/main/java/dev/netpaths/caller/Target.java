package dev.netpaths.caller;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/** A checked {@code http://}, {@code https://} or {@code udp://host:port} URL. */
record Target(URI uri, String scheme, String host, int port, String pathAndQuery) {
    private static final Set<String> SCHEMES = Set.of("http", "https", "udp");

    /** @throws BadInputException with the reason the URL cannot be probed */
    static Target parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            throw new BadInputException("url is not a valid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !SCHEMES.contains(scheme)) {
            throw new BadInputException("url scheme must be http, https or udp, not " + uri.getScheme());
        }
        if (uri.getHost() == null) {
            throw new BadInputException("url has no valid host: " + url);
        }
        if (uri.getRawUserInfo() != null) {
            throw new BadInputException("url must not carry user info");
        }
        int port = uri.getPort();
        if (port == -1 && scheme.equals("udp")) {
            throw new BadInputException("a udp url needs a port: udp://host:port");
        }
        if (port == -1) {
            port = scheme.equals("https") ? 443 : 80;
        }
        if (port < 1 || port > 65535) {
            throw new BadInputException("url port out of range: " + port);
        }
        String host = uri.getHost();
        host = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String pathAndQuery = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new Target(uri, scheme, host, port, pathAndQuery);
    }

    /**
     * The target a {@code Location} header points to, relative to this one.
     *
     * @throws ForbiddenTargetException for a scheme other than http or https
     * @throws BadInputException        for a Location that is not a URL
     */
    Target redirect(String location) {
        URI next;
        try {
            next = uri.resolve(new URI(location.trim()));
        } catch (Exception e) {
            throw new BadInputException("redirect Location is not a valid URL: " + location);
        }
        String nextScheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!nextScheme.equals("http") && !nextScheme.equals("https")) {
            throw new ForbiddenTargetException("redirect to " + nextScheme + ": refused, only http and https are followed");
        }
        return parse(next.toString());
    }

    boolean tls() {
        return scheme.equals("https");
    }

    boolean udp() {
        return scheme.equals("udp");
    }

    boolean sameOrigin(Target other) {
        return scheme.equals(other.scheme) && host.equalsIgnoreCase(other.host) && port == other.port;
    }

    /** The Host header: the URL's authority without user info, the port only when not the scheme's default. */
    String hostHeader() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        boolean defaultPort = port == (tls() ? 443 : 80);
        return defaultPort ? h : h + ":" + port;
    }

    /** For logs: no query string (it may carry secrets). */
    String display() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return scheme + "://" + h + ":" + port + (udp() ? "" : pathAndQuery.replaceFirst("\\?.*", ""));
    }
}
