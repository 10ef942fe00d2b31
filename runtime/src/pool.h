//===- pool.h - Kiln's thread pool for Halide's parallel loops ------------===//
//
// Private to runtime/src. A model runs dozens of kernels per call, many of
// them a few microseconds long (a decode step, LayerNorm, a row
// quantization). Halide's own pool puts its workers to sleep almost at once,
// so every parallel kernel after a serial one paid a futex wake-up of its
// workers, which on a 2-vCPU VM cost more than the kernel itself. This pool's
// workers spin for a while after each loop (as onnxruntime's do) before they
// sleep, so back-to-back kernels find them awake.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_POOL_H
#define KILN_RUNTIME_POOL_H

#include <HalideRuntime.h>

#include <stdint.h>

/// halide_do_par_for's contract: runs f(user_context, i, closure) for i in
/// [min, min + extent), returns 0 or the first nonzero result. Runs the loop
/// on the calling thread alone when it is nested in another loop's task,
/// when another thread holds the pool, or with one thread.
int kiln_pool_do_par_for(void *user_context, halide_task_t f, int min, int extent, uint8_t *closure);

/// Threads per loop, the caller included: n > 0, or 0 for the default
/// (HL_NUM_THREADS, else the online CPUs). Process-wide, like Halide's.
void kiln_pool_set_threads(int n);

/// The thread count the pool uses now.
int kiln_pool_threads(void);

/// How long (microseconds) an idle worker spins before it sleeps.
#define KILN_POOL_SPIN_US 2000

#endif // KILN_RUNTIME_POOL_H
