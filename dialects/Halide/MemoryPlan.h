//===- MemoryPlan.h - The attributes of @main's memory plan -===//
//
// -kiln-plan-memory decides, the library emitter reads: both sides name the
// attributes here. Steps are launch indices in @main, counting from 0.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_HALIDE_MEMORYPLAN_H
#define KILN_DIALECTS_HALIDE_MEMORYPLAN_H

#include "llvm/ADT/StringRef.h"

namespace kiln::halide::plan {

/// On the launch of an intermediate: the last step that reads it (its own
/// step when nothing does).
constexpr llvm::StringLiteral kLastUse = "kiln.last_use";
/// On a launch that writes over one of its inputs: that input's operand index.
constexpr llvm::StringLiteral kInPlace = "kiln.in_place";
/// Static models, on the launch of an intermediate: its byte offset in the arena.
constexpr llvm::StringLiteral kArenaOffset = "kiln.arena_offset";
/// Static models, on @main: the arena's size in bytes.
constexpr llvm::StringLiteral kArenaSize = "kiln.arena_size";

} // namespace kiln::halide::plan

#endif
