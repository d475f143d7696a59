//===- CnnOps.h - The cnn dialect's ops and attributes ----------*- C++ -*-===//

#ifndef CNNC_DIALECTS_CNN_CNNOPS_H
#define CNNC_DIALECTS_CNN_CNNOPS_H

#include "dialects/cnn/CnnDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/cnn/CnnEnums.h.inc"

#include "llvm/ADT/bit.h"

namespace mlir::cnn {
/// A double an attribute parameter can hold: attributes hash their
/// parameters, and LLVM hashes no double. Converts to and from double.
struct HashableDouble {
  double value;
  HashableDouble(double value) : value(value) {}
  operator double() const { return value; }
};
inline llvm::hash_code hash_value(HashableDouble number) {
  return llvm::hash_value(llvm::bit_cast<uint64_t>(number.value));
}
} // namespace mlir::cnn

#define GET_ATTRDEF_CLASSES
#include "dialects/cnn/CnnAttrs.h.inc"

#define GET_OP_CLASSES
#include "dialects/cnn/CnnOps.h.inc"

#endif // CNNC_DIALECTS_CNN_CNNOPS_H
