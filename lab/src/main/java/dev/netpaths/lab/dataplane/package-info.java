/**
 * The data plane per node: kube-proxy's rules (iptables or nftables mode), reading them back for {@code rules},
 * and the NetworkPolicy enforcer. Pure functions from objects to {@code iptables-restore} / {@code nft -f} text.
 */
package dev.netpaths.lab.dataplane;
