package dev.netpaths.lab.control;

/**
 * Where one nginx stand-in keeps its files and which port it listens on inside its pod.
 *
 * @param prefix     an absolute directory, writable, for the pid file, logs and temp dirs (the runtime creates
 *                   it; nginx creates the temp subdirectories itself)
 * @param listenPort the HTTP port nginx listens on in the pod (the controller Service's target port, 80)
 */
public record NginxPaths(String prefix, int listenPort) {
    public NginxPaths {
        if (prefix == null || !prefix.startsWith("/")) {
            throw new IllegalArgumentException("nginx prefix must be an absolute path: " + prefix);
        }
        if (listenPort < 1 || listenPort > 65535) {
            throw new IllegalArgumentException("nginx listen port out of range: " + listenPort);
        }
    }
}
