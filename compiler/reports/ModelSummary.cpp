//===- ModelSummary.cpp - Keras's model.summary() of `cnn` IR -------------===//
//
// Reproduces keras/utils/layer_utils.py::print_summary of Keras 2.8-2.12 for
// Sequential models: line length 65, columns ending at 29, 55 and 65, a
// leading space, a column's text cut at its width less two and continued on
// the next line, and a line of spaces after each layer. A Functional model
// (its inputs carry their Keras names) adds its InputLayer rows; unless it
// is a chain (Keras's `sequential_like`: one input, one output, each layer
// called once on one tensor), the table gets a fourth column, "Connected
// to": line length 98, columns ending at 29, 55, 65 and 98.
//
//===----------------------------------------------------------------------===//

#include "compiler/reports/ModelSummary.h"

#include "dialects/cnn/CnnOps.h"
#include "dialects/cnn/ModelContract.h"
#include "dialects/cnn/ShapeRules.h"
#include "dialects/cnn/SharedLayers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace cnnc;

namespace {

/// A table's layout: Keras's line_length and column ends.
struct Layout {
  int lineLength;
  ArrayRef<int> columnEnds;
};
constexpr int kSequentialEnds[] = {29, 55, 65};
// keras-semantics.md §8: the Sequential table's columns, then "Connected
// to" (Keras 2.12 itself would narrow the first two to end at 32 and 53,
// wrapping shapes such as (None, 126, 126, 32)).
constexpr int kFunctionalEnds[] = {29, 55, 65, 98};
const Layout kSequential{65, kSequentialEnds};
const Layout kFunctional{98, kFunctionalEnds};

/// One summary row: a Keras layer and the ops that implement it.
struct LayerRow {
  std::string title; // "conv2d (Conv2D)"
  Type outputType;
  int64_t params = 0;
  /// Of which Keras does not train (BN's moving statistics, frozen layers).
  int64_t nonTrainable = 0;
  /// The row's output shape as Keras prints it when not the type's
  /// (an InputLayer's "[(None, 28, 28, 1)]").
  std::string shape;
  /// Functional models: the tensors the layer is called on, "add[0][0]",
  /// every call's (a shared layer's) in turn.
  SmallVector<std::string> connections;
  /// The most tensors one call takes (Keras's sequential_like needs 1).
  size_t callInputs = 0;
  /// A layer's output type per call: a shared layer whose calls differ
  /// prints "multiple", as Keras's `output_shape` cannot say one.
  SmallVector<Type, 1> callTypes;
};

} // namespace

/// print_row: each column is cut to its width (less two spaces of gutter,
/// except the last); whatever does not fit continues on following lines.
/// Keras also breaks early after "),", "},", "]," or "',".
static void printRow(raw_ostream &os, const Layout &layout,
                     ArrayRef<std::string> fields) {
  ArrayRef<int> kColumnEnds = layout.columnEnds;
  SmallVector<std::string> left(fields.begin(), fields.end());
  auto anyLeft = [&] {
    return llvm::any_of(left, [](const std::string &s) { return !s.empty(); });
  };
  do {
    std::string line;
    for (size_t col = 0; col < left.size(); ++col) {
      int start = col == 0 ? 0 : kColumnEnds[col - 1];
      int end = kColumnEnds[col];
      int space = col + 1 == kColumnEnds.size() ? 0 : 2;
      size_t cutoff = std::max(0, end - start - space);
      std::string fit = left[col].substr(0, cutoff);
      size_t earliest = std::string::npos;
      for (const char *breakAfter : {"),", "},", "],", "',"}) {
        size_t at = fit.find(breakAfter);
        if (at != std::string::npos)
          earliest = std::min(earliest, at + 2);
      }
      if (earliest != std::string::npos) {
        cutoff = earliest;
        fit = fit.substr(0, cutoff);
      }
      if (col == 0)
        line += ' ';
      line += fit;
      line.append(space, ' ');
      left[col] = left[col].size() > cutoff ? left[col].substr(cutoff) : "";
      if (line.size() < size_t(end))
        line.append(end - line.size(), ' ');
    }
    os << line << '\n';
  } while (anyLeft());
}

/// 113386 -> "113,386", as Keras's `{:,}`.
static std::string withThousands(int64_t value) {
  std::string digits = std::to_string(value);
  std::string text;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      text += ',';
    text += digits[i];
  }
  return text;
}

static int64_t elementCount(Type type) {
  auto shaped = cast<ShapedType>(type);
  return shaped.hasStaticShape() ? shaped.getNumElements() : 0;
}

/// The Keras name of the layer (or input) that computes `value`.
static std::string producerName(func::FuncOp forward, Value value) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    auto name = forward.getArgAttrOfType<StringAttr>(
        arg.getArgNumber(), cnn::CnnDialect::kInputAttrName);
    return name ? name.str() : "input";
  }
  auto layer = value.getDefiningOp()->getAttrOfType<cnn::LayerAttr>(
      cnn::CnnDialect::kLayerAttrName);
  return layer ? layer.getName().str()
               : value.getDefiningOp()->getName().stripDialect().str();
}

/// The call of a shared layer `op` belongs to: Keras's node index.
static int64_t callOf(Operation *op) {
  auto call = op->getAttrOfType<IntegerAttr>(cnn::kCallAttrName);
  return call ? int64_t(call.getValue().getLimitedValue(INT64_MAX)) : 0;
}

/// How Keras's "Connected to" names `value`: "conv2d[0][0]" ("[1][0]" for a
/// shared layer's second call), or for an op inside a nested model, the
/// model by the node the outer model calls it by.
static std::string connectionName(func::FuncOp forward, Value value) {
  if (Operation *op = value.getDefiningOp())
    if (auto nested = op->getAttrOfType<cnn::LayerAttr>(
            cnn::CnnDialect::kNestedAttrName)) {
      auto node =
          op->getAttrOfType<IntegerAttr>(cnn::CnnDialect::kNestedNodeAttrName);
      return (nested.getName() + "[" +
              std::to_string(node ? node.getInt() : 0) + "][0]")
          .str();
    }
  int64_t call = value.getDefiningOp() ? callOf(value.getDefiningOp()) : 0;
  return producerName(forward, value) + "[" + std::to_string(call) + "][0]";
}

/// Whether `value` is an activation (an input or a computed tensor) rather
/// than a parameter.
static bool isActivation(func::FuncOp forward, Value value,
                         unsigned numInputs) {
  auto arg = dyn_cast<BlockArgument>(value);
  return !arg || arg.getArgNumber() < numInputs;
}

/// Groups the ops of @forward into Keras layers, in order. A nested model
/// is one row, as Keras prints it: all the ops of its layers, wherever they
/// are, its output its last op's. A shared layer is one row too, its calls'
/// connections one after the other.
static SmallVector<LayerRow> collectRows(func::FuncOp forward,
                                         unsigned numInputs) {
  SmallVector<LayerRow> rows;
  Attribute currentLayer;
  int64_t currentCall = 0;
  size_t index = 0;
  llvm::SmallSetVector<Value, 8> countedParams;
  llvm::DenseMap<Attribute, size_t> nestedRows, layerRows;
  for (Operation &op : forward.getBody().front()) {
    if (!isa<cnn::CnnDialect>(op.getDialect()) || op.getNumResults() != 1)
      continue;
    auto layer =
        op.getAttrOfType<cnn::LayerAttr>(cnn::CnnDialect::kLayerAttrName);
    bool nested = false;
    if (auto model =
            op.getAttrOfType<cnn::LayerAttr>(cnn::CnnDialect::kNestedAttrName))
      layer = model, nested = true;
    int64_t call = nested ? 0 : callOf(&op);
    // The layer is called on its first op's activations.
    SmallVector<std::string> connections;
    for (Value operand : op.getOperands())
      if (isActivation(forward, operand, numInputs))
        connections.push_back(connectionName(forward, operand));
    auto known = nested ? nestedRows.find(layer) : nestedRows.end();
    auto shared =
        layer && !nested && call > 0 ? layerRows.find(layer) : layerRows.end();
    if (known != nestedRows.end()) {
      index = known->second;
    } else if (shared != layerRows.end() &&
               (layer != currentLayer || call != currentCall)) {
      index = shared->second;
      LayerRow &row = rows[index];
      llvm::append_range(row.connections, connections);
      row.callInputs = std::max(row.callInputs, connections.size());
      row.callTypes.emplace_back();
    } else if (!layer || layer != currentLayer || call != currentCall) {
      LayerRow row;
      if (layer)
        row.title = (layer.getName() + " (" + layer.getClassName() + ")").str();
      else
        row.title = (op.getName().stripDialect() + " (" +
                     op.getName().getStringRef() + ")")
                        .str();
      row.callInputs = connections.size();
      row.connections = std::move(connections);
      row.callTypes.emplace_back();
      rows.push_back(row);
      index = rows.size() - 1;
      if (nested)
        nestedRows[layer] = index;
      else if (layer)
        layerRows.try_emplace(layer, index);
    }
    currentLayer = layer;
    currentCall = call;
    LayerRow &row = rows[index];
    row.outputType = op.getResult(0).getType();
    if (!nested)
      row.callTypes.back() = row.outputType;
    for (Value operand : op.getOperands())
      if (isa<BlockArgument>(operand) &&
          !isActivation(forward, operand, numInputs) &&
          countedParams.insert(operand)) {
        int64_t count = elementCount(operand.getType());
        row.params += count;
        auto trainable = forward.getArgAttrOfType<BoolAttr>(
            cast<BlockArgument>(operand).getArgNumber(),
            cnn::CnnDialect::kTrainableAttrName);
        if (trainable && !trainable.getValue())
          row.nonTrainable += count;
      }
  }
  return rows;
}

/// The layer name a row or a connection stands for: "conv2d" of
/// "conv2d (Conv2D)" and of "conv2d[0][0]".
static StringRef rowName(StringRef text) {
  return text.take_until([](char c) { return c == ' ' || c == '['; });
}

/// Keras's Functional.layers order (keras/engine/functional.py,
/// _map_graph_network): deepest first, a layer's depth being its longest
/// path to an output, ties in the order a depth-first walk from the
/// outputs (each layer's inputs in order) first reaches the layers. The
/// frontends give the other rows in that order already (a Keras file's
/// config is in it); the InputLayer rows go where it puts them, which for
/// a second input joining late is after the layers deeper than it.
static SmallVector<LayerRow> placeInputRows(ArrayRef<LayerRow> inputs,
                                            ArrayRef<LayerRow> rows,
                                            ArrayRef<std::string> outputs) {
  size_t count = inputs.size() + rows.size();
  auto rowAt = [&](size_t id) -> const LayerRow & {
    return id < inputs.size() ? inputs[id] : rows[id - inputs.size()];
  };
  llvm::StringMap<size_t> ids;
  for (size_t id = 0; id < count; ++id)
    ids.try_emplace(rowName(rowAt(id).title), id);
  SmallVector<SmallVector<size_t>> parents(count);
  for (size_t id = inputs.size(); id < count; ++id)
    for (const std::string &connection : rowAt(id).connections) {
      auto found = ids.find(rowName(connection));
      // (A shared layer called on its own output is no parent of itself.)
      if (found != ids.end() && found->second != id)
        parents[id].push_back(found->second);
    }
  // The walk, without recursion (models may be thousands of layers deep):
  // `first` is the order it reaches the layers, `finished` the order it
  // leaves them (Keras's nodes_in_decreasing_depth).
  SmallVector<int64_t> first(count, -1);
  SmallVector<size_t> finished;
  int64_t reached = 0;
  for (const std::string &output : outputs) {
    auto found = ids.find(rowName(output));
    if (found == ids.end() || first[found->second] >= 0)
      continue;
    SmallVector<std::pair<size_t, size_t>> stack{{found->second, 0}};
    first[found->second] = reached++;
    while (!stack.empty()) {
      auto &[id, next] = stack.back();
      if (next < parents[id].size()) {
        size_t parent = parents[id][next++];
        if (first[parent] < 0) {
          first[parent] = reached++;
          stack.push_back({parent, 0});
        }
        continue;
      }
      finished.push_back(id);
      stack.pop_back();
    }
  }
  SmallVector<int64_t> depth(count, 0);
  for (size_t id : llvm::reverse(finished))
    for (size_t parent : parents[id])
      depth[parent] = std::max(depth[parent], depth[id] + 1);
  // Keras sorts by depth, then by the walk; an input no output reaches
  // (depth 0, walked last) stays last.
  auto before = [&](size_t a, size_t b) {
    int64_t fa = first[a] < 0 ? INT64_MAX : first[a];
    int64_t fb = first[b] < 0 ? INT64_MAX : first[b];
    return std::make_pair(-depth[a], fa) < std::make_pair(-depth[b], fb);
  };
  SmallVector<size_t> inputOrder;
  for (size_t id = 0; id < inputs.size(); ++id)
    inputOrder.push_back(id);
  llvm::stable_sort(inputOrder, before);
  SmallVector<LayerRow> placed;
  size_t nextInput = 0;
  for (size_t id = inputs.size(); id < count; ++id) {
    while (nextInput < inputOrder.size() && before(inputOrder[nextInput], id))
      placed.push_back(inputs[inputOrder[nextInput++]]);
    placed.push_back(rowAt(id));
  }
  for (; nextInput < inputOrder.size(); ++nextInput)
    placed.push_back(inputs[inputOrder[nextInput]]);
  return placed;
}

LogicalResult cnnc::printModelSummary(ModuleOp module, raw_ostream &os) {
  auto forward = module.lookupSymbol<func::FuncOp>("forward");
  if (!forward || forward.isExternal() || forward.getNumArguments() == 0)
    return module.emitError("the module has no model: expected a 'func.func "
                            "@forward' with a body and an input argument");

  StringRef modelName = "sequential";
  if (auto name = module->getAttrOfType<StringAttr>(
          cnn::CnnDialect::kModelNameAttrName))
    modelName = name.getValue();

  // A Functional model names its inputs; Keras lists them as layers.
  unsigned numInputs = cnn::numModelInputs(forward);
  bool functional =
      forward.getArgAttr(0, cnn::CnnDialect::kInputAttrName) != nullptr;
  SmallVector<LayerRow> inputRows;
  if (functional)
    for (unsigned i = 0; i < numInputs; ++i) {
      LayerRow row;
      row.title =
          producerName(forward, forward.getArgument(i)) + " (InputLayer)";
      row.outputType = forward.getArgument(i).getType();
      row.shape =
          "[" +
          cnn::kerasShapeString(cast<ShapedType>(row.outputType).getShape()) +
          "]";
      inputRows.push_back(row);
    }
  SmallVector<LayerRow> rows = collectRows(forward, numInputs);
  if (inputRows.size() > 1) {
    SmallVector<std::string> outputs;
    for (Value result :
         forward.getBody().front().getTerminator()->getOperands())
      outputs.push_back(connectionName(forward, result));
    rows = placeInputRows(inputRows, rows, outputs);
  } else if (!inputRows.empty()) {
    // (SmallVector's insert of an empty range self-moves the elements.)
    rows.insert(rows.begin(), inputRows.begin(), inputRows.end());
  }
  // Keras's sequential_like: one input, one output, every layer called on
  // one tensor, and once (print_summary's "search for shared layers").
  bool chain = numInputs == 1 && forward.getNumResults() == 1 &&
               llvm::all_of(rows, [](const LayerRow &row) {
                 return row.callInputs <= 1 && row.callTypes.size() <= 1;
               });
  const Layout &layout = chain ? kSequential : kFunctional;
  int kLineLength = layout.lineLength;

  os << "Model: \"" << modelName << "\"\n";
  os << std::string(kLineLength, '_') << '\n';
  if (chain)
    printRow(os, layout, {"Layer (type)", "Output Shape", "Param #"});
  else
    printRow(os, layout,
             {"Layer (type)", "Output Shape", "Param #", "Connected to"});
  os << std::string(kLineLength, '=') << '\n';

  int64_t total = 0, nonTrainable = 0;
  for (const LayerRow &row : rows) {
    nonTrainable += row.nonTrainable;
    std::string shape = !row.shape.empty()
                            ? row.shape
                            : cnn::kerasShapeString(
                                  cast<ShapedType>(row.outputType).getShape());
    if (!llvm::all_equal(row.callTypes))
      shape = "multiple";
    if (chain) {
      printRow(os, layout, {row.title, shape, std::to_string(row.params)});
    } else {
      // Python's str() of the list of connections.
      std::string connections = "[";
      for (const std::string &connection : row.connections) {
        if (connections.size() > 1)
          connections += ", ";
        connections += "'" + connection + "'";
      }
      connections += "]";
      printRow(os, layout,
               {row.title, shape, std::to_string(row.params), connections});
    }
    os << std::string(kLineLength, ' ') << '\n';
    total += row.params;
  }
  os << std::string(kLineLength, '=') << '\n';
  os << "Total params: " << withThousands(total) << '\n';
  os << "Trainable params: " << withThousands(total - nonTrainable) << '\n';
  os << "Non-trainable params: " << withThousands(nonTrainable) << '\n';
  os << std::string(kLineLength, '_') << '\n';
  return success();
}
