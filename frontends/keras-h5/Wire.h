//===- Wire.h - What a reading child sends its parent -----------*- C++ -*-===//
//
// The readers that run libhdf5 in a child process (Isolation.cpp) send
// their results back through a pipe as bytes: Encoder writes them, Decoder
// reads them and trusts nothing (any inconsistency makes ok() false).
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASH5_WIRE_H
#define CNNC_FRONTENDS_KERASH5_WIRE_H

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cnnc {
namespace wire {
class Encoder {
public:
  void u8(uint8_t v) { bytes.push_back(char(v)); }
  void u64(uint64_t v) { bytes.append(reinterpret_cast<const char *>(&v), 8); }
  void string(const std::string &s) {
    u64(s.size());
    bytes += s;
  }
  void optString(const std::optional<std::string> &s) {
    u8(s.has_value());
    if (s)
      string(*s);
  }
  void floats(const std::vector<float> &v) {
    u64(v.size());
    bytes.append(reinterpret_cast<const char *>(v.data()), v.size() * 4);
  }
  std::string bytes;
};

/// Reads what Encoder wrote; any inconsistency makes ok() false.
class Decoder {
public:
  explicit Decoder(std::string_view bytes) : rest(bytes) {}
  bool ok() const { return good; }
  bool done() const { return rest.empty(); }

  uint8_t u8() {
    if (!take(1))
      return 0;
    return uint8_t(last[0]);
  }
  uint64_t u64() {
    uint64_t v = 0;
    if (take(8))
      std::memcpy(&v, last.data(), 8);
    return v;
  }
  std::string string() {
    uint64_t n = u64();
    return take(n) ? std::string(last) : std::string();
  }
  std::optional<std::string> optString() {
    if (!u8())
      return std::nullopt;
    return string();
  }
  std::vector<float> floats() {
    uint64_t n = u64();
    std::vector<float> v;
    if (n > rest.size() / 4 || !take(n * 4))
      return good = false, v;
    v.resize(n);
    std::memcpy(v.data(), last.data(), n * 4);
    return v;
  }
  /// A count of items at least `minBytes` each: never more than remain.
  uint64_t count(uint64_t minBytes) {
    uint64_t n = u64();
    if (n > rest.size() / minBytes)
      good = false;
    return good ? n : 0;
  }

private:
  bool take(uint64_t n) {
    if (!good || n > rest.size())
      return good = false;
    last = rest.substr(0, n);
    rest.remove_prefix(n);
    return true;
  }
  std::string_view rest, last;
  bool good = true;
};
} // namespace wire
} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASH5_WIRE_H
