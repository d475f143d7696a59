//===- Keras3H5.h - Keras 3's weights files ---------------------*- C++ -*-===//
//
// Keras 3 (and tf.keras >= 2.13) saves weights as an HDF5 file, alone
// (`model.save_weights('m.weights.h5')`) or as `model.weights.h5` inside a
// `.keras` zip: each layer's variables are datasets `<group>/vars/0..k-1`,
// its group `layers/<snake_case(class)>[_k]`. This reads every such group as
// the file has it; which layer a group belongs to is the caller's business
// (frontends/keras3/Keras3Layout.h), which knows the model's layers.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASH5_KERAS3H5_H
#define CNNC_FRONTENDS_KERASH5_KERAS3H5_H

#include "frontends/common/WeightSet.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace cnnc {

/// The variables of one group: `<path>/vars/0`, `/1`, ... in that order.
struct Keras3VarGroup {
  /// "layers/conv2d", "_layer_checkpoint_dependencies/dense"; a `\` inside a
  /// link name (tf.keras 2.15 on Windows wrote `layers\conv2d`) reads as `/`.
  std::string path;
  /// The `vars` group's `name` attribute, the layer's name (Keras >= 3.8).
  std::optional<std::string> savedName;
  std::vector<WeightArray> vars; // named "<path>/vars/<i>"
};

struct Keras3H5Contents {
  /// The file is a legacy Keras .h5 (root attribute `layer_names` or group
  /// `model_weights`), to be read by readKerasH5; `groups` is then empty.
  bool legacy = false;
  /// Every group with a `vars` group, except the optimizer's and the
  /// metrics', in the file's (alphabetical) order.
  std::vector<Keras3VarGroup> groups;
};

/// Reads the weights file at `path`, in a child process as readKerasH5
/// does (libhdf5 is not hardened against crafted files).
llvm::Expected<Keras3H5Contents> readKeras3H5File(llvm::StringRef path);

/// Reads a weights file held in memory (`model.weights.h5` out of a
/// `.keras` zip); errors name `displayName`.
llvm::Expected<Keras3H5Contents> readKeras3H5Image(llvm::StringRef image,
                                                   llvm::StringRef displayName);

/// The bytes of a Keras 3 weights file holding `groups` (paths such as
/// "layers/conv2d", each with its variables in order).
llvm::Expected<std::string>
writeKeras3H5Image(llvm::ArrayRef<Keras3VarGroup> groups);

/// True for the group of a model's layer: under `layers/` or tf.keras
/// 2.13's `_layer_checkpoint_dependencies/`; sets `key` to the rest
/// ("conv2d", "sequential/layers/dense").
bool keras3LayerGroupKey(llvm::StringRef path, std::string &key);

} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASH5_KERAS3H5_H
