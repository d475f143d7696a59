//===- ProgressBarTest.cpp - Keras's progress bar, byte for byte ----------===//
//
// Expected output is worked out by hand from tf.keras 2.x's Progbar.update
// and ProgbarLogger (keras/utils/generic_utils.py, keras/callbacks.py), on a
// clock the test sets. Each write is recorded separately, so a test can
// check each redraw: "\b" times the previous width, "\r", the line, padding.
//
//===----------------------------------------------------------------------===//

#include "runtime/train/ProgressBar.h"

#include <gtest/gtest.h>

#include <cmath>
#include <unistd.h>

using namespace cnnc;

namespace {

/// A clock the test moves and a terminal that records each write.
struct FakeTerminal {
  double time = 0.0;
  std::vector<std::string> writes;

  ProgressOptions options() {
    ProgressOptions options;
    options.clock = [this] { return time; };
    options.write = [this](std::string_view text) {
      writes.emplace_back(text);
    };
    return options;
  }
};

std::string backspaces(size_t n) { return std::string(n, '\b'); }

//===----------------------------------------------------------------------===//
// Time and value formats
//===----------------------------------------------------------------------===//

TEST(ProgressFormatTest, StepTimesAreSecondsMillisecondsOrMicroseconds) {
  EXPECT_EQ(formatStepTime(0.003, "step"), " 3ms/step");
  EXPECT_EQ(formatStepTime(0.001, "step"), " 1ms/step");
  EXPECT_EQ(formatStepTime(0.0004, "step"), " 400us/step");
  EXPECT_EQ(formatStepTime(1.2, "step"), " 1s/step");
  EXPECT_EQ(formatStepTime(0, "step"), " 0s/step"); // Keras: "== 0" -> s
  EXPECT_EQ(formatStepTime(0.003, "sample"), " 3ms/sample");
}

TEST(ProgressFormatTest, RoundingIsPythonsHalfToEven) {
  // '%.0f' % 2.5 is '2' and 12.5 ms is '12' in Python, as in C.
  EXPECT_EQ(formatStepTime(2.5, "step"), " 2s/step");
  EXPECT_EQ(formatStepTime(3.5, "step"), " 4s/step");
  EXPECT_EQ(formatStepTime(0.0125, "step"), " 12ms/step");
}

TEST(ProgressFormatTest, EtaIsSecondsThenMinutesThenHours) {
  EXPECT_EQ(formatEta(0), "0s");
  EXPECT_EQ(formatEta(5.9), "5s"); // '%d' % 5.9 truncates
  EXPECT_EQ(formatEta(60), "60s"); // "> 60" for minutes
  EXPECT_EQ(formatEta(62.5), "1:02");
  EXPECT_EQ(formatEta(3600), "60:00");
  EXPECT_EQ(formatEta(3661.9), "1:01:01");
  EXPECT_EQ(formatEta(90061), "25:01:01");
}

TEST(ProgressFormatTest, ValuesHaveFourDecimalsOrAnExponentWhenTiny) {
  EXPECT_EQ(formatMetricValue(0.14321), "0.1432");
  EXPECT_EQ(formatMetricValue(0.95716), "0.9572");
  EXPECT_EQ(formatMetricValue(0.95715), "0.9571"); // 0.957149999... in binary
  EXPECT_EQ(formatMetricValue(12.5), "12.5000");
  EXPECT_EQ(formatMetricValue(-0.5), "-0.5000");
  EXPECT_EQ(formatMetricValue(0.0010001), "0.0010");
  EXPECT_EQ(formatMetricValue(0.001), "1.0000e-03"); // "> 1e-3" is strict
  EXPECT_EQ(formatMetricValue(2.5e-5), "2.5000e-05");
  EXPECT_EQ(formatMetricValue(0), "0.0000e+00");
  EXPECT_EQ(formatMetricValue(-std::nan("")), "nan");
  EXPECT_EQ(formatMetricValue(HUGE_VAL), "inf");
}

//===----------------------------------------------------------------------===//
// fit()'s output
//===----------------------------------------------------------------------===//

TEST(TrainingProgressTest, NotATerminalIsOneLinePerEpoch) {
  // Keras's verbose=2 (cnnc train | tee log): the header, then one line as
  // the epoch ends, with the epoch's time and the time per step.
  FakeTerminal terminal;
  ProgressOptions options = terminal.options();
  options.perEpoch = true;
  TrainingProgress progress(2, 4, options);
  progress.beginEpoch(0);
  for (int64_t step = 0; step < 4; ++step) {
    terminal.time += 0.5;
    progress.endBatch(step, {{"loss", 0.5}, {"accuracy", 0.8}});
  }
  progress.endEpoch({{"loss", 0.3}, {"accuracy", 0.9}});

  ASSERT_EQ(terminal.writes.size(), 2u);
  EXPECT_EQ(terminal.writes[0], "Epoch 1/2\n");
  EXPECT_EQ(terminal.writes[1], "4/4 - 2s - loss: 0.3000 - accuracy: 0.9000 - "
                                "2s/epoch - 500ms/step\n");
}

TEST(TrainingProgressTest, AnEpochIsAHeaderRedrawsAndAFinalLine) {
  FakeTerminal terminal;
  TrainingProgress progress(2, 3, terminal.options());

  progress.beginEpoch(0);
  terminal.time = 0.5;
  progress.endBatch(0, {{"loss", 0.5}, {"accuracy", 0.8}});
  terminal.time = 0.52; // under 0.05 s since the last redraw: skipped
  progress.endBatch(1, {{"loss", 0.4}, {"accuracy", 0.85}});
  terminal.time = 0.9;
  progress.endBatch(2, {{"loss", 0.3}, {"accuracy", 0.9}});
  terminal.time = 1.0;
  progress.endEpoch({{"loss", 0.3},
                     {"accuracy", 0.9},
                     {"val_loss", 0.25},
                     {"val_accuracy", 0.95}});
  progress.beginEpoch(1);

  ASSERT_EQ(terminal.writes.size(), 5u);
  EXPECT_EQ(terminal.writes[0], "Epoch 1/2\n");
  // One step in 0.5 s, two to go: ETA 1s. 30 * (1/3) is 10 cells: nine
  // '=' and the '>' head. The line is 36 + 44 = 80 characters.
  EXPECT_EQ(terminal.writes[1],
            "\r1/3 [=========>....................] - ETA: 1s - loss: 0.5000 "
            "- accuracy: 0.8000");
  // The last batch's redraw still shows an ETA (Keras finalizes only at
  // the epoch's end).
  EXPECT_EQ(terminal.writes[2],
            backspaces(80) +
                "\r3/3 [==============================] - ETA: 0s - loss: "
                "0.3000 - accuracy: 0.9000");
  // Elapsed 1 s; per step (1.0 - 0.5) / 2 = 250 ms, leaving out step 1.
  EXPECT_EQ(terminal.writes[3],
            backspaces(80) +
                "\r3/3 [==============================] - 1s 250ms/step - "
                "loss: 0.3000 - accuracy: 0.9000 - val_loss: 0.2500 - "
                "val_accuracy: 0.9500\n");
  EXPECT_EQ(terminal.writes[4], "Epoch 2/2\n");
}

TEST(TrainingProgressTest, TheLessonsEpochLineReadsLikeKeras) {
  FakeTerminal terminal;
  TrainingProgress progress(1, 1875, terminal.options());
  progress.beginEpoch(0);
  terminal.time = 0.0125;
  progress.endBatch(0, {{"loss", 2.31}, {"accuracy", 0.09}});
  terminal.time = 5.9;
  progress.endBatch(1874, {{"loss", 0.1432}, {"accuracy", 0.9571}});
  terminal.time = 5.95;
  progress.endEpoch({{"loss", 0.1432}, {"accuracy", 0.9571}});

  ASSERT_EQ(terminal.writes.size(), 3u); // no "Epoch 1/1" for one epoch
  EXPECT_EQ(terminal.writes[0],
            "\r   1/1875 [..............................] - ETA: 23s - loss: "
            "2.3100 - accuracy: 0.0900");
  const std::string &last = terminal.writes[2];
  std::string line = "\r1875/1875 [==============================] - 6s "
                     "3ms/step - loss: 0.1432 - accuracy: 0.9571\n";
  ASSERT_GE(last.size(), line.size());
  EXPECT_EQ(last.substr(last.size() - line.size()), line);
  EXPECT_EQ(last.find_first_not_of('\b'), last.size() - line.size());
}

TEST(TrainingProgressTest, AQuietRunPrintsNothingAtAll) {
  FakeTerminal terminal;
  ProgressOptions options = terminal.options();
  options.enabled = false;
  TrainingProgress progress(5, 10, options);
  progress.beginEpoch(0);
  progress.endBatch(0, {{"loss", 1.0}});
  progress.endEpoch({{"loss", 1.0}});
  EXPECT_TRUE(terminal.writes.empty());
}

TEST(TrainingProgressTest, ProgressIsShownOnATerminalOrWhenAsked) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  EXPECT_FALSE(wantsProgress(fds[1], false)); // a pipe is not a terminal
  EXPECT_TRUE(wantsProgress(fds[1], true));   // --verbose
  close(fds[0]);
  close(fds[1]);
}

//===----------------------------------------------------------------------===//
// The bar itself
//===----------------------------------------------------------------------===//

TEST(ProgressBarTest, AShorterLineIsPaddedToCoverTheLongerOne) {
  FakeTerminal terminal;
  ProgressBar bar(100, terminal.options());
  terminal.time = 40; // a slow first step: ETA 99 * 40 s = 1:06:00
  bar.update(1, {{"loss", 2.3026}}, false);
  terminal.time = 45; // 5 s for 49 steps since step 1: ETA 5.1 s
  bar.update(50, {{"loss", 1.2}}, false);

  ASSERT_EQ(terminal.writes.size(), 2u);
  // No cell is filled yet at 1 %: no head either. 40 + 30 = 70 wide.
  EXPECT_EQ(terminal.writes[0],
            "\r  1/100 [..............................] - ETA: 1:06:00 - loss: "
            "2.3026");
  // 40 + 25 = 65 wide: five spaces cover the end of the previous line.
  EXPECT_EQ(terminal.writes[1],
            backspaces(70) +
                "\r 50/100 [==============>...............] - ETA: 5s - loss: "
                "1.2000     ");
}

TEST(ProgressBarTest, RedrawsAreAtMostOnePerIntervalButTheFinalOne) {
  FakeTerminal terminal;
  ProgressBar bar(10, terminal.options());
  for (int step = 1; step <= 9; ++step) {
    terminal.time = step / 64.0; // a step every 15.6 ms
    bar.update(step, {}, false);
  }
  terminal.time = 10 / 64.0;
  bar.update(10, {}, true);
  // Drawn at step 1 (the first), at 5 and 9 (62.5 ms later each: 47 ms
  // is not enough), then the final one however soon it comes.
  ASSERT_EQ(terminal.writes.size(), 4u);
  EXPECT_NE(terminal.writes[1].find("\r 5/10 ["), std::string::npos);
  EXPECT_NE(terminal.writes[2].find("\r 9/10 ["), std::string::npos);
  EXPECT_EQ(terminal.writes[3].back(), '\n');
}

TEST(ProgressBarTest, FastStepsAreTimedInMicroseconds) {
  FakeTerminal terminal;
  ProgressBar bar(2, terminal.options());
  terminal.time = 0.0001;
  bar.update(1, {}, false);
  terminal.time = 0.0005;
  bar.update(2, {}, true);
  ASSERT_EQ(terminal.writes.size(), 2u);
  std::string line = "\r2/2 [==============================] - 0s 400us/step\n";
  EXPECT_EQ(terminal.writes[1].substr(terminal.writes[1].size() - line.size()),
            line);
}

TEST(ProgressBarTest, ASingleStepIsTimedFromTheStart) {
  FakeTerminal terminal;
  ProgressBar bar(1, terminal.options());
  terminal.time = 2.5;
  bar.update(1, {{"loss", 0.25}}, true);
  ASSERT_EQ(terminal.writes.size(), 1u);
  EXPECT_EQ(terminal.writes[0],
            "\r1/1 [==============================] - 2s 2s/step - loss: "
            "0.2500\n");
}

TEST(ProgressBarTest, ValuesKeepTheOrderTheyWereFirstLoggedIn) {
  FakeTerminal terminal;
  ProgressBar bar(2, terminal.options());
  terminal.time = 1;
  bar.update(1, {{"loss", 1}, {"accuracy", 0.5}}, false);
  terminal.time = 2;
  bar.update(2, {{"accuracy", 0.75}, {"loss", 0.5}, {"val_loss", 0.4}}, true);
  const std::string &last = terminal.writes.back();
  EXPECT_NE(last.find("- loss: 0.5000 - accuracy: 0.7500 - val_loss: 0.4000"),
            std::string::npos)
      << last;
}

} // namespace
