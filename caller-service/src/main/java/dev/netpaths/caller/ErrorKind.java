package dev.netpaths.caller;

/** Why an attempt failed; the contract's closed list (docs/architecture.md). */
public enum ErrorKind {
    DNS_FAILURE, REFUSED, CONNECT_TIMEOUT, READ_TIMEOUT, RESET, UNREACHABLE, HTTP_STATUS, TLS, PROTOCOL, OTHER
}
