/**
 * The CNIs (Flannel, Calico, Weave): the node-level wiring each agent does, the conf kubelet hands the reference
 * plugin per pod, running the plugin, and Calico's BGP (bird) and NAT (felix) pieces.
 */
package dev.netpaths.lab.cni;
