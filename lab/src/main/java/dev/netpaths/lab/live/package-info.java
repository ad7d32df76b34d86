/** Changing a running lab: re-reading it from its state dir, the reconcile loop, the live verbs' effects. */
package dev.netpaths.lab.live;
