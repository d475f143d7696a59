//===- ModelGraph.h - The order a graph model's layers compute in -*- C++
//-*-===//
//
// A Functional model names, for each layer, the tensors it is called on;
// ModelToCnn needs the layers in an order where each comes after them.
// Finding that order is also where the graph is checked, as Keras checks it
// when it builds a Functional model, each problem one located error.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_COMMON_MODELGRAPH_H
#define CNNC_FRONTENDS_COMMON_MODELGRAPH_H

#include "frontends/common/ModelSpec.h"

#include "llvm/Support/Error.h"

#include <vector>

namespace cnnc {

/// The indices into `model.layers` of the layers the outputs need, each
/// after every layer it is called on, otherwise in the file's order (which
/// Keras writes in an order the layers compute in). Errors, at the layer, input
/// or output concerned: a layer called on nothing, on a name that is no layer
/// or input, on a call of a layer that the model does not make (a shared
/// layer's calls are entries of one name, `Layer::call`), or on several
/// tensors when it takes one; a cycle; an output that names nothing; an input
/// no output depends on.
llvm::Expected<std::vector<size_t>> scheduleGraph(const ModelSpec &model);

} // namespace cnnc

#endif // CNNC_FRONTENDS_COMMON_MODELGRAPH_H
