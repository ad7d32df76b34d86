package dev.netpaths.lab.pod;

import dev.netpaths.lab.addons.ClusterAddons.Addon;
import dev.netpaths.lab.net.AddressPlan.NodePlan;
import dev.netpaths.lab.proc.Launcher.Started;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A pod as the lab runs it: the API object (whose status the lab keeps), its namespace, node and processes. */
public final class RunningPod {
    private final Pod pod;
    private final String netns;
    private final NodePlan node;
    private final Optional<Addon> addon;
    private final Map<String, Started> processes = Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile boolean ready;
    private volatile String failure;
    /** The containers whose startupProbe has succeeded (kubelet's started state; a restart clears it). */
    private final java.util.Set<String> started = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public RunningPod(Pod pod, String netns, NodePlan node, Optional<Addon> addon) {
        this.pod = pod;
        this.netns = netns;
        this.node = node;
        this.addon = addon;
    }

    public Pod pod() {
        return pod;
    }

    public String netns() {
        return netns;
    }

    public NodePlan node() {
        return node;
    }

    /** The add-on this pod stands in for (dnsmasq or nginx instead of a JVM), if any. */
    public Optional<Addon> addon() {
        return addon;
    }

    /** Container (or stand-in program) name -> its process. */
    public java.util.Set<String> started() {
        return started;
    }

    public Map<String, Started> processes() {
        return processes;
    }

    public String ip() {
        return pod.getStatus().getPodIP();
    }

    public String key() {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    public boolean ready() {
        return ready;
    }

    public void ready(boolean ready) {
        this.ready = ready;
    }

    /** Why a container of this pod exited, or null while none has (the lab restarts nothing: no CrashLoopBackOff). */
    public String failure() {
        return failure;
    }

    public void failed(String why) {
        this.failure = why;
    }
}
