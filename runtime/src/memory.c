//===- memory.c - Huge-page weights and arenas (see memory.h) --------------===//
#define _DEFAULT_SOURCE // MAP_ANONYMOUS, madvise

#include "memory.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE_PAGE ((size_t)2 << 20)
#define SMALL_ALIGNMENT 64

static size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

void *kiln_large_alloc(size_t bytes) {
  if (bytes < HUGE_PAGE) {
    void *p = NULL;
    if (posix_memalign(&p, SMALL_ALIGNMENT, bytes ? bytes : 1) != 0)
      return NULL;
    return memset(p, 0, bytes ? bytes : 1);
  }
  // Anonymous mappings are zeroed; 2 MiB alignment lets the kernel back the
  // whole range with huge pages.
  size_t size = round_up(bytes, HUGE_PAGE);
  uint8_t *raw = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED)
    return NULL;
  uint8_t *p = (uint8_t *)round_up((uintptr_t)raw, HUGE_PAGE);
  if (p > raw)
    munmap(raw, (size_t)(p - raw));
  munmap(p + size, (size_t)(raw + size + HUGE_PAGE - (p + size)));
#ifdef MADV_HUGEPAGE
  madvise(p, size, MADV_HUGEPAGE);
#endif
  return p;
}

void kiln_large_free(void *p, size_t bytes) {
  if (!p)
    return;
  if (bytes < HUGE_PAGE)
    free(p);
  else
    munmap(p, round_up(bytes, HUGE_PAGE));
}

/// Copies the embedded weights chunk by chunk, letting the kernel reclaim each
/// copied chunk of the file-backed original, so the process's peak resident
/// set does not hold both copies.
static void copy_weights(uint8_t *dst, const uint8_t *src, size_t bytes) {
  const size_t chunk = 32 * HUGE_PAGE;
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  for (size_t done = 0; done < bytes; done += chunk) {
    size_t n = bytes - done < chunk ? bytes - done : chunk;
    memcpy(dst + done, src + done, n);
#ifdef MADV_PAGEOUT
    // Whole pages inside the chunk only. PAGEOUT is a hint that never loses
    // data (anonymous pages without swap stay), unlike DONTNEED.
    uintptr_t lo = round_up((uintptr_t)(src + done), page), hi = (uintptr_t)(src + done + n) / page * page;
    if (hi > lo)
      madvise((void *)lo, hi - lo, MADV_PAGEOUT);
#else
    (void)page;
#endif
  }
}

typedef struct {
  const kiln_model_t *model;
  uint8_t *copy;
  int refs;
} resident_weights_t;

#define MAX_RESIDENT_MODELS 64
static pthread_mutex_t resident_lock = PTHREAD_MUTEX_INITIALIZER;
static resident_weights_t resident[MAX_RESIDENT_MODELS];

static int in_place(const kiln_model_t *model) {
  const char *env = getenv("KILN_WEIGHTS_IN_PLACE");
  return !model->weights || (size_t)model->weights_size < HUGE_PAGE || (env && env[0] == '1');
}

const uint8_t *kiln_weights_acquire(const kiln_model_t *model) {
  if (in_place(model))
    return model->weights;
  const uint8_t *result = model->weights;
  pthread_mutex_lock(&resident_lock);
  resident_weights_t *slot = NULL;
  for (int i = 0; i < MAX_RESIDENT_MODELS && !slot; ++i)
    if (resident[i].model == model)
      slot = &resident[i];
  for (int i = 0; i < MAX_RESIDENT_MODELS && !slot; ++i)
    if (!resident[i].model)
      slot = &resident[i];
  if (slot && !slot->model) {
    uint8_t *copy = kiln_large_alloc((size_t)model->weights_size);
    if (copy) {
      copy_weights(copy, model->weights, (size_t)model->weights_size);
      *slot = (resident_weights_t){model, copy, 0};
    } else {
      slot = NULL; // out of memory: use the embedded weights
    }
  }
  if (slot) {
    ++slot->refs;
    result = slot->copy;
  }
  pthread_mutex_unlock(&resident_lock);
  return result;
}

void kiln_weights_release(const kiln_model_t *model, const uint8_t *weights) {
  if (weights == model->weights)
    return;
  pthread_mutex_lock(&resident_lock);
  for (int i = 0; i < MAX_RESIDENT_MODELS; ++i) {
    if (resident[i].model != model)
      continue;
    if (--resident[i].refs == 0) {
      kiln_large_free(resident[i].copy, (size_t)model->weights_size);
      resident[i] = (resident_weights_t){0};
    }
    break;
  }
  pthread_mutex_unlock(&resident_lock);
}
