package dev.netpaths.manifests;

/**
 * A route's reference to a Service port, wherever it comes from (Ingress, HTTPRoute, VirtualService).
 *
 * @param route     the routing object
 * @param field     the field path of the reference in it
 * @param namespace the Service's namespace
 * @param service   the Service's name
 * @param portName  the Service port by name, or null
 * @param port      the Service port by number, or 0 (then {@code portName}, or the Service's only port)
 * @param weight    the weight, or -1 when the API has none here
 */
public record Backend(Manifest route, String field, String namespace, String service, String portName, int port, int weight) {

    public String target() {
        return namespace + "/" + service;
    }
}
