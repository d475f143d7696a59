//===- QuantizedModelWeights.h - A `cnnc quantize` file for a model -*- C++
//-*-===//
//
// Binds a quantized weight file (runtime/quant) to a model: its parameters
// must be the model's, by name and shape, in the model's order (the file
// was written from this model by `cnnc quantize`).
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_WEIGHTS_QUANTIZEDMODELWEIGHTS_H
#define CNNC_FRONTENDS_WEIGHTS_QUANTIZEDMODELWEIGHTS_H

#include "runtime/model/ModelInfo.h"
#include "runtime/quant/QuantizedWeights.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace cnnc {

/// True when `path` names a readable file that starts like a `cnnc
/// quantize` file (a truncated one too: its reader says what is wrong).
bool isQuantizedWeightsFile(llvm::StringRef path);

/// Reads `path` and checks that its parameters are those of `info`, in
/// order; the error names the first that differs.
llvm::Expected<QuantizedWeights> readQuantizedWeightsFor(const ModelInfo &info,
                                                         llvm::StringRef path);

/// Every parameter's f32 values end to end (int8 ones dequantized): what
/// the compiled code takes.
std::vector<float> dequantizedParams(const QuantizedWeights &weights);

} // namespace cnnc

#endif // CNNC_FRONTENDS_WEIGHTS_QUANTIZEDMODELWEIGHTS_H
