//===- Npy.h - NumPy .npy files of float32 ----------------------*- C++ -*-===//
//
// The format `numpy.save` writes (numpy/lib/format.py): the magic
// "\x93NUMPY", a version byte pair, a little-endian header length (2 bytes in
// version 1.0, 4 bytes in 2.0 and 3.0), a Python dict literal
//
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
//
// padded with spaces and a newline so that the data starts on a 64-byte
// boundary, then the raw elements.
//
// cnnc reads and writes one kind of array: little-endian float32 in C order.
// Anything else is refused with a message that names what the file holds and
// what cnnc expects, since converting silently (float64 to float32,
// Fortran to C order) would hide a mistake in the user's pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_NPY_NPY_H
#define CNNC_RUNTIME_NPY_NPY_H

#include <cstdint>
#include <string>
#include <vector>

namespace cnnc {

/// A float32 array in C (row-major) order. A 0-d array has an empty shape
/// and one element.
struct NpyArray {
  std::vector<int64_t> shape;
  std::vector<float> data;
};

/// The largest array readNpy accepts, in elements (8 GiB of float32): a
/// bound that keeps every size computation far from overflow and refuses a
/// hostile header before anything is allocated.
constexpr int64_t kNpyMaxElements = int64_t(1) << 31;

/// Reads the float32 array in `path`. On failure returns false and sets
/// `error` to one line, "cannot read '<path>': <reason>".
bool readNpy(const std::string &path, NpyArray &out, std::string &error);

/// Writes `array` to `path` as a version 1.0 .npy file, atomically (see
/// runtime/support/AtomicFile.h). Fails if the shape does not describe
/// exactly `array.data.size()` elements.
/// `path` "-" is standard output.
bool writeNpy(const std::string &path, const NpyArray &array,
              std::string &error);

/// The shape as Python prints a tuple: "()", "(3,)", "(2, 3)".
std::string formatNpyShape(const std::vector<int64_t> &shape);

} // namespace cnnc

#endif // CNNC_RUNTIME_NPY_NPY_H
