//===- Attributes.h - Keras attribute values shared by layers ---*- C++ -*-===//
//
// Reads the arguments that many layers share and that Keras accepts in
// several spellings: activations (a name, None or a function), initializers
// (a name or an initializer object), padding, data_format, dtype and shapes.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASPYTHON_ATTRIBUTES_H
#define CNNC_FRONTENDS_KERASPYTHON_ATTRIBUTES_H

#include "frontends/common/ModelSpec.h"
#include "frontends/keras-python/Arguments.h"

namespace cnnc {
namespace py {

/// `activation=`: 'relu', None, keras.activations.relu, tf.nn.relu, ...
llvm::Expected<Activation> readActivation(const Arguments &args,
                                          llvm::StringRef name, Activation def);

/// `kernel_initializer=` and friends: 'he_normal', HeNormal(seed=1),
/// RandomNormal(stddev=0.01), VarianceScaling(...), Constant(0.1), ...
llvm::Expected<Initializer>
readInitializer(const Arguments &args, llvm::StringRef name, Initializer def);

/// `kernel_regularizer=` and friends: 'l1', 'l2', 'l1_l2', l2(0.01),
/// regularizers.L1L2(l1=..., l2=...), ...; nullopt when absent or None.
llvm::Expected<std::optional<Regularizer>>
readRegularizer(const Arguments &args, llvm::StringRef name);

/// `padding=`: 'valid' or 'same', in any case as Keras accepts.
llvm::Expected<Padding> readPadding(const Arguments &args,
                                    llvm::StringRef name);

/// `data_format=`: None or 'channels_last' (cnnc is channels-last only).
llvm::Error checkDataFormat(const Arguments &args);

/// `dtype=`: None, 'float32' or tf.float32 (cnnc computes in float32).
llvm::Error checkDType(const Arguments &args);

/// A shape argument (`input_shape=(28, 28, 1)`): positive integers. With
/// `withBatch` (batch_input_shape, model.build's input_shape) the first
/// entry is the batch size, which may be None and is dropped. nullopt when
/// the argument is absent or None.
llvm::Expected<std::optional<std::vector<int64_t>>>
readShape(const Arguments &args, llvm::StringRef name, bool withBatch);

} // namespace py
} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASPYTHON_ATTRIBUTES_H
