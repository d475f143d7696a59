//===- CnnOps.h - The cnn dialect's ops and attributes ----------*- C++ -*-===//

#ifndef CNNC_DIALECTS_CNN_CNNOPS_H
#define CNNC_DIALECTS_CNN_CNNOPS_H

#include "dialects/cnn/CnnDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/cnn/CnnEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/cnn/CnnAttrs.h.inc"

#define GET_OP_CLASSES
#include "dialects/cnn/CnnOps.h.inc"

#endif // CNNC_DIALECTS_CNN_CNNOPS_H
