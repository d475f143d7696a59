//===- Keras3Layout.h - Which group of a Keras 3 file holds a layer -*- C++
//-*-===//
//
// Keras 3 does not store a layer's variables under its name: the i-th layer
// of class C in `model.layers` order has the group `layers/<snake(C)>`,
// `layers/<snake(C)>_1`, ... (keras/src/saving/saving_lib.py), whatever the
// layer is called. Binding a weights file to a model therefore needs the
// model's layers in order with their classes, which a `.keras` archive's
// config.json gives, or the model file that `--weights` goes with. This is
// independent of the topology: a Sequential's and a Functional's
// `layers` lists are read alike.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERAS3_KERAS3LAYOUT_H
#define CNNC_FRONTENDS_KERAS3_KERAS3LAYOUT_H

#include "frontends/common/ModelSpec.h"
#include "frontends/common/WeightSet.h"
#include "frontends/keras-h5/Keras3H5.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace cnnc {

/// A nested model around a layer.
struct KerasScopeRef {
  std::string name;
  std::string className; // "Sequential", "Functional"
};

/// A layer as `model.layers` lists it, or a layer of a nested model (which
/// Keras saves below the nested model's group: `layers/<key>/layers/...`).
struct KerasLayerRef {
  /// A nested model's layer: its path, "<model>/<layer>", as ModelSpec
  /// names it.
  std::string name;
  std::string className;             // "Conv2D", "BatchNormalization"
  std::vector<KerasScopeRef> scopes; // the nested models, outermost first
};

/// Keras's keras.src.utils.naming.to_snake_case: "Conv2DTranspose" ->
/// "conv2d_transpose", "LeakyReLU" -> "leaky_re_lu".
std::string kerasSnakeCase(llvm::StringRef className);

/// The group key (below `layers/`) of each of `layers`, in order; a nested
/// model's layer's key is its model's key, `/layers/`, and its own key
/// within that model ("sequential/layers/dense_1").
std::vector<std::string> keras3GroupKeys(llvm::ArrayRef<KerasLayerRef> layers);

/// The weights of `contents` as a WeightSet named by the layers they belong
/// to (layers with variables only, in model order). Errors (naming `file`):
/// a group with variables that no layer of the model has, and a group whose
/// `name` attribute (Keras >= 3.8) names another layer than the rule does.
llvm::Expected<WeightSet> keras3WeightSet(llvm::ArrayRef<KerasLayerRef> layers,
                                          const Keras3H5Contents &contents,
                                          llvm::StringRef file);

/// The layers of a ModelSpec, as `model.layers` lists them.
std::vector<KerasLayerRef> modelSpecLayers(const ModelSpec &model);

} // namespace cnnc

#endif // CNNC_FRONTENDS_KERAS3_KERAS3LAYOUT_H
