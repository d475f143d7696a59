//===- ModelParams.h - A model's parameters from its initializers -*- C++ -*-===//
//
// Until weights are read from a file, a model's parameters are drawn from
// the Keras initializers its IR names (`cnn.initializer` on each parameter
// argument of @forward), seeded. `cnnc predict`, the benchmark and the
// trainer share this so that one seed gives the same weights everywhere.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_COMPILER_MODELPARAMS_H
#define CNNC_COMPILER_MODELPARAMS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/LogicalResult.h"

#include <cstdint>
#include <vector>

namespace cnnc {

/// Fills `params` with one buffer per parameter of `forward` (arguments 1..n,
/// Keras order), each row-major in its Keras shape and drawn from its
/// initializer with one std::mt19937_64 seeded by `seed`. An initializer
/// the runtime does not know is an error located at the argument.
mlir::LogicalResult initializeParams(mlir::func::FuncOp forward, uint64_t seed,
                                     std::vector<std::vector<float>> &params);

} // namespace cnnc

#endif // CNNC_COMPILER_MODELPARAMS_H
