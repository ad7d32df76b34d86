/** kubelet and containerd for the lab: a pod's sandbox, its containers as processes, env, probes, status, and the dnsmasq stand-in. */
package dev.netpaths.lab.pod;
