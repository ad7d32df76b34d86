/**
 * The cluster add-ons the lab stands in: cluster DNS, the ingress controller, Envoy Gateway, Istio's ingress gateway
 * and MetalLB, with the objects each installs and the configuration each renders.
 */
package dev.netpaths.lab.addons;
