//===- QuantizeInt8.h - The cnn.int8 module attribute -----------*- C++ -*-===//
//
// What --cnn-quantize-int8 reads: a dictionary from Keras layer names to
// {input_scale: f32, input_zero_point: i64, kernel_scales: array<f32>}.
// The commands build it from a `cnnc quantize` file.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_COMPILER_TRANSFORMS_QUANTIZEINT8_H
#define CNNC_COMPILER_TRANSFORMS_QUANTIZEINT8_H

#include "llvm/ADT/StringRef.h"

namespace cnnc {

constexpr llvm::StringLiteral kInt8AttrName = "cnn.int8";

} // namespace cnnc

#endif // CNNC_COMPILER_TRANSFORMS_QUANTIZEINT8_H
