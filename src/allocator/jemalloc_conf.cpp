// jemalloc settings compiled into the binaries that link it (read by jemalloc at start-up).
//
// Freed pages are handed back to the kernel after 30 s instead of 10 s: the pipeline frees and
// reallocates the same few megabytes for every batch of alerts, and returning them sooner only
// costs page faults when they come back (bench/triage_bench: about 2 us per alert). MALLOC_CONF
// in the environment still overrides this.
extern "C" {
// NOLINTNEXTLINE: the name is jemalloc's documented hook.
const char* malloc_conf = "dirty_decay_ms:30000,muzzy_decay_ms:30000";
}
