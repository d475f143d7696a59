//===- KerasH5.h - Keras's legacy HDF5 files --------------------*- C++ -*-===//
//
// `model.save('m.h5')` and `model.save_weights('w.h5')` as Keras writes
// them (docs/keras-semantics.md §6): the topology as the root attribute
// `model_config`, the weights as datasets in per-layer groups whose order
// the `layer_names` and `weight_names` attributes give.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASH5_KERASH5_H
#define CNNC_FRONTENDS_KERASH5_KERASH5_H

#include "frontends/common/WeightSet.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace cnnc {

/// What cnnc takes from a Keras .h5 file.
struct KerasH5Contents {
  std::optional<std::string> modelConfig;    // JSON (model.save only)
  std::optional<std::string> trainingConfig; // JSON, if compiled
  /// The weights, when the file has `layer_names` (both save forms); an
  /// empty set when they were not asked for.
  std::optional<WeightSet> weights;
};

struct KerasH5ReadOptions {
  /// Read the weights' datasets too (a model's topology needs none).
  bool weights = true;
  /// The CPU time the reading child may take: a crafted file can make the
  /// library loop forever; reading a real model takes well under a second.
  unsigned cpuSeconds = 5;
};

/// True if `bytes` starts with HDF5's signature.
bool isHdf5Signature(llvm::StringRef bytes);

/// Reads `path`. libhdf5 is not hardened against crafted files, so the
/// reading runs in a child process: whatever the file does to the library,
/// cnnc gets either the contents or an error (one line, naming the file).
llvm::Expected<KerasH5Contents>
readKerasH5(llvm::StringRef path, const KerasH5ReadOptions &options = {});

/// The bytes of a legacy Keras `model.save('m.h5')` file holding the model
/// `modelConfig` (Keras JSON), its compile() settings `trainingConfig` (if
/// any) and `layers`: every layer of the model, in order, weightless ones
/// with no weights.
llvm::Expected<std::string>
writeKerasH5Image(llvm::StringRef modelConfig,
                  const std::optional<std::string> &trainingConfig,
                  llvm::ArrayRef<LayerWeights> layers);

namespace detail {
/// Runs `produce` in a child process whose memory (about `memoryBytes`
/// beyond a fixed allowance) and CPU time are limited, and returns the
/// bytes it produced; a child that dies or runs out of time is an error
/// naming `path`. The readers of libhdf5 run their reading through this.
llvm::Expected<std::string>
runIsolated(llvm::StringRef path, uint64_t memoryBytes, unsigned cpuSeconds,
            llvm::function_ref<std::string()> produce);

/// The reading itself, in this process; what readKerasH5 runs in its child.
llvm::Expected<KerasH5Contents> readKerasH5InProcess(llvm::StringRef path,
                                                     bool weights);
} // namespace detail

} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASH5_KERASH5_H
