//===- KerasDefaults.h - Keras's training defaults --------------*- C++ -*-===//
//
// What Keras uses when compile() leaves a setting unsaid. The `cnn`
// attributes fill these in (OptimizerAttr::withDefaults,
// TrainingAttr::getLossOrDefault / getOptimizerOrDefault); the Keras JSON
// writer, which must write every setting out for TF.js and links no MLIR,
// reads the same constants. Plain C++: no MLIR or LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_DIALECTS_CNN_KERASDEFAULTS_H
#define CNNC_DIALECTS_CNN_KERASDEFAULTS_H

namespace mlir::cnn::keras_defaults {

// tf.keras.optimizers.Adam
inline constexpr double kAdamLearningRate = 0.001;
inline constexpr double kAdamBeta1 = 0.9;
inline constexpr double kAdamBeta2 = 0.999;
inline constexpr double kAdamEpsilon = 1e-7;

// tf.keras.optimizers.SGD
inline constexpr double kSgdLearningRate = 0.01;
inline constexpr double kSgdMomentum = 0.0;
inline constexpr bool kSgdNesterov = false;

// tf.keras.optimizers.RMSprop (compile()'s default optimizer)
inline constexpr double kRmspropLearningRate = 0.001;
inline constexpr double kRmspropRho = 0.9;
inline constexpr double kRmspropEpsilon = 1e-7;

} // namespace mlir::cnn::keras_defaults

#endif // CNNC_DIALECTS_CNN_KERASDEFAULTS_H
