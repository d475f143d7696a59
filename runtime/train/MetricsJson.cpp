//===- MetricsJson.cpp - The --metrics-json file --------------------------===//

#include "runtime/train/MetricsJson.h"

#include "runtime/support/AtomicFile.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace cnnc;

std::string cnnc::formatJsonNumber(double value) {
  if (!std::isfinite(value))
    return "null";
  // The shortest round-trip digits, in scientific form "-d.ddde+XX".
  char buffer[64];
  auto [end, status] = std::to_chars(buffer, buffer + sizeof buffer, value,
                                     std::chars_format::scientific);
  std::string text(buffer, status == std::errc() ? end : buffer);
  size_t e = text.find('e');
  bool negative = text[0] == '-';
  std::string mantissa = text.substr(negative, e - negative);
  std::string digits;
  for (char c : mantissa)
    if (c != '.')
      digits += c;
  int exponent = std::atoi(text.c_str() + e + 1);

  // CPython's float_repr: with the value 0.DIGITS * 10^point, fixed notation
  // when -4 < point <= 16, else d.ddde+XX; fixed always has a '.'.
  int point = exponent + 1;
  int count = int(digits.size());
  std::string out = negative ? "-" : "";
  if (point > -4 && point <= 16) {
    if (point <= 0)
      out += "0." + std::string(size_t(-point), '0') + digits;
    else if (point >= count)
      out += digits + std::string(size_t(point - count), '0') + ".0";
    else
      out +=
          digits.substr(0, size_t(point)) + "." + digits.substr(size_t(point));
    return out;
  }
  out += digits.substr(0, 1);
  if (count > 1)
    out += "." + digits.substr(1);
  char power[16];
  std::snprintf(power, sizeof power, "e%c%02d", exponent < 0 ? '-' : '+',
                std::abs(exponent));
  return out + power;
}

/// `text` as a JSON string literal, escaped as json.dumps escapes (short
/// forms where JSON has them; other bytes pass through as UTF-8).
static std::string quote(const std::string &text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    default:
      if (c < 0x20) {
        char escape[8];
        std::snprintf(escape, sizeof escape, "\\u%04x", c);
        out += escape;
      } else {
        out += char(c);
      }
    }
  }
  return out + "\"";
}

static std::string list(const std::vector<double> &values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i)
    out += (i ? ", " : "") + formatJsonNumber(values[i]);
  return out + "]";
}

std::string cnnc::formatMetricsJson(const MetricsReport &report) {
  // json.dumps's default separators: ", " and ": ".
  std::string out = "{";
  auto key = [&](const char *name) {
    out += (out.size() > 1 ? ", \"" : "\"") + std::string(name) + "\": ";
  };
  if (const std::optional<History> &history = report.history) {
    key("history");
    out += "{";
    for (size_t i = 0; i < history->series.size(); ++i)
      out += (i ? ", " : "") + quote(history->series[i].name) + ": " +
             list(history->series[i].values);
    out += "}";
    key("epoch_seconds");
    out += list(history->epochSeconds);
  }
  if (!report.test.empty()) {
    key("test");
    out += "{";
    for (size_t i = 0; i < report.test.size(); ++i)
      out += (i ? ", " : "") + quote(report.test[i].first) + ": " +
             formatJsonNumber(report.test[i].second);
    out += "}";
  }
  if (report.evalImagesPerSecond) {
    key("eval_images_per_second");
    out += formatJsonNumber(*report.evalImagesPerSecond);
  }
  return out + "}\n";
}

bool cnnc::writeMetricsJson(const std::string &path,
                            const MetricsReport &report, std::string &error) {
  return writeFileAtomically(path, formatMetricsJson(report), error);
}
