package dev.netpaths.caller;

/**
 * Why an attempt failed; the contract's closed list (docs/architecture.md). DNS_FAILURE: DNS answered that the
 * name has no address (NXDOMAIN or no records, every candidate); DNS_TIMEOUT: no definite answer (no reply within
 * the budget, a server failure, or no usable nameserver).
 */
public enum ErrorKind {
    DNS_FAILURE, DNS_TIMEOUT, REFUSED, CONNECT_TIMEOUT, READ_TIMEOUT, RESET, UNREACHABLE, HTTP_STATUS, TLS, PROTOCOL, OTHER
}
