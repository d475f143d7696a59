//===- Pooling.cpp - The pooling figure's content -------------------------===//

#include "runtime/pictures/Pooling.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace cnnc;

Grid cnnc::poolGrid(const Grid &in, int64_t f, int64_t s, PoolKind kind) {
  Grid out{(in.rows - f) / s + 1, (in.cols - f) / s + 1, {}};
  for (int64_t r = 0; r < out.rows; ++r)
    for (int64_t c = 0; c < out.cols; ++c) {
      float acc = kind == PoolKind::Max   ? -INFINITY
                  : kind == PoolKind::Min ? INFINITY
                                          : 0.0f;
      for (int64_t i = 0; i < f; ++i)
        for (int64_t j = 0; j < f; ++j) {
          float v = in.at(r * s + i, c * s + j);
          acc = kind == PoolKind::Max   ? std::max(acc, v)
                : kind == PoolKind::Min ? std::min(acc, v)
                                        : acc + v;
        }
      out.values.push_back(kind == PoolKind::Average ? acc / float(f * f)
                                                     : acc);
    }
  return out;
}

static std::string size(int64_t rows, int64_t cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

std::vector<std::vector<Panel>> cnnc::poolingPanels(const Grid &image,
                                                    int64_t f, int64_t s) {
  std::string window = std::to_string(f) + "x" + std::to_string(f) +
                       ", stride " + std::to_string(s);
  std::vector<std::vector<Panel>> rows(3);
  rows[0].push_back({"input " + size(image.rows, image.cols), image});
  const std::pair<PoolKind, const char *> kinds[] = {
      {PoolKind::Max, "max"},
      {PoolKind::Min, "min"},
      {PoolKind::Average, "average"}};
  for (auto [kind, name] : kinds) {
    Grid g = poolGrid(image, f, s, kind);
    rows[1].push_back(
        {std::string(name) + " " + window + " -> " + size(g.rows, g.cols), g});
  }
  for (auto [kind, name] : kinds) {
    // Global pooling is one window over the whole image (square or not).
    Grid whole = image;
    float v = kind == PoolKind::Max   ? -INFINITY
              : kind == PoolKind::Min ? INFINITY
                                      : 0.0f;
    for (float x : whole.values)
      v = kind == PoolKind::Max   ? std::max(v, x)
          : kind == PoolKind::Min ? std::min(v, x)
                                  : v + x;
    if (kind == PoolKind::Average)
      v /= float(whole.values.size());
    char text[64];
    std::snprintf(text, sizeof text, "global %s = %.3f", name, double(v));
    rows[2].push_back({text, Grid{1, 1, {v}}});
  }
  return rows;
}

std::vector<std::string> cnnc::poolingCaption(int64_t length, int64_t f,
                                              int64_t s) {
  int64_t keras = (length - f) / s + 1;
  char lesson[32];
  std::snprintf(lesson, sizeof lesson, "%g",
                double(length - f + 1) / double(s));
  return {"Output size along an axis of length l, pool f, stride s (padding "
          "'valid'), here l = " +
              std::to_string(length) + ":",
          "  Keras counts the windows that fit: floor((l - f) / s) + 1 = " +
              std::to_string(keras) + ".",
          std::string("  The lesson's rule (l - f + 1) / s gives ") + lesson +
              (s == 1 ? ": the same, as always when s = 1."
                      : ": with s > 1 it can be a fraction or another count; "
                        "Keras's floor rule is what runs."),
          "Cells: black 0, white 1 (pixels / 255)."};
}
