//===- H5Handle.h - An HDF5 identifier that closes itself -------*- C++ -*-===//

#ifndef CNNC_FRONTENDS_KERASH5_H5HANDLE_H
#define CNNC_FRONTENDS_KERASH5_H5HANDLE_H

#include <hdf5.h>

namespace cnnc {

/// An HDF5 identifier (file, group, dataset, attribute, type, space,
/// property list), closed with its own close function when it goes out of
/// scope. Invalid (negative) identifiers are not closed.
class H5Handle {
public:
  using Closer = herr_t (*)(hid_t);
  H5Handle(hid_t id, Closer close) : id(id), close(close) {}
  H5Handle(const H5Handle &) = delete;
  H5Handle &operator=(const H5Handle &) = delete;
  ~H5Handle() {
    if (id >= 0)
      close(id);
  }
  bool valid() const { return id >= 0; }
  operator hid_t() const { return id; }

private:
  hid_t id;
  Closer close;
};

} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASH5_H5HANDLE_H
