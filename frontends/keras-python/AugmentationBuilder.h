//===- AugmentationBuilder.h - Augmentation layer calls ---------*- C++ -*-===//
//
// RandomFlip(...), RandomRotation(...), ... in a Python model: their
// arguments read into a Layer's AugmentationConfig and checked as Keras's
// constructors check them.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASPYTHON_AUGMENTATIONBUILDER_H
#define CNNC_FRONTENDS_KERASPYTHON_AUGMENTATIONBUILDER_H

#include "frontends/common/ModelSpec.h"
#include "frontends/keras-python/Arguments.h"

namespace cnnc {
namespace py {

/// Reads the arguments of an augmentation layer (`layer.kind` set); errors
/// point at the argument that breaks Keras's rule.
llvm::Error buildAugmentation(const Arguments &args, Layer &layer);

} // namespace py
} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASPYTHON_AUGMENTATIONBUILDER_H
