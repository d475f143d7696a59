//===- MemoryPlan.h - The workspace plan --cnn-plan-memory records -*- C++
//-*-===//
//
// --cnn-plan-memory places @forward's intermediate buffers in one workspace
// and records what it did on @forward as `cnnc.memory_plan`, a dictionary
// that `cnnc MODEL --memory` reads (reports/MemoryReport.cpp):
//
//   cnnc.memory_plan = {
//     fixed_bytes = C, per_sample_bytes = S,  // workspace: C + S * n bytes
//     steps = [loc, ...],                     // the steps, in program order
//     buffers = [{loc = L,                    // where the buffer was made
//                 bytes = [a, b],             // a * n + b bytes
//                 offset = [p, q],            // at p * n + q in the workspace
//                 live = [first, last]}, ...]}// steps that use it (0-based)
//
// n is the batch. Every number is an i64. The prefix is not the cnn
// dialect's: these attributes belong to the buffers stage, not to models.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_COMPILER_TRANSFORMS_MEMORYPLAN_H
#define CNNC_COMPILER_TRANSFORMS_MEMORYPLAN_H

#include "llvm/ADT/StringRef.h"

namespace cnnc::memory_plan {

inline constexpr llvm::StringLiteral kAttrName = "cnnc.memory_plan";
inline constexpr llvm::StringLiteral kFixedBytes = "fixed_bytes";
inline constexpr llvm::StringLiteral kPerSampleBytes = "per_sample_bytes";
inline constexpr llvm::StringLiteral kSteps = "steps";
inline constexpr llvm::StringLiteral kBuffers = "buffers";
inline constexpr llvm::StringLiteral kLoc = "loc";
inline constexpr llvm::StringLiteral kBytes = "bytes";
inline constexpr llvm::StringLiteral kOffset = "offset";
inline constexpr llvm::StringLiteral kLive = "live";

/// The private function @forward_workspace_bytes(n: index) -> index that
/// the pass adds, and the attribute marking the workspace a caller of
/// @forward allocates (--cnn-emit-workspace-interface replaces it by the C
/// caller's pointer).
inline constexpr llvm::StringLiteral kBytesFunction = "forward_workspace_bytes";
inline constexpr llvm::StringLiteral kWorkspaceAttr = "cnnc.workspace";

/// Every buffer starts on a cache line, as memref.alloc's were.
inline constexpr int64_t kAlignment = 64;

} // namespace cnnc::memory_plan

#endif // CNNC_COMPILER_TRANSFORMS_MEMORYPLAN_H
