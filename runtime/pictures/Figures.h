//===- Figures.h - The lesson's pictures, drawn with cairo ------*- C++ -*-===//
//
// What `cnnc show` draws: grids of values (an image, a feature map, a
// pooled map), line charts of a History, a confusion matrix. The figures
// only draw what they are given; computing it is the caller's
// (compiler/commands/ShowCommand.cpp). Each returns where it put its
// grids, so that tests can find a cell's pixels in the decoded PNG, and
// writes the PNG atomically (cairo encodes it into memory first).
//
// Values in a grid are drawn as gray levels: `low` black, `high` white,
// linearly between (a cell of value v on [0, 1] is the gray cairo makes of
// v, i.e. round(255 v) for the multiples of 1/255 that pixels are).
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_PICTURES_FIGURES_H
#define CNNC_RUNTIME_PICTURES_FIGURES_H

#include <cstdint>
#include <string>
#include <vector>

namespace cnnc {

/// Values in row-major order.
struct Grid {
  int64_t rows = 0, cols = 0;
  std::vector<float> values;
  float at(int64_t r, int64_t c) const { return values[size_t(r * cols + c)]; }
};

/// A grid with a title above it, drawn on [low, high].
struct Panel {
  std::string title;
  Grid grid;
  float low = 0.0f, high = 1.0f;
  /// The title may run over the panels to its right (a row's label on its
  /// first panel) instead of widening this one.
  bool titleOverflows = false;
};

/// Where a grid landed: cell (r, c) covers [x + c * cell, x + (c + 1) *
/// cell) x [y + r * cell, y + (r + 1) * cell), in pixels.
struct GridPlacement {
  double x = 0, y = 0, cell = 0;
  int64_t rows = 0, cols = 0;
  /// The pixel at the middle of cell (r, c).
  int64_t centerX(int64_t c) const { return int64_t(x + (c + 0.5) * cell); }
  int64_t centerY(int64_t r) const { return int64_t(y + (r + 0.5) * cell); }
};

/// Rows of panels under a title, with a caption of text lines below; every
/// cell `cell` pixels wide. `placements` gets one entry per panel, row by
/// row.
bool writePanelFigure(const std::string &path, const std::string &title,
                      const std::vector<std::vector<Panel>> &rows,
                      const std::vector<std::string> &caption, double cell,
                      std::vector<GridPlacement> &placements,
                      std::string &error);

/// A line chart: one series per name, y against epoch 1..n.
struct Series {
  std::string name;
  std::vector<double> values;
};

/// Where the chart put the point (epoch, value) of a series.
struct ChartPlacement {
  double left = 0, top = 0, width = 0, height = 0; // the plot area
  double xMin = 0, xMax = 0, yMin = 0, yMax = 0;   // what its edges mean
  double pixelX(double epoch) const {
    return left + (epoch - xMin) / (xMax - xMin) * width;
  }
  double pixelY(double value) const {
    return top + (yMax - value) / (yMax - yMin) * height;
  }
};

/// Charts side by side (loss, accuracy), each with its series.
struct Chart {
  std::string title;
  std::vector<Series> series;
};
bool writeChartFigure(const std::string &path, const std::vector<Chart> &charts,
                      std::vector<ChartPlacement> &placements,
                      std::string &error);

/// A confusion matrix: counts[true][predicted], each cell shaded by its
/// share of its row and labelled with its count.
bool writeConfusionFigure(const std::string &path, const std::string &title,
                          const std::vector<std::vector<int64_t>> &counts,
                          GridPlacement &placement, std::string &error);

/// The colors a chart draws its series in, in order (RGB, 0..255).
extern const uint8_t kSeriesColors[4][3];

} // namespace cnnc

#endif // CNNC_RUNTIME_PICTURES_FIGURES_H
