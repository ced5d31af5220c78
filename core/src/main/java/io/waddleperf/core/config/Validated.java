package io.waddleperf.core.config;

/**
 * A config record that checks itself once per load, after it and all its nested records are built: ranges and
 * rules between components. Report each problem with {@link Problems#add}; the loader prefixes the key path and the
 * value's origin and collects the problems of the whole tree into one {@link ConfigException}. (Checks that must
 * hold for every instance, also ones built in code, belong in the compact constructor instead: an
 * {@link IllegalArgumentException} thrown there is reported the same way.)
 */
public interface Validated {

    void validate(Problems problems);
}
