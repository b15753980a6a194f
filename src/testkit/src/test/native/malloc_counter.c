/*
 * An LD_PRELOAD allocation counter for leak attribution (test helper, Linux/glibc).
 *
 * Every malloc/calloc/realloc/memalign family call is recorded in a table keyed by pointer with
 * its usable size and the library that asked for it: the first frame of the call stack that is
 * not the C/C++ runtime (libc, libstdc++, libgcc) nor this file. free removes the record. A test
 * reads the live bytes per library through mc_* (bound with FFM), between load/close cycles:
 * what keeps growing per cycle is a leak, and the library says whose.
 *
 * Build: cc -O2 -shared -fPIC -o libmalloc_counter.so malloc_counter.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define TABLE_BITS 22
#define TABLE_SIZE (1u << TABLE_BITS)
#define MAX_LIBS 64
#define DEPTH 12

typedef struct { uintptr_t ptr; uint32_t size; int16_t lib; } entry;

static entry *table;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char lib_names[MAX_LIBS][256];
static int64_t lib_live[MAX_LIBS];
static int64_t lib_count[MAX_LIBS];
static int n_libs = 1; /* 0: unknown */
static int enabled;
static __thread int busy;

static void *(*real_malloc)(size_t);
static void (*real_free)(void *);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);

/* calloc is called by dlsym itself: serve it from a static buffer until the real one is known */
static char bootstrap[65536];
static size_t bootstrap_used;

static void init(void) {
    if (real_malloc) return;
    real_calloc = dlsym(RTLD_NEXT, "calloc");
    real_malloc = dlsym(RTLD_NEXT, "malloc");
    real_free = dlsym(RTLD_NEXT, "free");
    real_realloc = dlsym(RTLD_NEXT, "realloc");
    real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    real_memalign = dlsym(RTLD_NEXT, "memalign");
    table = mmap(NULL, sizeof(entry) * TABLE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    strcpy(lib_names[0], "?");
}

static int is_runtime(const char *f) {
    return strstr(f, "libc.so") || strstr(f, "libstdc++") || strstr(f, "libgcc") || strstr(f, "malloc_counter")
        || strstr(f, "ld-linux");
}

static int lib_of_caller(void) {
    void *frames[DEPTH];
    int n = backtrace(frames, DEPTH);
    for (int i = 1; i < n; i++) {
        Dl_info info;
        if (dladdr(frames[i], &info) && info.dli_fname && !is_runtime(info.dli_fname)) {
            const char *base = strrchr(info.dli_fname, '/');
            base = base ? base + 1 : info.dli_fname;
            for (int l = 1; l < n_libs; l++) {
                if (strcmp(lib_names[l], base) == 0) return l;
            }
            if (n_libs < MAX_LIBS) {
                strncpy(lib_names[n_libs], base, 255);
                return n_libs++;
            }
            return 0;
        }
    }
    return 0;
}

static size_t slot(uintptr_t p) {
    return (size_t) ((p >> 4) * 0x9E3779B97F4A7C15ull >> (64 - TABLE_BITS));
}

static void record(void *p) {
    if (!p || !enabled || busy || !table) return;
    busy = 1;
    int lib = lib_of_caller();
    size_t size = malloc_usable_size(p);
    pthread_mutex_lock(&lock);
    for (size_t i = slot((uintptr_t) p), k = 0; k < TABLE_SIZE; i = (i + 1) & (TABLE_SIZE - 1), k++) {
        if (table[i].ptr == 0 || table[i].ptr == 1) {
            table[i].ptr = (uintptr_t) p;
            table[i].size = (uint32_t) (size > UINT32_MAX ? UINT32_MAX : size);
            table[i].lib = (int16_t) lib;
            lib_live[lib] += size;
            lib_count[lib]++;
            break;
        }
    }
    pthread_mutex_unlock(&lock);
    busy = 0;
}

static void forget(void *p) {
    if (!p || !table) return;
    pthread_mutex_lock(&lock);
    for (size_t i = slot((uintptr_t) p), k = 0; k < TABLE_SIZE && table[i].ptr != 0; i = (i + 1) & (TABLE_SIZE - 1), k++) {
        if (table[i].ptr == (uintptr_t) p) {
            lib_live[table[i].lib] -= table[i].size;
            lib_count[table[i].lib]--;
            table[i].ptr = 1; /* tombstone */
            break;
        }
    }
    pthread_mutex_unlock(&lock);
}

void *malloc(size_t n) {
    init();
    void *p = real_malloc(n);
    record(p);
    return p;
}

void *calloc(size_t a, size_t b) {
    if (!real_calloc) {
        size_t n = (a * b + 15) & ~(size_t) 15;
        if (bootstrap_used + n > sizeof bootstrap) return NULL;
        void *p = bootstrap + bootstrap_used;
        bootstrap_used += n;
        return p;
    }
    void *p = real_calloc(a, b);
    record(p);
    return p;
}

void free(void *p) {
    if ((char *) p >= bootstrap && (char *) p < bootstrap + sizeof bootstrap) return;
    init();
    forget(p);
    real_free(p);
}

void *realloc(void *p, size_t n) {
    init();
    if ((char *) p >= bootstrap && (char *) p < bootstrap + sizeof bootstrap) {
        void *q = real_malloc(n);
        memcpy(q, p, n);
        record(q);
        return q;
    }
    forget(p);
    void *q = real_realloc(p, n);
    record(q ? q : (n ? p : NULL));
    return q;
}

int posix_memalign(void **out, size_t a, size_t n) {
    init();
    int rc = real_posix_memalign(out, a, n);
    if (rc == 0) record(*out);
    return rc;
}

void *aligned_alloc(size_t a, size_t n) {
    init();
    void *p = real_aligned_alloc(a, n);
    record(p);
    return p;
}

void *memalign(size_t a, size_t n) {
    init();
    void *p = real_memalign(a, n);
    record(p);
    return p;
}

/* --- the API a test binds with FFM ------------------------------------------------- */

/** Starts (1) or stops (0) recording new allocations; frees are always matched. */
void mc_enable(int on) { init(); enabled = on; }

int mc_libs(void) { return n_libs; }

const char *mc_lib_name(int i) { return lib_names[i]; }

int64_t mc_lib_live_bytes(int i) { return lib_live[i]; }

int64_t mc_lib_live_count(int i) { return lib_count[i]; }
