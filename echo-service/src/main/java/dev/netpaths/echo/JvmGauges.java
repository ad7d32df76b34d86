package dev.netpaths.echo;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;

/**
 * The JVM's gauges (memory pools, threads, loaded classes), read only when {@code /q/metrics} is scraped, in place
 * of Quarkus's JVM binder ({@code quarkus.micrometer.binder.jvm}, off in application.properties). That binder also
 * binds Micrometer's {@code JvmGcMetrics} and {@code JvmHeapPressureMetrics}, which listen to every garbage
 * collection through JMX notifications: under load (20 to 25 young collections a second on one core) their work
 * runs in the JVM's Notification Thread on the event loop's core and keeps C2 compiling it, and echo's p99 was
 * 2.7 to 3.4 ms with them, 1.6 to 1.7 ms without (docs/benchmarks.md, figure 1). Quarkus binds every
 * {@link MeterBinder} bean to its registry (quarkusio/quarkus, MicrometerRecorder.configureRegistries).
 */
class JvmGauges {

    @Produces
    @Singleton
    MeterBinder memory() {
        return new JvmMemoryMetrics();
    }

    @Produces
    @Singleton
    MeterBinder threads() {
        return new JvmThreadMetrics();
    }

    @Produces
    @Singleton
    MeterBinder classes() {
        return new ClassLoaderMetrics();
    }
}
