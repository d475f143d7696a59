//===- Pooling.h - The pooling figure's content -----------------*- C++ -*-===//
//
// What `cnnc show pooling` draws: an image, its max, min and average
// pooling with Keras's 'valid' rule (floor((l - f) / s) + 1 windows per
// axis), its three global poolings, and a caption comparing the lesson's
// size rule with Keras's.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_PICTURES_POOLING_H
#define CNNC_RUNTIME_PICTURES_POOLING_H

#include "runtime/pictures/Figures.h"

namespace cnnc {

enum class PoolKind { Max, Min, Average };

/// `in` pooled with f x f windows at stride s, padding 'valid'.
Grid poolGrid(const Grid &in, int64_t f, int64_t s, PoolKind kind);

/// Rows of panels: the image; max, min, average pooling; the global ones.
std::vector<std::vector<Panel>> poolingPanels(const Grid &image, int64_t f,
                                              int64_t s);

/// The caption: both size rules for this image, and where they differ.
std::vector<std::string> poolingCaption(int64_t length, int64_t f, int64_t s);

} // namespace cnnc

#endif // CNNC_RUNTIME_PICTURES_POOLING_H
