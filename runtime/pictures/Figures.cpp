//===- Figures.cpp - The lesson's pictures, drawn with cairo --------------===//

#include "runtime/pictures/Figures.h"
#include "runtime/support/AtomicFile.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

using namespace cnnc;

const uint8_t cnnc::kSeriesColors[4][3] = {
    {31, 119, 180}, {255, 127, 14}, {44, 160, 44}, {214, 39, 40}};

namespace {

constexpr double kMargin = 20;
constexpr double kTitleSize = 16, kLabelSize = 11;

struct SurfaceDeleter {
  void operator()(cairo_surface_t *s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
  void operator()(cairo_t *c) const { cairo_destroy(c); }
};
using Surface = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using Context = std::unique_ptr<cairo_t, ContextDeleter>;

/// A white canvas of the given size (at least 1 x 1).
Surface canvas(double width, double height) {
  return Surface(cairo_image_surface_create(
      CAIRO_FORMAT_RGB24, std::max(1, int(std::ceil(width))),
      std::max(1, int(std::ceil(height)))));
}

Context paintWhite(cairo_surface_t *surface) {
  Context cr(cairo_create(surface));
  cairo_set_source_rgb(cr.get(), 1, 1, 1);
  cairo_paint(cr.get());
  cairo_select_font_face(cr.get(), "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         CAIRO_FONT_WEIGHT_NORMAL);
  return cr;
}

double textWidth(cairo_t *cr, const std::string &text, double size) {
  cairo_set_font_size(cr, size);
  cairo_text_extents_t extents;
  cairo_text_extents(cr, text.c_str(), &extents);
  return extents.x_advance;
}

/// Text with its baseline at y, starting at x (or centred on x).
void text(cairo_t *cr, const std::string &s, double x, double y, double size,
          bool centred = false) {
  cairo_set_font_size(cr, size);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_move_to(cr, centred ? x - textWidth(cr, s, size) / 2 : x, y);
  cairo_show_text(cr, s.c_str());
}

std::string number(double v, const char *format = "%.4g") {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, format, v);
  return buffer;
}

/// Encodes the surface as PNG in memory, then writes it atomically.
bool savePng(cairo_surface_t *surface, const std::string &path,
             std::string &error) {
  std::string bytes;
  cairo_status_t status = cairo_surface_write_to_png_stream(
      surface,
      [](void *closure, const unsigned char *data, unsigned length) {
        static_cast<std::string *>(closure)->append(
            reinterpret_cast<const char *>(data), length);
        return CAIRO_STATUS_SUCCESS;
      },
      &bytes);
  if (status != CAIRO_STATUS_SUCCESS) {
    error = std::string("cannot draw '") + path +
            "': " + cairo_status_to_string(status);
    return false;
  }
  return writeFileAtomically(path, bytes, error);
}

void drawGrid(cairo_t *cr, const Panel &panel, const GridPlacement &at) {
  float range = panel.high - panel.low;
  for (int64_t r = 0; r < panel.grid.rows; ++r)
    for (int64_t c = 0; c < panel.grid.cols; ++c) {
      float v = panel.grid.at(r, c);
      double gray = range > 0 ? (v - panel.low) / range : 0.0;
      gray = std::isnan(gray) ? 0.0 : std::clamp(gray, 0.0, 1.0);
      cairo_set_source_rgb(cr, gray, gray, gray);
      cairo_rectangle(cr, at.x + c * at.cell, at.y + r * at.cell, at.cell,
                      at.cell);
      cairo_fill(cr);
    }
  // A frame outside the cells, so that a black map still shows its size.
  cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
  cairo_set_line_width(cr, 1);
  cairo_rectangle(cr, at.x - 1.5, at.y - 1.5, at.cols * at.cell + 3,
                  at.rows * at.cell + 3);
  cairo_stroke(cr);
}

} // namespace

bool cnnc::writePanelFigure(const std::string &path, const std::string &title,
                            const std::vector<std::vector<Panel>> &rows,
                            const std::vector<std::string> &caption,
                            double cell, std::vector<GridPlacement> &placements,
                            std::string &error) {
  // Measure first (a scratch surface for the text), then draw.
  Surface scratch = canvas(1, 1);
  Context measure = paintWhite(scratch.get());
  auto panelCell = [&](const Panel &p) {
    // A tiny map (a global pooling's 1 x 1) is drawn large enough to see.
    int64_t side = std::max(p.grid.rows, p.grid.cols);
    return side * cell < 48 ? std::ceil(48.0 / double(side)) : cell;
  };
  auto panelWidth = [&](const Panel &p) {
    double grid = p.grid.cols * panelCell(p);
    return p.titleOverflows
               ? grid
               : std::max(grid, textWidth(measure.get(), p.title, kLabelSize));
  };
  double width = textWidth(measure.get(), title, kTitleSize);
  double height = kMargin + 24;
  for (const std::vector<Panel> &row : rows) {
    double rowWidth = 0, rowHeight = 0;
    for (const Panel &p : row) {
      rowWidth += panelWidth(p) + kMargin;
      rowHeight = std::max(rowHeight, p.grid.rows * panelCell(p));
    }
    width = std::max(width, rowWidth);
    height += 18 + rowHeight + kMargin;
  }
  for (const std::string &line : caption)
    width = std::max(width, textWidth(measure.get(), line, kLabelSize));
  width += 2 * kMargin;
  height += caption.size() * 16 + kMargin;

  Surface surface = canvas(width, height);
  Context cr = paintWhite(surface.get());
  text(cr.get(), title, kMargin, kMargin + kTitleSize, kTitleSize);
  double y = kMargin + 24;
  placements.clear();
  for (const std::vector<Panel> &row : rows) {
    double x = kMargin, rowHeight = 0;
    for (const Panel &p : row) {
      text(cr.get(), p.title, x, y + 12, kLabelSize);
      GridPlacement at{x, y + 18, panelCell(p), p.grid.rows, p.grid.cols};
      drawGrid(cr.get(), p, at);
      placements.push_back(at);
      x += panelWidth(p) + kMargin;
      rowHeight = std::max(rowHeight, p.grid.rows * at.cell);
    }
    y += 18 + rowHeight + kMargin;
  }
  for (const std::string &line : caption) {
    text(cr.get(), line, kMargin, y + 12, kLabelSize);
    y += 16;
  }
  return savePng(surface.get(), path, error);
}

bool cnnc::writeChartFigure(const std::string &path,
                            const std::vector<Chart> &charts,
                            std::vector<ChartPlacement> &placements,
                            std::string &error) {
  constexpr double plotWidth = 360, plotHeight = 240, left = 60, below = 50,
                   above = 36, legendWidth = 120;
  double chartWidth = left + plotWidth + legendWidth;
  Surface surface =
      canvas(charts.size() * chartWidth + kMargin, above + plotHeight + below);
  Context cr = paintWhite(surface.get());
  placements.clear();
  for (size_t k = 0; k < charts.size(); ++k) {
    const Chart &chart = charts[k];
    ChartPlacement at;
    at.left = k * chartWidth + left;
    at.top = above;
    at.width = plotWidth;
    at.height = plotHeight;
    size_t epochs = 0;
    double low = INFINITY, high = -INFINITY;
    for (const Series &s : chart.series) {
      epochs = std::max(epochs, s.values.size());
      for (double v : s.values)
        if (std::isfinite(v)) {
          low = std::min(low, v);
          high = std::max(high, v);
        }
    }
    if (!(low <= high))
      low = 0, high = 1;
    double pad = high > low ? 0.05 * (high - low) : 0.5;
    at.yMin = low - pad;
    at.yMax = high + pad;
    at.xMin = epochs > 1 ? 1 : 0.5;
    at.xMax = epochs > 1 ? double(epochs) : 1.5;

    text(cr.get(), chart.title, at.left + plotWidth / 2, 22, kTitleSize,
         /*centred=*/true);
    // Axes, y ticks at five levels, x ticks at each epoch (or every few).
    cairo_set_source_rgb(cr.get(), 0, 0, 0);
    cairo_set_line_width(cr.get(), 1);
    cairo_rectangle(cr.get(), at.left, at.top, plotWidth, plotHeight);
    cairo_stroke(cr.get());
    for (int i = 0; i <= 4; ++i) {
      double v = at.yMin + (at.yMax - at.yMin) * i / 4;
      text(cr.get(), number(v, "%.3g"), at.left - 50, at.pixelY(v) + 4,
           kLabelSize);
    }
    size_t step = std::max<size_t>(1, epochs / 10);
    for (size_t e = 1; e <= epochs; e += step)
      text(cr.get(), std::to_string(e), at.pixelX(double(e)),
           at.top + plotHeight + 16, kLabelSize, /*centred=*/true);
    text(cr.get(), "epoch", at.left + plotWidth / 2, at.top + plotHeight + 36,
         kLabelSize, /*centred=*/true);

    for (size_t i = 0; i < chart.series.size(); ++i) {
      const Series &s = chart.series[i];
      const uint8_t *rgb = kSeriesColors[i % 4];
      cairo_set_source_rgb(cr.get(), rgb[0] / 255.0, rgb[1] / 255.0,
                           rgb[2] / 255.0);
      cairo_set_line_width(cr.get(), 2);
      bool drawing = false;
      for (size_t e = 0; e < s.values.size(); ++e) {
        if (!std::isfinite(s.values[e])) {
          drawing = false;
          continue;
        }
        double px = at.pixelX(double(e + 1)), py = at.pixelY(s.values[e]);
        if (drawing)
          cairo_line_to(cr.get(), px, py);
        else
          cairo_move_to(cr.get(), px, py);
        drawing = true;
      }
      cairo_stroke(cr.get());
      for (size_t e = 0; e < s.values.size(); ++e)
        if (std::isfinite(s.values[e])) {
          cairo_arc(cr.get(), at.pixelX(double(e + 1)), at.pixelY(s.values[e]),
                    3.5, 0, 2 * M_PI);
          cairo_fill(cr.get());
        }
      // The legend: a swatch and the series' name.
      double ly = at.top + 14 + 18 * double(i);
      cairo_rectangle(cr.get(), at.left + plotWidth + 12, ly - 8, 14, 8);
      cairo_fill(cr.get());
      text(cr.get(), s.name, at.left + plotWidth + 32, ly, kLabelSize);
    }
    placements.push_back(at);
  }
  return savePng(surface.get(), path, error);
}

bool cnnc::writeConfusionFigure(const std::string &path,
                                const std::string &title,
                                const std::vector<std::vector<int64_t>> &counts,
                                GridPlacement &placement, std::string &error) {
  int64_t n = int64_t(counts.size());
  constexpr double cell = 40, left = 70, top = 90;
  Surface surface = canvas(left + n * cell + kMargin, top + n * cell + 50);
  Context cr = paintWhite(surface.get());
  text(cr.get(), title, kMargin, kMargin + kTitleSize, kTitleSize);
  placement = {left, top, cell, n, n};
  for (int64_t t = 0; t < n; ++t) {
    int64_t total = 0;
    for (int64_t c : counts[size_t(t)])
      total += c;
    for (int64_t p = 0; p < n; ++p) {
      int64_t count = counts[size_t(t)][size_t(p)];
      // White (none of the row) to blue (all of it).
      double share = total ? double(count) / double(total) : 0.0;
      cairo_set_source_rgb(cr.get(), 1 - 0.8 * share, 1 - 0.6 * share, 1);
      cairo_rectangle(cr.get(), left + p * cell, top + t * cell, cell, cell);
      cairo_fill(cr.get());
      text(cr.get(), std::to_string(count), left + (p + 0.5) * cell,
           top + (t + 0.5) * cell + 4, kLabelSize, /*centred=*/true);
    }
    text(cr.get(), std::to_string(t), left - 16, top + (t + 0.5) * cell + 4,
         kLabelSize, /*centred=*/true);
    text(cr.get(), std::to_string(t), left + (t + 0.5) * cell, top - 8,
         kLabelSize, /*centred=*/true);
  }
  text(cr.get(), "predicted", left + n * cell / 2, top - 24, kLabelSize,
       /*centred=*/true);
  text(cr.get(), "true", kMargin - 8, top + n * cell / 2, kLabelSize);
  cairo_set_source_rgb(cr.get(), 0.5, 0.5, 0.5);
  cairo_set_line_width(cr.get(), 1);
  cairo_rectangle(cr.get(), left, top, n * cell, n * cell);
  cairo_stroke(cr.get());
  return savePng(surface.get(), path, error);
}
