/** The journal of everything the lab creates, and the teardown that removes exactly that. */
package dev.netpaths.lab.state;
