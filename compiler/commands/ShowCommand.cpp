//===- ShowCommand.cpp - cnnc show: the lesson's pictures -----------------===//

#include "compiler/commands/ShowCommand.h"
#include "compiler/backend/CompiledModel.h"
#include "compiler/reports/ModelDescription.h"
#include "compiler/support/Diagnostics.h"
#include "frontends/LoadModel.h"
#include "frontends/common/ModelSpec.h"
#include "frontends/common/ModelToCnn.h"
#include "frontends/weights/ModelWeights.h"
#include "runtime/data/Mnist.h"
#include "runtime/images/ImageFolder.h"
#include "runtime/images/KerasImage.h"
#include "runtime/infer/ForwardRunner.h"
#include "runtime/pictures/Figures.h"
#include "runtime/pictures/Pooling.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace cnnc;

namespace {

/// One image on [0, 1], channels interleaved.
struct Picture {
  int64_t height = 0, width = 0, channels = 1;
  std::vector<float> values;
};

/// The digit or image a picture is of. `height` 0 keeps a file's own size
/// (in gray); otherwise the file is read as `cnnc predict --image` reads it
/// for a model input of height x width x channels.
bool readPicture(const ShowRequest &request, int64_t height, int64_t width,
                 int64_t channels, Picture &out) {
  std::string error;
  if (!request.imagePath.empty() == request.mnistIndex.has_value()) {
    reportError("cnnc show " + request.what +
                " needs --image FILE or --mnist-index K");
    return false;
  }
  DecodedImage image;
  if (request.mnistIndex) {
    DatasetRequest data;
    data.dataDir = request.dataDir;
    data.test = false;
    Dataset dataset;
    if (!loadDataset(data, dataset, error)) {
      reportError(error);
      return false;
    }
    const IdxImages &images = dataset.trainImages;
    int64_t k = *request.mnistIndex;
    if (k < 0 || k >= images.count) {
      reportError("--mnist-index " + std::to_string(k) +
                  " is not a training digit: MNIST has " +
                  std::to_string(images.count) + " (0 to " +
                  std::to_string(images.count - 1) + ")");
      return false;
    }
    image.width = images.cols;
    image.height = images.rows;
    image.samples.assign(images.image(k),
                         images.image(k) + images.cols * images.rows);
  } else if (!readImageFile(request.imagePath, image, error)) {
    reportError(error);
    return false;
  }
  height = height ? height : image.height;
  width = width ? width : image.width;
  out = {height, width, channels, imageAsInput(image, height, width, channels)};
  return true;
}

Grid channelOf(const Picture &p, int64_t c) {
  Grid g{p.height, p.width, {}};
  for (int64_t i = 0; i < p.height * p.width; ++i)
    g.values.push_back(p.values[size_t(i * p.channels + c)]);
  return g;
}

std::string size(int64_t rows, int64_t cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

int showPooling(const ShowRequest &request) {
  Picture picture;
  if (!readPicture(request, 0, 0, 1, picture))
    return 1;
  int64_t f = request.pool, s = request.stride.value_or(request.pool);
  if (f < 1 || s < 1 || f > std::min(picture.height, picture.width)) {
    reportError("--pool " + std::to_string(f) + " --stride " +
                std::to_string(s) + " does not fit a " +
                size(picture.height, picture.width) +
                " image: both at least 1, the pool at most the image");
    return 1;
  }
  Grid image = channelOf(picture, 0);
  std::vector<GridPlacement> placements;
  std::string error;
  if (!writePanelFigure(request.outputPath,
                        "Pooling a " + size(image.rows, image.cols) +
                            " image, " + std::to_string(f) + "x" +
                            std::to_string(f) + ", stride " + std::to_string(s),
                        poolingPanels(image, f, s),
                        poolingCaption(image.rows, f, s), 8, placements,
                        error)) {
    reportError(error);
    return 1;
  }
  return 0;
}

/// A compiled forward pass and its parameters.
struct Forward {
  ModelInfo info;
  std::unique_ptr<CompiledModel> compiled;
};

llvm::Expected<Forward> compileForward(OwningOpRef<ModuleOp> module,
                                       const PipelineOptions &pipeline) {
  Forward forward;
  forward.info = describeModel(*module);
  PipelineOptions options = pipeline;
  options.train = false;
  auto compiled = CompiledModel::compile(*module, options);
  if (!compiled)
    return compiled.takeError();
  forward.compiled = std::move(*compiled);
  return std::move(forward);
}

int showFeatures(const ShowRequest &request, MLIRContext &context) {
  llvm::Expected<ModelSpec> spec = readModelSpec(request.input);
  if (!spec) {
    reportModelError(spec.takeError(), context);
    return 1;
  }
  OwningOpRef<ModuleOp> whole = buildCnnModule(*spec, context);
  if (!whole)
    return 1;
  ModelInfo info = describeModel(*whole);
  const std::vector<int64_t> &in = info.inputShapes.front();
  if (info.inputShapes.size() != 1 || in.size() != 3 ||
      !isImageChannelCount(in[2])) {
    reportError("cnnc show features needs a model of one input, (height, "
                "width, channels) with 1, 3 or 4 channels");
    return 1;
  }
  auto params = weightsOrInitializers(info, request.input, request.weightsPath,
                                      request.seed);
  if (!params) {
    reportModelError(params.takeError(), context);
    return 1;
  }
  Picture picture;
  if (!readPicture(request, in[0], in[1], in[2], picture))
    return 1;

  std::vector<std::vector<Panel>> rows;
  {
    std::vector<Panel> input;
    for (int64_t c = 0; c < picture.channels; ++c)
      input.push_back({c ? "" : "input " + size(picture.height, picture.width),
                       channelOf(picture, c)});
    rows.push_back(input);
  }
  WorkerPool workers(request.threads);
  // Each convolution's and pooling's output is the output of the model cut
  // after that layer (what Keras shows as model.layers[k].output).
  for (size_t k = 0; k < spec->layers.size(); ++k) {
    const Layer &layer = spec->layers[k];
    bool maps = layer.kind == LayerKind::Conv2D ||
                layer.kind == LayerKind::MaxPooling2D ||
                layer.kind == LayerKind::AveragePooling2D ||
                layer.kind == LayerKind::MinPooling2D;
    if (!maps)
      continue;
    ModelSpec prefix = *spec;
    prefix.layers.resize(k + 1);
    prefix.training = {};
    OwningOpRef<ModuleOp> module = buildCnnModule(prefix, context);
    if (!module)
      return 1;
    auto forward = compileForward(std::move(module), request.pipeline);
    if (!forward) {
      report(forward.takeError());
      return 1;
    }
    const ModelInfo &cut = forward->info;
    std::vector<float> output(size_t(cut.outputElements()));
    runForward(forward->compiled->kernels(), workers, picture.values.data(), 1,
               paramPointers(cut, params->data()).data(), output.data());
    const std::vector<int64_t> &shape = cut.outputShape;
    int64_t h = shape[0], w = shape[1], channels = shape[2];
    std::vector<Panel> row;
    for (int64_t c = 0; c < channels; ++c) {
      Panel panel;
      panel.title =
          c ? ""
            : layer.name + " " + size(h, w) + "x" + std::to_string(channels);
      panel.titleOverflows = true;
      panel.grid = {h, w, {}};
      for (int64_t i = 0; i < h * w; ++i)
        panel.grid.values.push_back(output[size_t(i * channels + c)]);
      // Each map on its own range, as imshow would draw it.
      auto [low, high] = std::minmax_element(panel.grid.values.begin(),
                                             panel.grid.values.end());
      panel.low = *low;
      panel.high = *high;
      row.push_back(panel);
      // At most 16 maps side by side.
      if (row.size() == 16 || c + 1 == channels) {
        rows.push_back(row);
        row.clear();
      }
    }
  }
  std::vector<GridPlacement> placements;
  std::string error;
  if (!writePanelFigure(request.outputPath,
                        "Feature maps of " + spec->name +
                            " (each map from its minimum, black, to its "
                            "maximum, white)",
                        rows, {}, 3, placements, error)) {
    reportError(error);
    return 1;
  }
  return 0;
}

int showHistory(const ShowRequest &request) {
  // A --metrics-json file is small; a device that never ends is refused
  // before it is read.
  llvm::sys::fs::file_status status;
  if (!llvm::sys::fs::status(request.input, status) &&
      (status.type() != llvm::sys::fs::file_type::regular_file ||
       status.getSize() > (uint64_t(64) << 20))) {
    reportError("cannot read '" + request.input +
                "': not a metrics file (a regular file of at most 64 MiB)");
    return 1;
  }
  auto buffer = llvm::MemoryBuffer::getFile(request.input);
  if (!buffer) {
    reportError("cannot read '" + request.input +
                "': " + buffer.getError().message());
    return 1;
  }
  llvm::Expected<llvm::json::Value> json =
      llvm::json::parse((*buffer)->getBuffer());
  if (!json) {
    reportError("'" + request.input +
                "' is not JSON: " + llvm::toString(json.takeError()));
    return 1;
  }
  const llvm::json::Object *root = json->getAsObject();
  const llvm::json::Object *history =
      root ? root->getObject("history") : nullptr;
  if (!history) {
    reportError("'" + request.input +
                "' has no \"history\": give the --metrics-json file of a "
                "cnnc train run");
    return 1;
  }
  auto series = [&](const char *key, Series &out) {
    const llvm::json::Array *values = history->getArray(key);
    if (!values)
      return false;
    out.name = key;
    for (const llvm::json::Value &v : *values)
      out.values.push_back(v.getAsNumber().value_or(NAN));
    return true;
  };
  std::vector<Chart> charts;
  for (const char *metric : {"loss", "accuracy"}) {
    Chart chart;
    chart.title = metric;
    Series s;
    if (series(metric, s))
      chart.series.push_back(s);
    Series v;
    if (series(("val_" + std::string(metric)).c_str(), v)) {
      v.name = "val_" + std::string(metric);
      chart.series.push_back(v);
    }
    if (!chart.series.empty())
      charts.push_back(chart);
  }
  if (charts.empty()) {
    reportError("'" + request.input + "' has no loss or accuracy history");
    return 1;
  }
  std::vector<ChartPlacement> placements;
  std::string error;
  if (!writeChartFigure(request.outputPath, charts, placements, error)) {
    reportError(error);
    return 1;
  }
  return 0;
}

int showConfusion(const ShowRequest &request, MLIRContext &context) {
  if (request.weightsPath.empty()) {
    reportError("cnnc show confusion needs --weights FILE");
    return 1;
  }
  OwningOpRef<ModuleOp> module = loadModel(request.input, context);
  if (!module)
    return 1;
  ModelInfo info = describeModel(*module);
  if (info.inputShapes.size() != 1) {
    reportError("cnnc show confusion needs a model of one input, as the "
                "test images are");
    return 1;
  }
  auto params = weightsOrInitializers(info, request.input, request.weightsPath,
                                      request.seed);
  if (!params) {
    reportModelError(params.takeError(), context);
    return 1;
  }
  // The test set, as `cnnc eval` reads it.
  Dataset data;
  std::string error;
  const std::vector<int64_t> &in = info.inputShapes.front();
  if (!request.imageDir.empty()) {
    if (in.size() != 3 || !isImageChannelCount(in[2])) {
      reportError("--image-dir needs a model whose input is (height, width, "
                  "channels) with 1, 3 or 4 channels");
      return 1;
    }
    ImageFolderRequest folder;
    folder.directory = request.imageDir;
    folder.height = in[0];
    folder.width = in[1];
    folder.channels = in[2];
    folder.train = false;
    folder.seed = request.seed;
    if (!readImageFolder(folder, data, error)) {
      reportError(error);
      return 1;
    }
  } else {
    DatasetRequest dataset;
    dataset.dataDir = request.dataDir;
    dataset.train = false;
    if (!loadDataset(dataset, data, error)) {
      reportError(error);
      return 1;
    }
  }
  const IdxImages &images = data.testImages;
  int64_t classes = info.outputElements();
  if (info.inputElements() != images.pixelsPerImage()) {
    reportError("the model's input does not match the test images (" +
                size(images.rows, images.cols) + ")");
    return 1;
  }
  auto forward = compileForward(std::move(module), request.pipeline);
  if (!forward) {
    report(forward.takeError());
    return 1;
  }
  std::vector<float> inputs(images.pixels.size());
  for (size_t i = 0; i < inputs.size(); ++i)
    inputs[i] = float(images.pixels[i]) / 255.0f;
  std::vector<float> outputs(size_t(images.count * classes));
  WorkerPool workers(request.threads);
  runForward(forward->compiled->kernels(), workers, inputs.data(), images.count,
             paramPointers(info, params->data()).data(), outputs.data());
  int64_t labels = classes;
  for (uint8_t l : data.testLabels)
    labels = std::max<int64_t>(labels, int64_t(l) + 1);
  std::vector<std::vector<int64_t>> counts(
      static_cast<size_t>(labels),
      std::vector<int64_t>(static_cast<size_t>(labels), 0));
  for (int64_t i = 0; i < images.count; ++i) {
    const float *p = outputs.data() + i * classes;
    int64_t predicted = std::max_element(p, p + classes) - p;
    ++counts[data.testLabels[size_t(i)]][size_t(predicted)];
  }
  GridPlacement placement;
  if (!writeConfusionFigure(
          request.outputPath,
          "Confusion matrix: " + std::to_string(images.count) +
              " test images (rows: true class)",
          counts, placement, error)) {
    reportError(error);
    return 1;
  }
  return 0;
}

} // namespace

int cnnc::runShow(const ShowRequest &request, MLIRContext &context) {
  bool needsModel = request.what == "features" || request.what == "confusion";
  if (!needsModel && request.what != "pooling" && request.what != "history") {
    reportError("cnnc show knows pooling, features, history and confusion, "
                "not '" +
                request.what + "'");
    return 1;
  }
  if ((needsModel || request.what == "history") && request.input.empty()) {
    reportError("cnnc show " + request.what + " needs " +
                (needsModel ? "a MODEL" : "the --metrics-json file"));
    return 1;
  }
  if (request.what == "pooling")
    return showPooling(request);
  if (request.what == "history")
    return showHistory(request);
  if (request.what == "features")
    return showFeatures(request, context);
  return showConfusion(request, context);
}
