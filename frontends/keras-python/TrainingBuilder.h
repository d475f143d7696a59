//===- TrainingBuilder.h - compile() and fit() to TrainingSpec --*- C++ -*-===//
//
// Reads `model.compile(...)` and `model.fit(...)` into the model's
// TrainingSpec: optimizer (a name or an optimizer object, with Keras's
// keyword names and positional order), loss, metrics, and fit()'s
// batch_size, epochs, validation_split and shuffle. Arguments that would
// change training in ways cnnc does not implement (clipnorm, weight_decay,
// learning-rate schedules, class weights, ...) are errors, never dropped.
//
// Values the script computes at run time (`epochs=args.epochs`) are left
// unset, so that the command line's defaults apply.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASPYTHON_TRAININGBUILDER_H
#define CNNC_FRONTENDS_KERASPYTHON_TRAININGBUILDER_H

#include "frontends/common/ModelSpec.h"
#include "frontends/keras-python/Value.h"

#include "llvm/Support/Error.h"

namespace cnnc {
namespace py {

/// `call` holds compile()'s arguments (its symbol names "compile").
llvm::Error applyCompile(const KerasCall &call, TrainingSpec &training,
                         llvm::StringRef file);

/// `call` holds fit()'s arguments (its symbol names "fit").
llvm::Error applyFit(const KerasCall &call, TrainingSpec &training,
                     llvm::StringRef file);

} // namespace py
} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASPYTHON_TRAININGBUILDER_H
