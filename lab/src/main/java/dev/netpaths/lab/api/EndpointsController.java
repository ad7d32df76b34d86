package dev.netpaths.lab.api;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The EndpointSlice controller: for every Service with a selector (not ExternalName), IPv4
 * {@code discovery.k8s.io/v1} slices {@code <service>-<5 chars>} (deterministic suffix) with the pods of the
 * same namespace that match the selector, have a {@code status.podIP} and are not Succeeded/Failed. Ports are
 * resolved per pod as the real controller does: a named {@code targetPort} becomes the pod's containerPort
 * of that name and protocol (init containers included, for native sidecars); a pod lacking it gets no such
 * port; pods with different resolved port sets go to separate slices. Endpoint conditions: {@code ready}
 * from the pod's {@code Ready} condition (always true with {@code publishNotReadyAddresses}),
 * {@code serving} the pod's readiness, {@code terminating} false. Each endpoint has {@code nodeName},
 * {@code targetRef} to the pod and {@code hostname} when the pod sets {@code spec.hostname} and its
 * {@code spec.subdomain} is the Service's name. Labels {@code kubernetes.io/service-name} and
 * {@code endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io}; owner reference to the
 * Service. Endpoints are ordered by pod name.
 *
 * <p>Simplified: no 100-endpoint slice limit, no zone hints, no dual-stack, no terminating endpoints.
 */
public final class EndpointsController {
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private EndpointsController() {
    }

    /** The slices for all {@code services}, in Service order (inputs untouched). */
    public static List<EndpointSlice> slices(List<Service> services, List<Pod> pods) {
        List<EndpointSlice> slices = new ArrayList<>();
        for (Service service : services) {
            Map<String, String> selector = service.getSpec().getSelector();
            if ("ExternalName".equals(service.getSpec().getType()) || selector == null || selector.isEmpty()) {
                continue;
            }
            Map<List<EndpointPort>, List<Endpoint>> groups = new LinkedHashMap<>();
            pods.stream()
                    .filter(p -> Kube.namespace(p).equals(Kube.namespace(service)))
                    .filter(p -> Kube.matchesMap(selector, Kube.labels(p)))
                    .filter(p -> Kube.podIp(p) != null)
                    .filter(p -> p.getStatus().getPhase() == null
                            || !List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()))
                    .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                    .forEach(pod -> groups.computeIfAbsent(ports(service, pod), k -> new ArrayList<>())
                            .add(endpoint(service, pod)));
            groups.forEach((ports, endpoints) -> slices.add(slice(service, ports, endpoints)));
        }
        return slices;
    }

    private static EndpointSlice slice(Service service, List<EndpointPort> ports, List<Endpoint> endpoints) {
        String name = service.getMetadata().getName();
        return new EndpointSliceBuilder()
                .withNewMetadata()
                .withName(name + "-" + Kube.suffix(Kube.key(service) + ports))
                .withNamespace(Kube.namespace(service))
                .addToLabels(SERVICE_NAME_LABEL, name)
                .addToLabels("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Service").withName(name)
                        .withUid(service.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build())
                .endMetadata()
                .withAddressType("IPv4")
                .withEndpoints(endpoints)
                .withPorts(ports)
                .build();
    }

    private static Endpoint endpoint(Service service, Pod pod) {
        boolean ready = Kube.isReady(pod);
        boolean published = Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
        String hostname = pod.getSpec().getHostname() != null && !pod.getSpec().getHostname().isEmpty()
                && service.getMetadata().getName().equals(pod.getSpec().getSubdomain())
                ? pod.getSpec().getHostname() : null;
        return new EndpointBuilder()
                .withAddresses(Kube.podIp(pod))
                .withNewConditions().withReady(ready || published).withServing(ready).withTerminating(false).endConditions()
                .withHostname(hostname)
                .withNodeName(Scheduler.nodeName(pod))
                .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withNamespace(Kube.namespace(pod))
                        .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).build())
                .build();
    }

    private static List<EndpointPort> ports(Service service, Pod pod) {
        List<EndpointPort> ports = new ArrayList<>();
        if (service.getSpec().getPorts() == null) {
            return ports;
        }
        for (ServicePort port : service.getSpec().getPorts()) {
            String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
            Integer number = targetPort(port, protocol, pod);
            if (number != null) {
                ports.add(new EndpointPortBuilder().withName(port.getName() == null ? "" : port.getName())
                        .withPort(number).withProtocol(protocol).withAppProtocol(port.getAppProtocol()).build());
            }
        }
        return ports;
    }

    /** The pod's port for a Service port, or null when a named target port is not on the pod. */
    private static Integer targetPort(ServicePort port, String protocol, Pod pod) {
        IntOrString target = port.getTargetPort();
        if (target == null) {
            return port.getPort();
        }
        if (target.getStrVal() == null) {
            return target.getIntVal();
        }
        List<Integer> named = Kube.namedPorts(pod, target.getStrVal(), protocol);
        return named.isEmpty() ? null : named.get(0);
    }

    /** The slices that belong to {@code service} (by namespace and the service-name label). */
    public static List<EndpointSlice> slicesOf(Service service, List<EndpointSlice> slices) {
        return slices.stream()
                .filter(s -> Kube.namespace(s).equals(Kube.namespace(service)))
                .filter(s -> Objects.equals(Kube.labels(s).get(SERVICE_NAME_LABEL), service.getMetadata().getName()))
                .toList();
    }

    /** A ready endpoint of one Service port: the pod IP, the resolved port, the node it runs on. */
    public record ReadyEndpoint(String ip, int port, String nodeName) {
        public String address() {
            return ip + ":" + port;
        }
    }

    /**
     * The ready endpoints of one Service port across the Service's slices (slice port matched by name and
     * protocol, as kube-proxy and ingress controllers read them), sorted by {@code ip:port} and distinct.
     */
    public static List<ReadyEndpoint> readyEndpoints(Service service, ServicePort port, List<EndpointSlice> slices) {
        String portName = port.getName() == null ? "" : port.getName();
        String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
        Map<String, ReadyEndpoint> endpoints = new TreeMap<>();
        for (EndpointSlice slice : slicesOf(service, slices)) {
            for (EndpointPort ep : slice.getPorts() == null ? List.<EndpointPort>of() : slice.getPorts()) {
                if (ep.getPort() == null || !portName.equals(ep.getName() == null ? "" : ep.getName())
                        || !protocol.equals(ep.getProtocol() == null ? "TCP" : ep.getProtocol())) {
                    continue;
                }
                for (Endpoint endpoint : slice.getEndpoints()) {
                    if (isReady(endpoint)) {
                        for (String ip : endpoint.getAddresses()) {
                            ReadyEndpoint ready = new ReadyEndpoint(ip, ep.getPort(), endpoint.getNodeName());
                            endpoints.putIfAbsent(ready.address(), ready);
                        }
                    }
                }
            }
        }
        return new ArrayList<>(endpoints.values());
    }

    /** {@code conditions.ready}; unset means ready, as the API documents. */
    public static boolean isReady(Endpoint endpoint) {
        return endpoint.getConditions() == null || !Boolean.FALSE.equals(endpoint.getConditions().getReady());
    }
}
