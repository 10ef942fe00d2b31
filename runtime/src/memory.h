//===- memory.h - Where a context's weights and arena live -----------------===//
//
// Large buffers go in anonymous memory advised for transparent huge pages.
// Weights are embedded in the model's read-only data, which the kernel maps
// from the executable file in 4 KiB pages; under nested paging (a VM) every
// TLB miss on them walks two page tables, and once another process has run,
// those walks miss the caches: BERT-base took 300-500 ms a call instead of
// 131 ms when its calls alternated with onnxruntime's (docs/benchmark.md).
// So the first context of a model copies its weights into huge pages, shared
// by every context of that model until the last one is destroyed.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_MEMORY_H
#define KILN_RUNTIME_MEMORY_H

#include "kiln/model_abi.h"

#include <stddef.h>
#include <stdint.h>

/// A zeroed, 64-byte aligned buffer of `bytes` (huge-page advised when large);
/// NULL when out of memory. Free with kiln_large_free and the same size.
void *kiln_large_alloc(size_t bytes);
void kiln_large_free(void *p, size_t bytes);

/// The model's weights for a new context: a shared huge-page copy, or
/// model->weights itself when they are small, when the environment sets
/// KILN_WEIGHTS_IN_PLACE=1, or when the copy cannot be made.
const uint8_t *kiln_weights_acquire(const kiln_model_t *model);
/// Drops the reference kiln_weights_acquire took, given what it returned.
void kiln_weights_release(const kiln_model_t *model, const uint8_t *weights);

#endif
