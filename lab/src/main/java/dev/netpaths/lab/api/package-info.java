/**
 * The lab's API machinery: reading manifests, the controllers that turn workloads into scheduled pods, Service
 * admission and the EndpointSlice controller. Pure functions from Kubernetes objects (fabric8 model) to the objects
 * the real API server and controllers would produce; nothing here runs a process, writes a file or opens a socket.
 *
 * <p>Order the runtime follows: {@link dev.netpaths.lab.api.Manifests#parse} the manifests, add the
 * {@link dev.netpaths.lab.addons add-ons}' objects, {@link dev.netpaths.lab.api.Workloads#expand} into pods
 * (scheduled), {@link dev.netpaths.lab.api.ServiceAllocator#admit} and {@link dev.netpaths.lab.addons.MetalLb#assign}
 * the Services, start pods and set their IP and Ready condition, then
 * {@link dev.netpaths.lab.api.EndpointsController#slices} and render the {@link dev.netpaths.lab.dataplane data plane}
 * and the add-ons' configurations.
 */
package dev.netpaths.lab.api;
