/** The node network (kind's Docker network without Docker): network namespaces, the bridge between nodes, who gets which address. */
package dev.netpaths.lab.net;
