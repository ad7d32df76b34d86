/** Processes: starting them journaled, reading /proc, running commands with bounded waits, pod memory. */
package dev.netpaths.lab.proc;
