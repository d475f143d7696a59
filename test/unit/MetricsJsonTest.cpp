//===- MetricsJsonTest.cpp - The --metrics-json file ----------------------===//
//
// The layout is docs/cli.md §9.6's; numbers are checked against what Python's
// json.dumps writes for the same doubles (its float repr), worked out with
// CPython's rules: fixed notation for 1e-4 <= |x| < 1e16, with at least one
// digit after the point, else an exponent of at least two digits.
//
//===----------------------------------------------------------------------===//

#include "runtime/train/MetricsJson.h"

#include "ScratchDirTest.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace cnnc;

namespace {

TEST(JsonNumberTest, NumbersAreWrittenAsPythonsReprWritesThem) {
  EXPECT_EQ(formatJsonNumber(0.1), "0.1");
  EXPECT_EQ(formatJsonNumber(0.9571), "0.9571");
  EXPECT_EQ(formatJsonNumber(100.0), "100.0");
  EXPECT_EQ(formatJsonNumber(6.0), "6.0");
  EXPECT_EQ(formatJsonNumber(0.0), "0.0");
  EXPECT_EQ(formatJsonNumber(-0.0), "-0.0");
  EXPECT_EQ(formatJsonNumber(0.0001), "0.0001");
  EXPECT_EQ(formatJsonNumber(1e-05), "1e-05");
  EXPECT_EQ(formatJsonNumber(1.5e-07), "1.5e-07");
  EXPECT_EQ(formatJsonNumber(1e15), "1000000000000000.0");
  EXPECT_EQ(formatJsonNumber(1e16), "1e+16");
  EXPECT_EQ(formatJsonNumber(123456.789), "123456.789");
  EXPECT_EQ(formatJsonNumber(5e-324), "5e-324");
  EXPECT_EQ(formatJsonNumber(1.7976931348623157e308),
            "1.7976931348623157e+308");
}

TEST(JsonNumberTest, AFloat32MetricKeepsAllItsDigits) {
  // History holds float32 results widened to double, as Keras's does:
  // json.dump(history.history) writes 0.14319999516010284 for 0.1432f.
  EXPECT_EQ(formatJsonNumber(double(0.1432f)), "0.14319999516010284");
  EXPECT_EQ(formatJsonNumber(double(0.9571f)), "0.957099974155426");
}

TEST(JsonNumberTest, EveryNumberReadsBackToTheSameDouble) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 20000; ++i) {
    uint64_t bits = rng();
    double value;
    std::memcpy(&value, &bits, 8);
    if (!std::isfinite(value))
      continue;
    std::string text = formatJsonNumber(value);
    double back = std::strtod(text.c_str(), nullptr);
    ASSERT_EQ(std::memcmp(&back, &value, 8), 0) << text;
  }
}

TEST(JsonNumberTest, NanAndInfinityAreNullSinceJsonHasNoSuchNumbers) {
  EXPECT_EQ(formatJsonNumber(std::nan("")), "null");
  EXPECT_EQ(formatJsonNumber(HUGE_VAL), "null");
  EXPECT_EQ(formatJsonNumber(-HUGE_VAL), "null");
}

MetricsReport twoEpochs(bool validation) {
  MetricsReport report;
  std::vector<MetricValue> first = {{"loss", 0.25}, {"accuracy", 0.5}};
  std::vector<MetricValue> second = {{"loss", 0.125}, {"accuracy", 0.75}};
  if (validation) {
    first.push_back({"val_loss", 0.3});
    first.push_back({"val_accuracy", 0.9});
    second.push_back({"val_loss", 0.2});
    second.push_back({"val_accuracy", 0.95});
  }
  report.history.emplace().addEpoch(first, 6.5);
  report.history->addEpoch(second, 6.25);
  report.test = {{"loss", 0.0375}, {"accuracy", 0.9875}};
  report.evalImagesPerSecond = 55260.5;
  return report;
}

TEST(MetricsJsonTest, TheFileIsCliMdsLayoutOnOneLine) {
  EXPECT_EQ(formatMetricsJson(twoEpochs(true)),
            "{\"history\": {\"loss\": [0.25, 0.125], \"accuracy\": [0.5, "
            "0.75], \"val_loss\": [0.3, 0.2], \"val_accuracy\": [0.9, 0.95]}, "
            "\"epoch_seconds\": [6.5, 6.25], \"test\": {\"loss\": 0.0375, "
            "\"accuracy\": 0.9875}, \"eval_images_per_second\": 55260.5}\n");
}

TEST(MetricsJsonTest, ValidationKeysAppearOnlyWithValidationData) {
  EXPECT_EQ(formatMetricsJson(twoEpochs(false)),
            "{\"history\": {\"loss\": [0.25, 0.125], \"accuracy\": [0.5, "
            "0.75]}, \"epoch_seconds\": [6.5, 6.25], \"test\": {\"loss\": "
            "0.0375, \"accuracy\": 0.9875}, \"eval_images_per_second\": "
            "55260.5}\n");
}

TEST(MetricsJsonTest, WithoutAnEvaluationTheTestKeysAreLeftOut) {
  MetricsReport report;
  report.history.emplace().addEpoch({{"loss", 1.0}}, 2.0);
  EXPECT_EQ(formatMetricsJson(report),
            "{\"history\": {\"loss\": [1.0]}, \"epoch_seconds\": [2.0]}\n");
  report.history.emplace();
  EXPECT_EQ(formatMetricsJson(report),
            "{\"history\": {}, \"epoch_seconds\": []}\n");
}

TEST(MetricsJsonTest, AnEvaluationAloneHasTheTestKeysOnly) {
  // `cnnc eval`: no fit() ran, so no history (docs/cli.md §9.6).
  MetricsReport report;
  report.test = {{"loss", 0.5}, {"accuracy", 0.25}};
  report.evalImagesPerSecond = 1000.0;
  EXPECT_EQ(formatMetricsJson(report),
            "{\"test\": {\"loss\": 0.5, \"accuracy\": 0.25}, "
            "\"eval_images_per_second\": 1000.0}\n");
  EXPECT_EQ(formatMetricsJson(MetricsReport{}), "{}\n");
}

TEST(MetricsJsonTest, ADivergedRunStillGivesValidJson) {
  MetricsReport report;
  report.history.emplace().addEpoch({{"loss", std::nan("")}, {"accuracy", 0.1}},
                                    1.0);
  EXPECT_EQ(formatMetricsJson(report),
            "{\"history\": {\"loss\": [null], \"accuracy\": [0.1]}, "
            "\"epoch_seconds\": [1.0]}\n");
}

TEST(MetricsJsonTest, NamesAreEscapedAsJsonStrings) {
  MetricsReport report;
  report.history.emplace().addEpoch({{"a\"b\\c\n\x01", 1.0}}, 1.0);
  EXPECT_EQ(formatMetricsJson(report),
            "{\"history\": {\"a\\\"b\\\\c\\n\\u0001\": [1.0]}, "
            "\"epoch_seconds\": [1.0]}\n");
}

class MetricsJsonFileTest : public cnnc::test::ScratchDirTest {};

TEST_F(MetricsJsonFileTest, TheFileIsWrittenWholeOrNotAtAll) {
  std::string path = pathOf("metrics.json");
  std::string error;
  ASSERT_TRUE(writeMetricsJson(path, twoEpochs(true), error)) << error;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), formatMetricsJson(twoEpochs(true)));
  unlink(path.c_str());

  std::string missing = pathOf("no/such/dir/metrics.json");
  EXPECT_FALSE(writeMetricsJson(missing, twoEpochs(true), error));
  EXPECT_EQ(error.rfind("cannot write '" + missing + "': ", 0), 0u) << error;
  EXPECT_EQ(rmdir(dir.c_str()), 0) << "a file was left behind";
}

} // namespace
