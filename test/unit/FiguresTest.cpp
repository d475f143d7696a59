//===- FiguresTest.cpp - The pictures hold the values they show -----------===//
//
// Each figure is drawn to a PNG, decoded again with cairo, and checked
// where it must be exact: a grid cell's gray is its value's, a chart's
// point is drawn at its value, a confusion cell is shaded by its share.
//
//===----------------------------------------------------------------------===//

#include "runtime/pictures/Figures.h"
#include "runtime/pictures/Pooling.h"

#include <cairo.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <unistd.h>

using namespace cnnc;

namespace {

/// A decoded PNG's pixels.
class Decoded {
public:
  explicit Decoded(const std::string &path)
      : surface(cairo_image_surface_create_from_png(path.c_str())) {}
  ~Decoded() { cairo_surface_destroy(surface); }
  bool ok() const {
    return cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS;
  }
  int width() const { return cairo_image_surface_get_width(surface); }
  int height() const { return cairo_image_surface_get_height(surface); }
  /// (r, g, b) at (x, y).
  std::array<int, 3> rgb(int64_t x, int64_t y) const {
    const unsigned char *row = cairo_image_surface_get_data(surface) +
                               y * cairo_image_surface_get_stride(surface);
    uint32_t pixel = reinterpret_cast<const uint32_t *>(row)[x];
    return {int(pixel >> 16 & 255), int(pixel >> 8 & 255), int(pixel & 255)};
  }

private:
  cairo_surface_t *surface;
};

std::string temporaryPng(const char *name) {
  return ::testing::TempDir() + "/" + name + "-" + std::to_string(getpid()) +
         ".png";
}

/// The 8-bit channel cairo stores for a color component d in [0, 1].
int cairoByte(double d) { return int((d * 65535.0 + 0.5)) >> 8; }

Grid digitLike() {
  // 7 x 6, values that are multiples of 1/255 as pixels are.
  Grid g{7, 6, {}};
  for (int64_t i = 0; i < 42; ++i)
    g.values.push_back(float((i * 37) % 256) / 255.0f);
  return g;
}

} // namespace

TEST(Pooling, KerasValidRule) {
  Grid g = digitLike();
  Grid max = poolGrid(g, 2, 2, PoolKind::Max);
  ASSERT_EQ(max.rows, 3); // floor((7 - 2) / 2) + 1
  ASSERT_EQ(max.cols, 3);
  // The window at rows 2..3, columns 4..5: values i = 16, 17, 22, 23.
  float expected = 0;
  for (int64_t i : {16, 17, 22, 23})
    expected = std::max(expected, g.values[size_t(i)]);
  EXPECT_EQ(max.at(1, 2), expected);
  Grid avg = poolGrid(g, 3, 1, PoolKind::Average);
  EXPECT_EQ(avg.rows, 5);
  EXPECT_EQ(avg.cols, 4);
  Grid min = poolGrid(g, 7, 1, PoolKind::Min);
  EXPECT_EQ(min.rows, 1);
  EXPECT_EQ(min.cols, 0); // 6 < 7: no window fits
}

TEST(Pooling, CaptionNamesBothRules) {
  std::vector<std::string> caption = poolingCaption(28, 2, 2);
  EXPECT_NE(caption[1].find("floor((l - f) / s) + 1 = 14"), std::string::npos);
  EXPECT_NE(caption[2].find("gives 13.5"), std::string::npos);
  EXPECT_NE(poolingCaption(28, 3, 1)[2].find("gives 26: the same"),
            std::string::npos);
}

TEST(Figures, PooledPanelsCellsAreThePooledValues) {
  std::vector<std::vector<Panel>> rows = poolingPanels(digitLike(), 2, 2);
  std::string path = temporaryPng("pooling");
  std::vector<GridPlacement> placements;
  std::string error;
  ASSERT_TRUE(writePanelFigure(path, "title", rows, {"a caption"}, 8,
                               placements, error))
      << error;
  Decoded png(path);
  ASSERT_TRUE(png.ok());
  size_t k = 0;
  for (const std::vector<Panel> &row : rows)
    for (const Panel &panel : row) {
      const GridPlacement &at = placements[k++];
      ASSERT_EQ(at.rows, panel.grid.rows);
      ASSERT_EQ(at.cols, panel.grid.cols);
      ASSERT_LE(at.x + at.cols * at.cell, png.width());
      ASSERT_LE(at.y + at.rows * at.cell, png.height());
      for (int64_t r = 0; r < at.rows; ++r)
        for (int64_t c = 0; c < at.cols; ++c) {
          int gray = cairoByte(panel.grid.at(r, c));
          EXPECT_EQ(png.rgb(at.centerX(c), at.centerY(r)),
                    (std::array<int, 3>{gray, gray, gray}))
              << panel.title << " cell (" << r << ", " << c << ")";
        }
    }
  EXPECT_EQ(k, 7u); // the image, three poolings, three global ones
  std::remove(path.c_str());
}

TEST(Figures, ChartPointsSitAtTheirValues) {
  std::vector<Chart> charts = {
      {"loss",
       {{"loss", {2.0, 1.0, 0.5, 0.4}}, {"val_loss", {1.5, 1.2, 0.9, 1.1}}}},
      {"accuracy", {{"accuracy", {0.3, 0.6, 0.8, NAN}}}}};
  std::string path = temporaryPng("chart");
  std::vector<ChartPlacement> placements;
  std::string error;
  ASSERT_TRUE(writeChartFigure(path, charts, placements, error)) << error;
  Decoded png(path);
  ASSERT_TRUE(png.ok());
  ASSERT_EQ(placements.size(), 2u);
  for (size_t k = 0; k < charts.size(); ++k)
    for (size_t s = 0; s < charts[k].series.size(); ++s) {
      const uint8_t *color = kSeriesColors[s];
      for (size_t e = 0; e < charts[k].series[s].values.size(); ++e) {
        double v = charts[k].series[s].values[e];
        if (std::isnan(v))
          continue;
        int64_t x = int64_t(std::lround(placements[k].pixelX(double(e + 1))));
        int64_t y = int64_t(std::lround(placements[k].pixelY(v)));
        EXPECT_EQ(png.rgb(x, y),
                  (std::array<int, 3>{color[0], color[1], color[2]}))
            << charts[k].title << " series " << s << " epoch " << e + 1;
      }
    }
  std::remove(path.c_str());
}

TEST(Figures, ConfusionCellsAreShadedByTheirShare) {
  std::vector<std::vector<int64_t>> counts = {{8, 2, 0}, {0, 5, 5}, {1, 0, 0}};
  std::string path = temporaryPng("confusion");
  GridPlacement at;
  std::string error;
  ASSERT_TRUE(writeConfusionFigure(path, "cm", counts, at, error)) << error;
  Decoded png(path);
  ASSERT_TRUE(png.ok());
  ASSERT_EQ(at.rows, 3);
  for (int64_t t = 0; t < 3; ++t) {
    double total = 0;
    for (int64_t c : counts[size_t(t)])
      total += double(c);
    for (int64_t p = 0; p < 3; ++p) {
      double share = double(counts[size_t(t)][size_t(p)]) / total;
      // A corner of the cell, away from its count's digits.
      EXPECT_EQ(png.rgb(int64_t(at.x + p * at.cell + 4),
                        int64_t(at.y + t * at.cell + 4)),
                (std::array<int, 3>{cairoByte(1 - 0.8 * share),
                                    cairoByte(1 - 0.6 * share), 255}))
          << "cell " << t << ", " << p;
    }
  }
  std::remove(path.c_str());
}
