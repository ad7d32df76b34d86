package dev.netpaths.lab.addons;

import java.util.List;

/**
 * Where one nginx stand-in keeps its files and which ports it listens on inside its pod.
 *
 * @param prefix      an absolute directory, writable, for the pid file, logs and temp dirs (the runtime creates
 *                    it; nginx creates the temp subdirectories itself)
 * @param listenPorts the HTTP ports nginx listens on in the pod (the controller Service's target ports: 80 for
 *                    the ingress controller and Istio's gateway, the Gateway's listener ports for Envoy Gateway)
 */
public record NginxPaths(String prefix, List<Integer> listenPorts) {
    public NginxPaths {
        if (prefix == null || !prefix.startsWith("/")) {
            throw new IllegalArgumentException("nginx prefix must be an absolute path: " + prefix);
        }
        if (listenPorts == null || listenPorts.isEmpty()) {
            throw new IllegalArgumentException("nginx needs at least one listen port");
        }
        for (int port : listenPorts) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("nginx listen port out of range: " + port);
            }
        }
        listenPorts = List.copyOf(listenPorts);
    }

    public NginxPaths(String prefix, int listenPort) {
        this(prefix, List.of(listenPort));
    }
}
