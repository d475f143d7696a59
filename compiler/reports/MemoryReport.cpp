//===- MemoryReport.cpp - cnnc MODEL --memory -----------------------------===//
//
// The plan --cnn-plan-memory made for @forward, as a table people read
// (the format is in docs/cli.md, "cnnc MODEL --memory"). Buffers and steps
// carry the locations of the ops they were made from; those name the Keras
// layers through the `cnn` IR's locations (a fused convolution and pooling
// has both layers' locations, so both names).
//
//===----------------------------------------------------------------------===//

#include "compiler/reports/MemoryReport.h"
#include "compiler/Transforms/MemoryPlan.h"
#include "compiler/reports/WorkspaceHeader.h"

#include "dialects/cnn/CnnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace cnnc;
namespace plan = cnnc::memory_plan;

namespace {

/// One buffer of the plan: a * n + b bytes at p * n + q, live in steps
/// [first, last].
struct PlannedBuffer {
  std::string layer;
  int64_t a, b, p, q, first, last;
};

/// "a*n + b", leaving out a zero part.
std::string affine(int64_t a, int64_t b) {
  if (a == 0)
    return std::to_string(b);
  std::string text = std::to_string(a) + "*n";
  return b == 0 ? text : std::to_string(b) + " + " + text;
}

std::string shapeText(ArrayRef<int64_t> shape) {
  std::string text = "(";
  for (auto [i, d] : llvm::enumerate(shape))
    text += (i ? ", " : "") + std::to_string(d);
  return text + (shape.size() == 1 ? ",)" : ")");
}

/// Rows of cells, each column as wide as its widest cell, two spaces apart,
/// indented by two.
void printTable(raw_ostream &os, ArrayRef<SmallVector<std::string>> rows) {
  SmallVector<size_t> widths;
  for (const auto &row : rows)
    for (auto [i, cell] : llvm::enumerate(row)) {
      if (widths.size() <= i)
        widths.push_back(0);
      widths[i] = std::max(widths[i], cell.size());
    }
  for (const auto &row : rows) {
    std::string line = " ";
    for (auto [i, cell] : llvm::enumerate(row)) {
      line += " " + cell;
      if (i + 1 < row.size())
        line += std::string(widths[i] - cell.size() + 1, ' ');
    }
    os << line << "\n";
  }
}

/// The Keras layers a location came from, by the `cnn` ops' locations.
class LayerNames {
public:
  explicit LayerNames(func::FuncOp forward) {
    forward.walk([&](Operation *op) {
      if (auto layer = op->getAttrOfType<cnn::LayerAttr>(
              cnn::CnnDialect::kLayerAttrName))
        op->getLoc()->walk([&](Location leaf) {
          if (isa<FileLineColLoc>(leaf))
            names.try_emplace(leaf, layer.getName().str());
          return WalkResult::advance();
        });
    });
  }

  std::string of(Attribute loc) const {
    SmallVector<std::string, 2> found;
    if (auto location = dyn_cast_or_null<LocationAttr>(loc))
      location.walk([&](Location leaf) {
        auto it = names.find(leaf);
        if (it != names.end() && !llvm::is_contained(found, it->second))
          found.push_back(it->second);
        return WalkResult::advance();
      });
    return found.empty() ? "-" : llvm::join(found, "+");
  }

private:
  DenseMap<Location, std::string> names;
};

int64_t integer(DictionaryAttr dict, StringRef name) {
  auto value = dict.getAs<IntegerAttr>(name);
  return value ? value.getInt() : 0;
}

std::pair<int64_t, int64_t> pairOf(DictionaryAttr dict, StringRef name) {
  auto array = dict.getAs<ArrayAttr>(name);
  if (!array || array.size() != 2)
    return {0, 0};
  auto at = [&](unsigned i) {
    auto value = dyn_cast<IntegerAttr>(array[i]);
    return value ? value.getInt() : 0;
  };
  return {at(0), at(1)};
}

} // namespace

LogicalResult cnnc::printMemoryPlan(ModuleOp model, ModuleOp lowered,
                                    raw_ostream &os) {
  auto forward = model.lookupSymbol<func::FuncOp>("forward");
  auto planned = lowered.lookupSymbol<func::FuncOp>("forward");
  DictionaryAttr planAttr =
      planned ? planned->getAttrOfType<DictionaryAttr>(plan::kAttrName)
              : DictionaryAttr();
  if (!forward || !planAttr)
    return lowered.emitError("the compiled model has no memory plan");
  LayerNames layers(forward);
  std::string modelName = "sequential";
  if (auto name =
          model->getAttrOfType<StringAttr>(cnn::CnnDialect::kModelNameAttrName))
    modelName = name.str();

  os << "Memory plan of model \"" << modelName
     << "\" (bytes; n = the batch size)\n\n";

  // Weights.
  os << "Weights: " << weightsBytes(forward) << " bytes\n";
  SmallVector<SmallVector<std::string>> rows{
      {"param", "name", "shape", "elements", "bytes"}};
  unsigned param = 0;
  for (unsigned i = 0; i < forward.getNumArguments(); ++i) {
    auto name = forward.getArgAttrOfType<StringAttr>(
        i, cnn::CnnDialect::kParamAttrName);
    if (!name)
      continue;
    auto type = cast<ShapedType>(forward.getArgumentTypes()[i]);
    rows.push_back({std::to_string(param++), name.str(),
                    shapeText(type.getShape()),
                    std::to_string(type.getNumElements()),
                    std::to_string(type.getNumElements() * 4)});
  }
  printTable(os, rows);

  // Steps.
  auto steps = planAttr.getAs<ArrayAttr>(plan::kSteps);
  os << "\nSteps of the forward pass, in order:\n";
  rows = {{"step", "layer"}};
  for (auto [i, loc] :
       llvm::enumerate(steps ? steps.getValue() : ArrayRef<Attribute>()))
    rows.push_back({std::to_string(i + 1), layers.of(loc)});
  printTable(os, rows);

  // Buffers.
  SmallVector<PlannedBuffer> buffers;
  if (auto list = planAttr.getAs<ArrayAttr>(plan::kBuffers))
    for (Attribute entry : list) {
      auto dict = dyn_cast<DictionaryAttr>(entry);
      if (!dict)
        continue;
      auto [a, b] = pairOf(dict, plan::kBytes);
      auto [p, q] = pairOf(dict, plan::kOffset);
      auto [first, last] = pairOf(dict, plan::kLive);
      buffers.push_back(
          {layers.of(dict.get(plan::kLoc)), a, b, p, q, first, last});
    }
  int64_t fixed = integer(planAttr, plan::kFixedBytes);
  int64_t perSample = integer(planAttr, plan::kPerSampleBytes);
  os << "\nWorkspace buffers (live: the first and last step using it):\n";
  rows = {{"buffer", "layer", "bytes", "offset", "live"}};
  for (auto [i, buffer] : llvm::enumerate(buffers))
    rows.push_back({std::to_string(i), buffer.layer, affine(buffer.a, buffer.b),
                    affine(buffer.p, buffer.q),
                    std::to_string(buffer.first + 1) + "-" +
                        std::to_string(buffer.last + 1)});
  printTable(os, rows);

  // Totals.
  int64_t sumA = 0, sumB = 0;
  for (const PlannedBuffer &buffer : buffers) {
    sumA += buffer.a;
    sumB += buffer.b;
  }
  os << "\nWorkspace (cnnc_workspace_bytes): " << affine(perSample, fixed)
     << " bytes\nSum of all buffers: " << affine(sumA, sumB) << " bytes\n\n";
  rows = {{"batch", "workspace", "peak live", "sum of buffers"}};
  size_t stepCount = steps ? steps.size() : 0;
  for (int64_t n : {1, 32, 256}) {
    int64_t peak = 0;
    for (size_t step = 0; step < stepCount; ++step) {
      int64_t live = 0;
      for (const PlannedBuffer &buffer : buffers)
        if (buffer.first <= static_cast<int64_t>(step) &&
            static_cast<int64_t>(step) <= buffer.last)
          live += buffer.a * n + buffer.b;
      peak = std::max(peak, live);
    }
    rows.push_back({std::to_string(n), std::to_string(fixed + perSample * n),
                    std::to_string(peak), std::to_string(sumB + sumA * n)});
  }
  printTable(os, rows);
  return success();
}
