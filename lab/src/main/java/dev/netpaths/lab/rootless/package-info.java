/** The rootless lab: preflight checks, the user-namespace holder and the state dirs a non-root lab uses. */
package dev.netpaths.lab.rootless;
