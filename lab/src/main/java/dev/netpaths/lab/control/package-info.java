/**
 * The lab's controllers: pure functions from Kubernetes objects (fabric8 model) to the decisions and the
 * configuration text the real controllers would produce. Nothing here runs a process, writes a file or opens
 * a socket; the lab runtime applies what these classes return inside its network namespaces.
 *
 * <p>Order the runtime follows: {@link dev.netpaths.lab.control.Manifests#parse} the manifests, add
 * {@link dev.netpaths.lab.control.ClusterAddons}, {@link dev.netpaths.lab.control.Workloads#expand} into pods
 * (scheduled), {@link dev.netpaths.lab.control.ServiceAllocator#admit} and
 * {@link dev.netpaths.lab.control.MetalLb#assign} the Services, start pods and set their IP and Ready condition,
 * then {@link dev.netpaths.lab.control.EndpointsController#slices} and render the data plane
 * ({@link dev.netpaths.lab.control.KubeProxy}, {@link dev.netpaths.lab.control.NetworkPolicies},
 * {@link dev.netpaths.lab.control.ClusterDns}, the nginx stand-ins).
 */
package dev.netpaths.lab.control;
