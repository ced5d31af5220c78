# Shared by the manager bench scripts that run a bench class of manager/src/test/java in a JVM of their own. Source it
# from a script that has cd'd to the repository root, then call manager_bench_init.

# manager_bench_init: JDK 25, the manager's main and test classes compiled, their classpath in "cp"; prints the load.
# BENCH_CLASSES_FIRST=<dir> puts a directory of compiled manager classes ahead of the build's (an older commit's, for
# a before/after comparison with the same benchmark in the same run). Only for a commit with the same migrations:
# Flyway finds the build's newer migrations too, and runs them with the older classes. Otherwise run the script in a
# worktree of the older commit (git worktree add).
manager_bench_init() {
  export JAVA_HOME="${JAVA_HOME:-$(ls -d /usr/lib/jvm/*25* | head -1)}"
  ./mvnw -B -ntp -q -pl manager -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath >&2
  cp="manager/target/test-classes:${BENCH_CLASSES_FIRST:+$BENCH_CLASSES_FIRST:}manager/target/classes:$(cat manager/target/bench.classpath)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores" >&2
}
