/** The lab's command line (picocli): options, subcommands and exit codes. */
package dev.netpaths.lab.cli;
