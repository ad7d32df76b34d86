package dev.netpaths.testsupport;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The endpoints JAX-RS resource classes declare, as {@code METHOD /path} ({@code GET /call}), read from their
 * annotations by name ({@code jakarta.ws.rs.Path}, and any annotation meta-annotated {@code jakarta.ws.rs.HttpMethod}),
 * so that a README's endpoint table can be held to the code without this module depending on JAX-RS.
 */
public final class ResourcePaths {
    private ResourcePaths() {
    }

    /** Every resource method of these classes as {@code METHOD /path}, the class's path and the method's joined. */
    public static Set<String> of(Class<?>... resources) {
        Set<String> out = new TreeSet<>();
        for (Class<?> resource : resources) {
            String base = path(resource).orElseThrow(() -> new AssertionError(resource.getName() + " has no @Path"));
            for (Method m : resource.getDeclaredMethods()) {
                Optional<String> verb = httpMethod(m);
                if (verb.isPresent()) {
                    out.add(verb.get() + " " + join(base, path(m).orElse("")));
                }
            }
        }
        return out;
    }

    /** The path alone ({@code /status/{code}}) of each {@code METHOD /path}. */
    public static Set<String> pathsOf(Set<String> endpoints) {
        Set<String> out = new TreeSet<>();
        endpoints.forEach(e -> out.add(e.substring(e.indexOf(' ') + 1)));
        return out;
    }

    static String join(String base, String sub) {
        String a = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        String b = sub.startsWith("/") ? sub.substring(1) : sub;
        String joined = b.isEmpty() ? a : a + "/" + b;
        return joined.isEmpty() ? "/" : (joined.startsWith("/") ? joined : "/" + joined);
    }

    private static Optional<String> path(AnnotatedElement element) {
        for (Annotation a : element.getAnnotations()) {
            if (a.annotationType().getName().equals("jakarta.ws.rs.Path")) {
                return Optional.of(value(a));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            for (Annotation meta : a.annotationType().getAnnotations()) {
                if (meta.annotationType().getName().equals("jakarta.ws.rs.HttpMethod")) {
                    return Optional.of(value(meta));
                }
            }
        }
        return Optional.empty();
    }

    private static String value(Annotation a) {
        try {
            return (String) a.annotationType().getMethod("value").invoke(a);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
