//===- ModelInfo.cpp - What a compiled model says about itself ------------===//

#include "runtime/model/ModelInfo.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>

using namespace cnnc;

namespace {

constexpr std::string_view kHeader = "cnnc-model-info 1";
/// Bounds that keep a damaged info text from asking for absurd buffers; the
/// compiler's own limits (ShapeRules.h) are far inside them.
constexpr int64_t kMaxDim = int64_t(1) << 24;
constexpr int64_t kMaxElements = int64_t(1) << 28;
constexpr size_t kMaxRank = 8;
constexpr size_t kMaxTrainOutputs = 1024;

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

void appendShape(std::string &out, const std::vector<int64_t> &shape) {
  for (int64_t d : shape)
    out += " " + std::to_string(d);
}

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> result;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ')
      ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ')
      ++i;
    if (i > start)
      result.emplace_back(line.substr(start, i - start));
  }
  return result;
}

bool parseInt(const std::string &word, int64_t &out) {
  if (word.empty())
    return false;
  char *end = nullptr;
  errno = 0;
  long long value = std::strtoll(word.c_str(), &end, 10);
  if (errno || *end)
    return false;
  out = value;
  return true;
}

bool parseDouble(const std::string &word, double &out) {
  if (word.empty())
    return false;
  char *end = nullptr;
  errno = 0;
  out = std::strtod(word.c_str(), &end);
  return !errno && !*end;
}

bool parseShape(const std::vector<std::string> &w, size_t from,
                std::vector<int64_t> &shape) {
  if (w.size() - from > kMaxRank)
    return false;
  int64_t elements = 1;
  for (size_t i = from; i < w.size(); ++i) {
    int64_t d;
    if (!parseInt(w[i], d) || d < 1 || d > kMaxDim)
      return false;
    elements *= d;
    if (elements > kMaxElements)
      return false;
    shape.push_back(d);
  }
  return true;
}

int64_t product(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

} // namespace

static constexpr LossKind kLosses[] = {
    LossKind::SparseCategoricalCrossentropy, LossKind::CategoricalCrossentropy,
    LossKind::MSE, LossKind::BinaryCrossentropy};
static constexpr OptimizerKind kOptimizers[] = {
    OptimizerKind::Adam, OptimizerKind::SGD, OptimizerKind::RMSprop};

const char *cnnc::lossName(LossKind loss) {
  switch (loss) {
  case LossKind::SparseCategoricalCrossentropy:
    return "sparse_categorical_crossentropy";
  case LossKind::CategoricalCrossentropy:
    return "categorical_crossentropy";
  case LossKind::MSE:
    return "mse";
  case LossKind::BinaryCrossentropy:
    return "binary_crossentropy";
  }
  return "?";
}

const char *cnnc::optimizerName(OptimizerKind optimizer) {
  switch (optimizer) {
  case OptimizerKind::Adam:
    return "adam";
  case OptimizerKind::SGD:
    return "sgd";
  case OptimizerKind::RMSprop:
    return "rmsprop";
  }
  return "?";
}

std::optional<LossKind> cnnc::parseLossName(std::string_view name) {
  for (LossKind loss : kLosses)
    if (name == lossName(loss))
      return loss;
  return std::nullopt;
}

std::optional<OptimizerKind> cnnc::parseOptimizerName(std::string_view name) {
  for (OptimizerKind optimizer : kOptimizers)
    if (name == optimizerName(optimizer))
      return optimizer;
  return std::nullopt;
}

int64_t ParamInfo::elements() const { return product(shape); }
bool ModelInfo::needsWholeBatch() const {
  return std::any_of(params.begin(), params.end(),
                     [](const ParamInfo &p) { return p.fromBatchStatistics; });
}
int64_t ModelInfo::inputElements(size_t index) const {
  return product(inputShapes[index]);
}
int64_t ModelInfo::outputElements() const { return product(outputShape); }
int64_t ModelInfo::statsPerCall() const {
  return trainOutputs.empty() ? 2 : 2 + 2 * int64_t(trainOutputs.size());
}
int64_t ModelInfo::paramElements() const {
  int64_t n = 0;
  for (const ParamInfo &p : params)
    n += p.elements();
  return n;
}

int64_t ModelInfo::imagesPerCall() const {
  // 256 is where larger calls stop being faster; the byte budget keeps a
  // model with large activations from allocating gigabytes in one call.
  constexpr int64_t kCallBudgetBytes = int64_t(1) << 30, kMostImages = 256;
  return std::clamp<int64_t>(kCallBudgetBytes /
                                 std::max<int64_t>(activationBytesPerImage, 1),
                             1, kMostImages);
}

template <typename T>
static std::vector<T *> pointersInto(const ModelInfo &info, T *flat) {
  std::vector<T *> pointers;
  pointers.reserve(info.params.size());
  for (const ParamInfo &param : info.params) {
    pointers.push_back(flat);
    flat += param.elements();
  }
  return pointers;
}

std::vector<const float *> cnnc::paramPointers(const ModelInfo &info,
                                               const float *flat) {
  return pointersInto(info, flat);
}

std::vector<float *> cnnc::writableParamPointers(const ModelInfo &info,
                                                 float *flat) {
  return pointersInto(info, flat);
}

std::string cnnc::formatModelInfo(const ModelInfo &info) {
  std::string out(kHeader);
  out += "\nname " + info.name;
  for (const std::vector<int64_t> &shape : info.inputShapes) {
    out += "\ninput";
    appendShape(out, shape);
  }
  out += "\noutput";
  appendShape(out, info.outputShape);
  out += "\nactivations " + std::to_string(info.activationBytesPerImage) + "\n";
  for (const ParamInfo &p : info.params) {
    out += "param " + p.name;
    appendShape(out, p.shape);
    const InitializerSpec &s = p.initializer;
    out += "\ninit " + p.name + " kind=" + s.kind +
           " scale=" + number(s.scale) + " mode=" + s.mode +
           " distribution=" + s.distribution + " mean=" + number(s.mean) +
           " stddev=" + number(s.stddev) + " minval=" + number(s.minval) +
           " maxval=" + number(s.maxval) + " value=" + number(s.value) + "\n";
  }
  if (info.trainable) {
    out += std::string("train ") + lossName(info.loss) +
           (info.sparseLabels ? " sparse\n" : " dense\n");
    out += std::string("optimizer ") + optimizerName(info.optimizer) + " " +
           std::to_string(info.stateSlots) + "\n";
    for (const auto &[name, value] : info.hyperParameters)
      out += "hyper " + name + " " + number(value) + "\n";
    for (const ParamInfo &p : info.params)
      if (p.fromBatchStatistics)
        out += "batch-statistics " + p.name + "\n";
    if (!info.trainOutputs.empty()) {
      out += "train-outputs";
      for (const std::string &name : info.trainOutputs)
        out += " " + name;
      out += "\n";
    }
  }
  for (const auto &[name, value] : info.fit)
    out += "fit " + name + " " + number(value) + "\n";
  return out;
}

bool cnnc::parseModelInfo(std::string_view text, ModelInfo &info,
                          std::string &error) {
  info = ModelInfo();
  size_t lineNumber = 0;
  auto fail = [&](const std::string &why) {
    error = "the compiled model's description is damaged (line " +
            std::to_string(lineNumber) + "): " + why;
    return false;
  };
  bool sawHeader = false, sawInput = false, sawOutput = false;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view()
                                         : text.substr(end + 1);
    ++lineNumber;
    if (!sawHeader) {
      if (line != kHeader)
        return fail("expected '" + std::string(kHeader) + "'");
      sawHeader = true;
      continue;
    }
    std::vector<std::string> w = words(line);
    if (w.empty())
      continue;
    const std::string &key = w[0];
    if (key == "name" && w.size() == 2) {
      info.name = w[1];
    } else if (key == "input" || key == "output") {
      std::vector<int64_t> shape;
      if (!parseShape(w, 1, shape) || shape.empty())
        return fail("bad " + key + " shape");
      if (key == "input")
        info.inputShapes.push_back(std::move(shape));
      else
        info.outputShape = std::move(shape);
      (key == "input" ? sawInput : sawOutput) = true;
    } else if (key == "activations" && w.size() == 2) {
      if (!parseInt(w[1], info.activationBytesPerImage) ||
          info.activationBytesPerImage < 0)
        return fail("bad activation size");
    } else if (key == "param" && w.size() >= 2) {
      ParamInfo p;
      p.name = w[1];
      if (!parseShape(w, 2, p.shape))
        return fail("bad shape of parameter " + p.name);
      info.params.push_back(std::move(p));
      if (info.paramElements() > kMaxElements)
        return fail("too many parameters");
    } else if (key == "init" && w.size() >= 2) {
      if (info.params.empty() || info.params.back().name != w[1])
        return fail("initializer of an unknown parameter");
      InitializerSpec &s = info.params.back().initializer;
      for (size_t i = 2; i < w.size(); ++i) {
        size_t eq = w[i].find('=');
        if (eq == std::string::npos)
          return fail("bad initializer field '" + w[i] + "'");
        std::string field = w[i].substr(0, eq), value = w[i].substr(eq + 1);
        double *num = field == "scale"    ? &s.scale
                      : field == "mean"   ? &s.mean
                      : field == "stddev" ? &s.stddev
                      : field == "minval" ? &s.minval
                      : field == "maxval" ? &s.maxval
                      : field == "value"  ? &s.value
                                          : nullptr;
        if (num) {
          if (!parseDouble(value, *num))
            return fail("bad number '" + value + "'");
        } else if (field == "kind") {
          s.kind = value;
        } else if (field == "mode") {
          s.mode = value;
        } else if (field == "distribution") {
          s.distribution = value;
        } else {
          return fail("unknown initializer field '" + field + "'");
        }
      }
    } else if (key == "train" && w.size() == 3) {
      info.trainable = true;
      std::optional<LossKind> loss = parseLossName(w[1]);
      if (!loss)
        return fail("unknown loss '" + w[1] + "'");
      info.loss = *loss;
      if (w[2] != "sparse" && w[2] != "dense")
        return fail("bad label kind '" + w[2] + "'");
      info.sparseLabels = w[2] == "sparse";
    } else if (key == "optimizer" && w.size() == 3) {
      std::optional<OptimizerKind> optimizer = parseOptimizerName(w[1]);
      if (!optimizer)
        return fail("unknown optimizer '" + w[1] + "'");
      info.optimizer = *optimizer;
      if (!parseInt(w[2], info.stateSlots) || info.stateSlots < 0 ||
          info.stateSlots > 8)
        return fail("bad optimizer state size");
    } else if (key == "batch-statistics" && w.size() == 2) {
      auto param =
          std::find_if(info.params.begin(), info.params.end(),
                       [&](const ParamInfo &p) { return p.name == w[1]; });
      if (param == info.params.end())
        return fail("batch statistics of an unknown parameter");
      param->fromBatchStatistics = true;
    } else if (key == "train-outputs" && w.size() >= 3 &&
               w.size() <= kMaxTrainOutputs + 1) {
      info.trainOutputs.assign(w.begin() + 1, w.end());
    } else if ((key == "hyper" || key == "fit") && w.size() == 3) {
      double value;
      if (!parseDouble(w[2], value))
        return fail("bad number '" + w[2] + "'");
      (key == "hyper" ? info.hyperParameters : info.fit)[w[1]] = value;
    } else {
      return fail("unexpected '" + std::string(line.substr(0, 40)) + "'");
    }
  }
  if (!sawHeader || !sawInput || !sawOutput)
    return fail("incomplete");
  return true;
}

bool cnnc::initializeParams(const ModelInfo &info, uint64_t seed,
                            std::vector<float> &params, std::string &error) {
  // One stream for all parameters, in order: the seed fixes every weight.
  std::mt19937_64 rng(seed);
  params.clear();
  params.reserve(info.paramElements());
  std::vector<float> one;
  for (const ParamInfo &p : info.params) {
    if (!initialize(p.initializer, p.shape, rng, one, error)) {
      error = p.name + ": " + error;
      return false;
    }
    params.insert(params.end(), one.begin(), one.end());
  }
  return true;
}
