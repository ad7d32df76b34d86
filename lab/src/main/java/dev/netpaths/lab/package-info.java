/** The lab's runtime: bringing a lab up and down, and each cluster's objects, pods, node rules and add-ons at run time. */
package dev.netpaths.lab;
