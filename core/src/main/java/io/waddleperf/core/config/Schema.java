package io.waddleperf.core.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a config record looks like to the loader: its components by external name, the value types it supports, and
 * where its defaults come from. Reflection lives here only.
 */
final class Schema {

    /** How a {@code long} is spelled in sources. */
    enum Unit { NONE, BYTES, BIT_RATE }

    /** One record component: external name, Java type, unit and accessor. */
    record Component(String key, String name, Type type, Unit unit, Method accessor) {

        Object get(Object record) {
            try {
                return accessor.invoke(record);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + name + " of " + record.getClass().getName(), e);
            }
        }
    }

    private static final Set<Class<?>> SCALARS = Set.of(String.class, Secret.class, int.class, Integer.class,
            long.class, Long.class, boolean.class, Boolean.class, double.class, Double.class, Duration.class,
            Path.class, URI.class);

    private static final ClassValue<List<Component>> COMPONENTS = new ClassValue<>() {
        @Override
        protected List<Component> computeValue(Class<?> type) {
            List<Component> out = new ArrayList<>();
            for (RecordComponent rc : type.getRecordComponents()) {
                Method accessor = rc.getAccessor();
                accessor.setAccessible(true);
                out.add(new Component(Names.snake(rc.getName()), rc.getName(), rc.getGenericType(), unit(rc),
                        accessor));
            }
            return List.copyOf(out);
        }
    };

    private Schema() {
    }

    static List<Component> components(Class<?> recordType) {
        return COMPONENTS.get(recordType);
    }

    /** Whether a value of {@code type} is a secret, so its key {@code x} also has a file form {@code x_file}. */
    static boolean isSecret(Type type) {
        return type == Secret.class || type instanceof ParameterizedType p && p.getRawType() == List.class
                && inner(type) == Secret.class;
    }

    /** The key that names a file holding the secret of {@code key}. */
    static String fileKey(String key) {
        return key + "_file";
    }

    /** Every key a user may write inside {@code recordType}: its components plus {@code x_file} for each secret. */
    static List<String> keys(Class<?> recordType) {
        List<String> out = new ArrayList<>();
        for (Component c : components(recordType)) {
            out.add(c.key());
            if (isSecret(c.type())) {
                out.add(fileKey(c.key()));
            }
        }
        return out;
    }

    static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    /** The element type of a {@code List<X>} or the value type of a {@code Map<String, X>}. */
    static Type inner(Type type) {
        Type[] args = ((ParameterizedType) type).getActualTypeArguments();
        return args[args.length - 1];
    }

    static boolean isSection(Type type) {
        Class<?> raw = raw(type);
        return raw.isRecord() || raw == Map.class;
    }

    /**
     * The record's own defaults from its static no-argument {@code defaults()} method, or null when it has none (then
     * every key is required).
     */
    static Object classDefaults(Class<?> recordType) {
        Method method;
        try {
            method = recordType.getDeclaredMethod("defaults");
        } catch (NoSuchMethodException e) {
            return null;
        }
        if (!Modifier.isStatic(method.getModifiers()) || !recordType.isAssignableFrom(method.getReturnType())) {
            return null;
        }
        try {
            method.setAccessible(true);
            return method.invoke(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call " + recordType.getName() + ".defaults()", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(recordType.getName() + ".defaults() failed", e.getCause());
        }
    }

    /** Builds a record through its canonical constructor; an exception thrown there is returned as the message. */
    static Object construct(Class<?> recordType, Object[] args) throws InvocationTargetException {
        Class<?>[] types = Arrays.stream(recordType.getRecordComponents()).map(RecordComponent::getType)
                .toArray(Class<?>[]::new);
        try {
            Constructor<?> constructor = recordType.getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return constructor.newInstance(args);
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException("cannot construct " + recordType.getName(), e);
        }
    }

    /**
     * Checks that every component reachable from {@code type} has a supported type, so that a record the loader
     * cannot fill fails when the loader is made, not when a user's file happens to set the key.
     */
    static void check(Type type, Unit unit, String path, Set<Class<?>> visiting) {
        Class<?> raw = raw(type);
        if (raw.isRecord()) {
            if (!visiting.add(raw)) {
                throw unsupported(path, "a record that contains itself");
            }
            Set<String> keys = new HashSet<>();
            for (String key : keys(raw)) {
                if (!keys.add(key)) {
                    throw unsupported(Names.join(path, key), "two keys with the same snake_case name");
                }
            }
            for (Component c : components(raw)) {
                check(c.type(), c.unit(), Names.join(path, c.key()), visiting);
            }
            visiting.remove(raw);
        } else if (raw == List.class || raw == Map.class) {
            if (!(type instanceof ParameterizedType p)) {
                throw unsupported(path, "a raw " + raw.getSimpleName());
            }
            if (raw == Map.class && p.getActualTypeArguments()[0] != String.class) {
                throw unsupported(path, "a map whose keys are not String");
            }
            if (raw == Map.class && inner(type) == Secret.class) {
                throw unsupported(path, "a Map of secrets (no x_file form for map entries: use a record or a "
                        + "List<Secret>)");
            }
            check(inner(type), unit, path + (raw == List.class ? "[]" : ".*"), visiting);
        } else if (!(SCALARS.contains(raw) || raw.isEnum())) {
            throw unsupported(path, "type " + type.getTypeName());
        } else if (unit != Unit.NONE && raw != long.class && raw != Long.class) {
            throw unsupported(path, "@Bytes/@BitRate on " + type.getTypeName() + " (only long or Long)");
        }
    }

    /**
     * Every dotted key path that leads through records only (the keys a user can name, {@code x_file} forms
     * included), for suggestions and listings.
     */
    static List<String> keyPaths(Class<?> recordType, String prefix) {
        List<String> out = new ArrayList<>();
        for (Component c : components(recordType)) {
            String path = Names.join(prefix, c.key());
            out.add(path);
            if (isSecret(c.type())) {
                out.add(fileKey(path));
            }
            if (raw(c.type()).isRecord()) {
                out.addAll(keyPaths(raw(c.type()), path));
            }
        }
        return out;
    }

    /** What a value of {@code type} must look like, for "expected …" messages. */
    static String expected(Type type, Unit unit) {
        Class<?> raw = raw(type);
        if (raw.isRecord() || raw == Map.class) {
            return "a mapping of keys";
        }
        if (raw == List.class) {
            return "a list";
        }
        if (raw.isEnum()) {
            return "one of " + Arrays.stream(raw.getEnumConstants()).map(e -> ((Enum<?>) e).name().toLowerCase())
                    .collect(Collectors.joining(", "));
        }
        return switch (unit) {
            case BYTES -> "a size in bytes (64, 64K, 1.5M)";
            case BIT_RATE -> "a bit rate (100M, 1.5G, 64Kbps)";
            case NONE -> scalarExpected(raw);
        };
    }

    private static String scalarExpected(Class<?> raw) {
        if (raw == int.class || raw == Integer.class) {
            return "an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
        } else if (raw == long.class || raw == Long.class) {
            return "an integer";
        } else if (raw == boolean.class || raw == Boolean.class) {
            return "true or false";
        } else if (raw == double.class || raw == Double.class) {
            return "a number";
        } else if (raw == Duration.class) {
            return "a duration (250us, 5ms, 1.5s, 2m, 1h; a bare number means seconds)";
        } else if (raw == Path.class) {
            return "a file path";
        } else if (raw == URI.class) {
            return "a URI";
        }
        return "a string";
    }

    private static Unit unit(RecordComponent rc) {
        boolean bytes = rc.isAnnotationPresent(Bytes.class);
        boolean rate = rc.isAnnotationPresent(BitRate.class);
        if (bytes && rate) {
            throw new IllegalArgumentException(rc.getDeclaringRecord().getName() + "." + rc.getName()
                    + " cannot be both @Bytes and @BitRate");
        }
        return bytes ? Unit.BYTES : rate ? Unit.BIT_RATE : Unit.NONE;
    }

    private static IllegalArgumentException unsupported(String path, String what) {
        return new IllegalArgumentException("config key '" + path + "' has " + what + "; supported: records, "
                + "List<X>, Map<String, X>, String, Secret (alone or in a List), int, long, boolean, double (boxed or not), Duration, "
                + "Path, URI, enums");
    }
}
