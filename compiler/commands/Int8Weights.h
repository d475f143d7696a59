//===- Int8Weights.h - What --weights Q means for compiling -----*- C++ -*-===//
//
// A `cnnc quantize` file given as --weights makes predict, eval's forward
// pass and `-o model.o` run int8: its activation scales and kernel scales
// become the module's cnn.int8 table (--cnn-quantize-int8 reads it) and
// the precision int8, unless --precision fp32 asks for the dequantized
// weights in f32.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_COMPILER_COMMANDS_INT8WEIGHTS_H
#define CNNC_COMPILER_COMMANDS_INT8WEIGHTS_H

#include "compiler/backend/Pipeline.h"
#include "runtime/model/ModelInfo.h"
#include "runtime/quant/QuantizedWeights.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

namespace cnnc {

/// Sets up `module` and `pipeline` for `weightsPath` (may be empty): int8
/// with a quantized file (unless --precision fp32 was given); an error for
/// --precision int8 without one, for bf16 with one, and for a file that
/// does not fit the model.
llvm::Error prepareInt8(mlir::ModuleOp module, const ModelInfo &info,
                        llvm::StringRef weightsPath, PipelineOptions &pipeline);

/// For train and eval, which compile the training step: a quantized file
/// cannot be trained from, and eval runs it only as --precision fp32 (its
/// dequantized weights); --precision int8 is refused.
llvm::Error checkQuantizedForTraining(llvm::StringRef weightsPath,
                                      bool evaluateOnly,
                                      const PipelineOptions &pipeline);

/// The cnn.int8 table of `weights`: per int8 layer, its input's scale and
/// zero point and its kernel's scales.
mlir::DictionaryAttr int8Table(mlir::MLIRContext *context,
                               const QuantizedWeights &weights);

} // namespace cnnc

#endif // CNNC_COMPILER_COMMANDS_INT8WEIGHTS_H
