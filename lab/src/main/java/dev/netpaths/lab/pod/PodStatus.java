package dev.netpaths.lab.pod;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The status kubelet reports for a running pod: phase, the four pod conditions and a status per container. */
public final class PodStatus {
    private PodStatus() {
    }

    public static void running(Pod pod, boolean ready) {
        String now = Instant.now().toString();
        var status = pod.getStatus();
        status.setPhase("Running");
        if (status.getStartTime() == null) {
            status.setStartTime(now);
        }
        String r = ready ? "True" : "False";
        List<PodCondition> before = Optional.ofNullable(status.getConditions()).orElse(List.of());
        status.setConditions(List.of(
                condition(before, "PodScheduled", "True", now),
                condition(before, "Initialized", "True", now),
                condition(before, "ContainersReady", r, now),
                condition(before, "Ready", r, now)));
        status.setInitContainerStatuses(Optional.ofNullable(pod.getSpec().getInitContainers()).orElse(List.of()).stream()
                .map(c -> containerStatus(c.getName(), c.getImage(), ready, status.getStartTime(), 0)).toList());
        int restarts = restartCount(pod);
        status.setContainerStatuses(pod.getSpec().getContainers().stream()
                .map(c -> containerStatus(c.getName(), c.getImage(), ready, status.getStartTime(), restarts)).toList());
    }

    /** kubelet restarted the pod's containers: their restartCount, kept by later status updates. */
    public static void restarted(Pod pod, int restartCount) {
        Optional.ofNullable(pod.getStatus().getContainerStatuses()).orElse(List.of()).forEach(c -> c.setRestartCount(restartCount));
        running(pod, false);
    }

    public static int restartCount(Pod pod) {
        return Optional.ofNullable(pod.getStatus().getContainerStatuses()).orElse(List.of()).stream()
                .mapToInt(c -> Optional.ofNullable(c.getRestartCount()).orElse(0)).max().orElse(0);
    }

    /**
     * A pod whose container exited at {@code up} (the lab restarts nothing): Ready and ContainersReady False with
     * kubelet's reason ContainersNotReady, the exited containers {@code terminated} (reason Error, the lab's message:
     * which process exited and the end of its log), the others still running. The harness reads this from
     * cluster.yaml exactly as it reads a crash-looping pod's status on a cluster.
     */
    public static void failed(Pod pod, java.util.Collection<String> exited, String message) {
        running(pod, false);
        var status = pod.getStatus();
        String why = message.length() > 1000 ? message.substring(0, 1000) + "..." : message;
        String notReady = "containers with unready status: " + exited.stream().sorted().toList();
        status.getConditions().stream().filter(c -> "Ready".equals(c.getType()) || "ContainersReady".equals(c.getType()))
                .forEach(c -> {
                    c.setReason("ContainersNotReady");
                    c.setMessage(notReady);
                });
        java.util.function.UnaryOperator<ContainerStatus> mark = cs -> !exited.contains(cs.getName()) ? cs
                : new ContainerStatusBuilder(cs).withReady(false).withStarted(false)
                        .withState(new ContainerStateBuilder().withNewTerminated().withReason("Error").withMessage(why)
                                .withStartedAt(status.getStartTime()).withFinishedAt(Instant.now().toString()).endTerminated().build())
                        .build();
        status.setInitContainerStatuses(status.getInitContainerStatuses().stream().map(mark).toList());
        status.setContainerStatuses(status.getContainerStatuses().stream().map(mark).toList());
    }

    public static boolean isReady(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** A condition keeps its lastTransitionTime while its status stays the same, as kubelet's do. */
    private static PodCondition condition(List<PodCondition> before, String type, String status, String now) {
        Optional<PodCondition> same = before.stream().filter(c -> type.equals(c.getType()) && status.equals(c.getStatus())).findFirst();
        if (same.isPresent()) {
            return same.get();
        }
        PodCondition c = new PodCondition();
        c.setType(type);
        c.setStatus(status);
        c.setLastTransitionTime(now);
        return c;
    }

    private static ContainerStatus containerStatus(String name, String image, boolean ready, String startedAt, int restarts) {
        return new ContainerStatusBuilder().withName(name).withImage(image).withReady(ready).withStarted(true)
                .withRestartCount(restarts)
                .withState(new ContainerStateBuilder().withNewRunning().withStartedAt(startedAt).endRunning().build())
                .build();
    }
}
