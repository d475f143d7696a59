//===- CheckpointTest.cpp - Training checkpoints (--save, --resume) -------===//
//
// The format is pinned by a checkpoint built byte by byte from the layout
// Checkpoint.h documents (CRC from zlib directly), not by the writer. Then:
// a round trip is bit-exact; every truncation and every change of a single
// byte is refused; a checkpoint of another model is refused naming the
// first parameter that differs; other files are named for what they are.
// Refusals are checked with their exact text: users see these lines.
//
//===----------------------------------------------------------------------===//

#include "runtime/train/Checkpoint.h"

#include "ScratchDirTest.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

using namespace cnnc;

namespace {

//===----------------------------------------------------------------------===//
// Building checkpoint bytes by hand
//===----------------------------------------------------------------------===//

std::string u32(uint32_t value) {
  std::string bytes;
  for (int i = 0; i < 4; ++i)
    bytes += char((value >> (8 * i)) & 0xFF);
  return bytes;
}

std::string u64(uint64_t value) {
  std::string bytes;
  for (int i = 0; i < 8; ++i)
    bytes += char((value >> (8 * i)) & 0xFF);
  return bytes;
}

std::string str(const std::string &text) { return u32(text.size()) + text; }

std::string f32(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  return u32(bits);
}

/// Magic, version, the length (counting the CRC), `body`, then the CRC.
std::string framed(const std::string &body, uint32_t version = 1) {
  std::string bytes =
      "CNNCKPT1" + u32(version) + u64(20 + body.size() + 4) + body;
  return bytes +
         u32(uint32_t(crc32(0, reinterpret_cast<const Bytef *>(bytes.data()),
                            uInt(bytes.size()))));
}

/// A one-parameter checkpoint: signature "s", parameter "w" of shape (2,)
/// holding {1.5, -2}, SGD with no state, step 3, epoch 1, seed 9.
std::string smallBody() {
  return str("s") + u32(1) + str("w") + u32(1) + u64(2) + // parameters
         str("sgd") + u32(0) +                            // optimizer
         u64(3) + u64(1) + u64(9) + str("") +             // step..rng
         u32(0) +                                         // settings
         u32(0) + u32(0) +                                // history
         f32(1.5f) + f32(-2.0f);                          // data
}

//===----------------------------------------------------------------------===//
// Checkpoints in memory
//===----------------------------------------------------------------------===//

bool sameBits(const std::vector<float> &a, const std::vector<float> &b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), a.size() * 4) == 0;
}

bool sameBits(const std::vector<double> &a, const std::vector<double> &b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), a.size() * 8) == 0;
}

/// A float whose bits are `bits` (NaN payloads, denormals).
float fromBits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

/// A checkpoint of a two-parameter Dense layer trained with Adam for two
/// epochs, with every awkward float a parameter can hold.
Checkpoint sample() {
  Checkpoint checkpoint;
  checkpoint.parameters = {
      {"dense/kernel",
       {2, 3},
       {0.5f, -0.0f, fromBits(0x7FC01234), // a NaN with a payload
        std::numeric_limits<float>::infinity(),
        std::numeric_limits<float>::denorm_min(),
        std::numeric_limits<float>::max()}},
      {"dense/bias", {3}, {0.1f, 0.2f, 0.3f}}};
  checkpoint.signature = parameterSignature(checkpoint.identity().parameters);
  checkpoint.optimizer = "adam";
  checkpoint.optimizerState = {
      {"m/dense/kernel", {2, 3}, {1, 2, 3, 4, 5, 6}},
      {"m/dense/bias", {3}, {7, 8, 9}},
      {"v/dense/kernel", {2, 3}, {0.25f, 0, 0, 0, 0, 1e-30f}},
      {"v/dense/bias", {3}, {1e-8f, 0, 0}},
      {"scalar", {}, {42.0f}}};
  checkpoint.step = 3750;
  checkpoint.epoch = 2;
  checkpoint.seed = 0xFEDCBA9876543210ull;
  std::mt19937_64 rng(5);
  rng.discard(1000);
  checkpoint.rngState = formatRngState(rng);
  checkpoint.settings = {{"batch_size", "32"}, {"validation_split", "0.1"}};
  checkpoint.history.addEpoch({{"loss", double(0.1432f)},
                               {"accuracy", double(0.9571f)},
                               {"val_loss", std::nan("")},
                               {"val_accuracy", 0.98}},
                              6.25);
  checkpoint.history.addEpoch({{"loss", 0.05},
                               {"accuracy", 0.99},
                               {"val_loss", 0.04},
                               {"val_accuracy", 0.985}},
                              5.75);
  return checkpoint;
}

std::string bytesOf(const Checkpoint &checkpoint) {
  std::string bytes, error;
  EXPECT_TRUE(serializeCheckpoint(checkpoint, bytes, error)) << error;
  return bytes;
}

/// The error parseCheckpoint gives for `bytes`, named "ck" ("" if none).
std::string parseError(const std::string &bytes,
                       const ModelIdentity *expected = nullptr) {
  Checkpoint out;
  std::string error;
  if (parseCheckpoint(bytes, "ck", expected, out, error))
    return "";
  return error;
}

TEST(CheckpointFormatTest, TheBytesAreTheDocumentedLayout) {
  Checkpoint checkpoint;
  checkpoint.signature = "s";
  checkpoint.parameters = {{"w", {2}, {1.5f, -2.0f}}};
  checkpoint.optimizer = "sgd";
  checkpoint.step = 3;
  checkpoint.epoch = 1;
  checkpoint.seed = 9;
  EXPECT_EQ(bytesOf(checkpoint), framed(smallBody()));
}

TEST(CheckpointFormatTest, TheDocumentedLayoutReads) {
  Checkpoint read;
  std::string error;
  ASSERT_TRUE(parseCheckpoint(framed(smallBody()), "ck", nullptr, read, error))
      << error;
  EXPECT_EQ(read.signature, "s");
  ASSERT_EQ(read.parameters.size(), 1u);
  EXPECT_EQ(read.parameters[0].name, "w");
  EXPECT_EQ(read.parameters[0].shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(read.parameters[0].data, (std::vector<float>{1.5f, -2.0f}));
  EXPECT_EQ(read.optimizer, "sgd");
  EXPECT_EQ(read.step, 3u);
  EXPECT_EQ(read.epoch, 1u);
  EXPECT_EQ(read.seed, 9u);
}

TEST(CheckpointFormatTest, ARoundTripIsBitExact) {
  Checkpoint original = sample();
  Checkpoint read;
  std::string error;
  ASSERT_TRUE(parseCheckpoint(bytesOf(original), "ck", nullptr, read, error))
      << error;
  EXPECT_EQ(read.signature, original.signature);
  ASSERT_EQ(read.parameters.size(), original.parameters.size());
  for (size_t i = 0; i < read.parameters.size(); ++i) {
    EXPECT_EQ(read.parameters[i].name, original.parameters[i].name);
    EXPECT_EQ(read.parameters[i].shape, original.parameters[i].shape);
    EXPECT_TRUE(sameBits(read.parameters[i].data, original.parameters[i].data))
        << read.parameters[i].name;
  }
  EXPECT_EQ(read.optimizer, "adam");
  ASSERT_EQ(read.optimizerState.size(), original.optimizerState.size());
  for (size_t i = 0; i < read.optimizerState.size(); ++i) {
    EXPECT_EQ(read.optimizerState[i].name, original.optimizerState[i].name);
    EXPECT_EQ(read.optimizerState[i].shape, original.optimizerState[i].shape);
    EXPECT_TRUE(
        sameBits(read.optimizerState[i].data, original.optimizerState[i].data));
  }
  EXPECT_EQ(read.step, original.step);
  EXPECT_EQ(read.epoch, original.epoch);
  EXPECT_EQ(read.seed, original.seed);
  EXPECT_EQ(read.rngState, original.rngState);
  EXPECT_EQ(read.settings, original.settings);
  ASSERT_EQ(read.history.series.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(read.history.series[i].name, original.history.series[i].name);
    EXPECT_TRUE(sameBits(read.history.series[i].values,
                         original.history.series[i].values));
  }
  EXPECT_TRUE(
      sameBits(read.history.epochSeconds, original.history.epochSeconds));
  // And writing what was read gives the same bytes again.
  EXPECT_EQ(bytesOf(read), bytesOf(original));
}

TEST(CheckpointFormatTest, TheGeneratorResumesWhereItStopped) {
  std::mt19937_64 running(77);
  running.discard(12345);
  Checkpoint checkpoint = sample();
  checkpoint.rngState = formatRngState(running);
  Checkpoint read;
  std::string error;
  ASSERT_TRUE(parseCheckpoint(bytesOf(checkpoint), "ck", nullptr, read, error));
  std::mt19937_64 resumed;
  ASSERT_TRUE(parseRngState(read.rngState, resumed));
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(resumed(), running());
}

TEST(CheckpointFormatTest, AGeneratorStateMustBeExactlyOneState) {
  std::mt19937_64 rng(1), untouched(1);
  EXPECT_FALSE(parseRngState("", rng));
  EXPECT_FALSE(parseRngState("1 2 3", rng));
  EXPECT_FALSE(parseRngState(formatRngState(rng) + " 7", rng));
  EXPECT_TRUE(rng == untouched);
  EXPECT_TRUE(parseRngState(formatRngState(rng) + "\n", rng));
}

//===----------------------------------------------------------------------===//
// Damage
//===----------------------------------------------------------------------===//

TEST(CheckpointDamageTest, EveryTruncationIsRefused) {
  std::string bytes = bytesOf(sample());
  std::string size = std::to_string(bytes.size());
  EXPECT_EQ(parseError(bytes.substr(0, 0)),
            "cannot read 'ck': it is empty, not a cnnc checkpoint");
  for (size_t n = 1; n < 20; ++n)
    EXPECT_EQ(parseError(bytes.substr(0, n)),
              "cannot read 'ck': truncated: the file ends after " +
                  std::to_string(n) +
                  " bytes, inside the 20-byte checkpoint header");
  for (size_t n = 20; n < bytes.size(); ++n)
    ASSERT_EQ(parseError(bytes.substr(0, n)),
              "cannot read 'ck': truncated: its header says " + size +
                  " bytes, the file has " + std::to_string(n));
  EXPECT_EQ(parseError(bytes), "");
}

TEST(CheckpointDamageTest, TrailingBytesAreRefused) {
  std::string bytes = bytesOf(sample());
  EXPECT_EQ(parseError(bytes + "x"),
            "cannot read 'ck': its header says " +
                std::to_string(bytes.size()) + " bytes, the file has " +
                std::to_string(bytes.size() + 1) +
                " (trailing data, or a damaged header)");
}

TEST(CheckpointDamageTest, EveryChangeOfASingleByteIsRefused) {
  // All 255 other values of every byte. CRC-32 detects any error within 32
  // consecutive bits, so none can slip through; the header's fields are
  // checked first and say what is wrong with them. (Without the generator
  // state, 6 KB of text, the sample is small enough to try every byte.)
  Checkpoint small = sample();
  small.rngState.clear();
  std::string bytes = bytesOf(small);
  ASSERT_LT(bytes.size(), 1000u);
  std::string prefix = "cannot read 'ck': ";
  for (size_t at = 0; at < bytes.size(); ++at) {
    for (int delta = 1; delta < 256; ++delta) {
      std::string damaged = bytes;
      damaged[at] = char(uint8_t(damaged[at]) ^ delta);
      std::string error = parseError(damaged);
      ASSERT_EQ(error.rfind(prefix, 0), 0u)
          << "byte " << at << " ^ " << delta << " was accepted";
      ASSERT_EQ(error.find('\n'), std::string::npos) << error;
      const char *expected = at < 8    ? "checkpoint"
                             : at < 12 ? "format version"
                             : at < 20 ? "its header says"
                                       : "damaged: its checksum does not "
                                         "match its contents";
      ASSERT_NE(error.find(expected), std::string::npos)
          << "byte " << at << ": " << error;
    }
  }
}

TEST(CheckpointDamageTest, TheMessagesNameWhatIsWrong) {
  std::string bytes = framed(smallBody());
  std::string damaged = bytes;
  damaged[30] ^= 0x10;
  uLong stored = crc32(0, reinterpret_cast<const Bytef *>(bytes.data()),
                       uInt(bytes.size() - 4));
  uLong computed = crc32(0, reinterpret_cast<const Bytef *>(damaged.data()),
                         uInt(damaged.size() - 4));
  char expected[128];
  std::snprintf(expected, sizeof expected,
                "cannot read 'ck': damaged: its checksum does not match its "
                "contents (CRC-32 0x%08lX stored, 0x%08lX computed)",
                stored, computed);
  EXPECT_EQ(parseError(damaged), expected);

  EXPECT_EQ(parseError(framed(smallBody(), 2)),
            "cannot read 'ck': it is a checkpoint of format version 2, this "
            "cnnc reads version 1");
  std::string future = bytes;
  future[7] = '2';
  EXPECT_EQ(parseError(future),
            "cannot read 'ck': it is a cnnc checkpoint of an unknown kind (it "
            "starts with \"CNNCKPT2\", this cnnc reads \"CNNCKPT1\")");
}

TEST(CheckpointDamageTest, CraftedFilesWithAValidChecksumCannotOverflow) {
  // A CRC only proves the bytes are as written; these were written to
  // lie. Each count and size is checked against what is left of the file.
  EXPECT_EQ(parseError(framed(str("s") + u32(0xFFFFFFFF))),
            "cannot read 'ck': malformed: the number of parameters "
            "(4294967295) is more than the file can hold");
  uint64_t big = uint64_t(1) << 40;
  EXPECT_EQ(parseError(framed(str("s") + u32(1) + str("w") + u32(2) + u64(big) +
                              u64(big))),
            "cannot read 'ck': malformed: parameter 1's shape "
            "(1099511627776, 1099511627776) has more elements than the file "
            "holds");
  EXPECT_EQ(parseError(framed(str("s") + u32(1) + str("w") + u32(1) +
                              u64(~uint64_t(0)))),
            "cannot read 'ck': malformed: parameter 1 has a dimension of "
            "18446744073709551615");
  EXPECT_EQ(parseError(framed(str("s") + u32(1) + str("w") + u32(99))),
            "cannot read 'ck': malformed: parameter 1 has rank 99, more than "
            "8");
  EXPECT_EQ(parseError(framed(u32(0x7FFFFFFF))),
            "cannot read 'ck': malformed: the signature is 2147483647 bytes "
            "long, more than a checkpoint holds");
  EXPECT_EQ(parseError(framed(str("s") + u32(0) + str("sgd"))),
            "cannot read 'ck': malformed: the number of optimizer state "
            "tensors runs past the end of the data");
  std::string badRng = smallBody();
  badRng.replace(badRng.find(u64(9) + str("")) + 8, 4, str("xyz"));
  EXPECT_EQ(parseError(framed(badRng)),
            "cannot read 'ck': malformed: the generator state is not a "
            "std::mt19937_64 state");
  EXPECT_EQ(parseError(framed(smallBody() + "zz")),
            "cannot read 'ck': malformed: 2 unexpected bytes after the "
            "parameters' data");
}

//===----------------------------------------------------------------------===//
// The model check
//===----------------------------------------------------------------------===//

TEST(CheckpointModelTest, TheSameModelLoads) {
  Checkpoint original = sample();
  ModelIdentity model = original.identity();
  EXPECT_EQ(parseError(bytesOf(original), &model), "");
}

TEST(CheckpointModelTest, AnotherShapeIsRefusedNamingTheParameter) {
  ModelIdentity model = sample().identity();
  model.parameters[1].shape = {4};
  EXPECT_EQ(parseError(bytesOf(sample()), &model),
            "cannot read 'ck': it was saved from a different model: parameter "
            "2 is 'dense/bias' (3,) in the checkpoint but 'dense/bias' (4,) in "
            "the model");
}

TEST(CheckpointModelTest, AnotherNameIsRefusedNamingTheParameter) {
  ModelIdentity model = sample().identity();
  model.parameters[0].name = "dense_1/kernel";
  EXPECT_EQ(parseError(bytesOf(sample()), &model),
            "cannot read 'ck': it was saved from a different model: parameter "
            "1 is 'dense/kernel' (2, 3) in the checkpoint but 'dense_1/kernel' "
            "(2, 3) in the model");
}

TEST(CheckpointModelTest, MissingOrExtraParametersAreNamed) {
  ModelIdentity bigger = sample().identity();
  bigger.parameters.push_back({"dense_1/kernel", {3, 10}});
  EXPECT_EQ(parseError(bytesOf(sample()), &bigger),
            "cannot read 'ck': it was saved from a different model: the "
            "checkpoint has 2 parameters, the model 3 (the first missing is "
            "'dense_1/kernel' (3, 10))");
  ModelIdentity smaller = sample().identity();
  smaller.parameters.pop_back();
  EXPECT_EQ(parseError(bytesOf(sample()), &smaller),
            "cannot read 'ck': it was saved from a different model: the "
            "checkpoint has 2 parameters, the model 1 (the first extra is "
            "'dense/bias' (3,))");
}

TEST(CheckpointModelTest, ASignatureMismatchIsRefusedEvenWhenShapesAgree) {
  // E.g. the same weights under another architecture (max vs. average
  // pooling): the caller's signature tells them apart.
  ModelIdentity model = sample().identity();
  model.signature = "other";
  std::string error = parseError(bytesOf(sample()), &model);
  EXPECT_EQ(error, "cannot read 'ck': it was saved from a different model: "
                   "its signature is '" +
                       sample().signature +
                       "', the model's 'other' (the parameters' names and "
                       "shapes agree)");
}

TEST(CheckpointModelTest, TheDefaultSignatureIsTheMd5OfNamesAndShapes) {
  // md5("dense/kernel (2, 3)\ndense/bias (3,)\n"), from Python's hashlib.
  EXPECT_EQ(parameterSignature(sample().identity().parameters),
            "md5:9c42a5da93691a86124449ef4b2692e7");
  std::vector<ParameterInfo> other = sample().identity().parameters;
  other[1].shape = {1, 3};
  EXPECT_NE(parameterSignature(other),
            parameterSignature(sample().identity().parameters));
}

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

class CheckpointFileTest : public cnnc::test::ScratchDirTest {
protected:
  /// The reason readCheckpoint gives for `path`, after its prefix.
  std::string reason(const std::string &path) {
    Checkpoint out;
    std::string error;
    if (readCheckpoint(path, nullptr, out, error))
      return "";
    std::string prefix = "cannot read '" + path + "': ";
    EXPECT_EQ(error.rfind(prefix, 0), 0u) << error;
    return error.substr(prefix.size());
  }
};

TEST_F(CheckpointFileTest, AWrittenCheckpointReadsBack) {
  std::string path = dir + "/ck"; // no extension: --save ck is normal
  std::string error;
  ASSERT_TRUE(writeCheckpoint(path, sample(), error)) << error;
  Checkpoint read;
  ModelIdentity model = sample().identity();
  ASSERT_TRUE(readCheckpoint(path, &model, read, error)) << error;
  EXPECT_EQ(bytesOf(read), bytesOf(sample()));
}

TEST_F(CheckpointFileTest, ATruncatedFileIsRefused) {
  std::string bytes = bytesOf(sample());
  EXPECT_EQ(reason(put(bytes.substr(0, 100), "cut")),
            "truncated: its header says " + std::to_string(bytes.size()) +
                " bytes, the file has 100");
  EXPECT_EQ(reason(put(bytes.substr(0, 5), "stub")),
            "truncated: the file ends after 5 bytes, inside the 20-byte "
            "checkpoint header");
}

TEST_F(CheckpointFileTest, OtherFilesAreNamedForWhatTheyAre) {
  std::string npy = std::string("\x93NUMPY\x01\x00", 8) + u32(0x76) +
                    "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  EXPECT_EQ(reason(put(npy, "w.npy")),
            "it is a NumPy .npy file, not a cnnc checkpoint");
  EXPECT_EQ(reason(put(std::string("\x89HDF\r\n\x1a\n\0\0\0\0", 12), "m.h5")),
            "it is an HDF5 file (a Keras .h5 model or weights), not a cnnc "
            "checkpoint");
  EXPECT_EQ(reason(put("  {\"format\": \"layers-model\"}", "model.json")),
            "it is JSON (a Keras or TF.js model?), not a cnnc checkpoint");
  EXPECT_EQ(reason(put(std::string("PK\x03\x04\x14\0", 6), "m.keras")),
            "it is a zip archive (a Keras 3 .keras model?), not a cnnc "
            "checkpoint");
  EXPECT_EQ(reason(put(std::string("\x1f\x8b\x08\0", 4), "x.gz")),
            "it is a gzip file, not a cnnc checkpoint");
  EXPECT_EQ(reason(put(std::string("\0\0\x08\x03\0\0\0\x01", 8), "imgs")),
            "it is an MNIST IDX images file, not a cnnc checkpoint");
  EXPECT_EQ(reason(put("model = Sequential()\n", "m.py")),
            "it is a text file, not a cnnc checkpoint");
  EXPECT_EQ(reason(put(std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09", 9),
                       "blob")),
            "it is not a cnnc checkpoint (it starts with bytes 01 02 03 04 05 "
            "06 07 08, a checkpoint with \"CNNCKPT1\")");
  EXPECT_EQ(reason(put("", "empty")), "it is empty, not a cnnc checkpoint");
}

TEST_F(CheckpointFileTest, DirectoriesAndMissingFilesAreRefused) {
  EXPECT_EQ(reason(dir), "it is a directory");
  EXPECT_EQ(reason(dir + "/absent"), "No such file or directory");
}

TEST_F(CheckpointFileTest, AFailedReadLeavesTheOutputAlone) {
  Checkpoint out = sample();
  std::string error;
  EXPECT_FALSE(readCheckpoint(put("{}", "x.json"), nullptr, out, error));
  EXPECT_EQ(bytesOf(out), bytesOf(sample()));
}

TEST_F(CheckpointFileTest, AFailedWriteLeavesThePreviousCheckpoint) {
  std::string path = dir + "/ck";
  std::string error;
  ASSERT_TRUE(writeCheckpoint(path, sample(), error)) << error;
  Checkpoint broken = sample();
  broken.parameters[1].data.pop_back();
  EXPECT_FALSE(writeCheckpoint(path, broken, error));
  EXPECT_EQ(error, "cannot write '" + path +
                       "': parameter 'dense/bias' of shape (3,) has 2 "
                       "elements, not 3");
  Checkpoint read;
  ASSERT_TRUE(readCheckpoint(path, nullptr, read, error)) << error;
  EXPECT_EQ(bytesOf(read), bytesOf(sample()));
}

TEST(CheckpointWriterTest, WhatCouldNotBeReadBackIsNotWritten) {
  std::string bytes, error;
  Checkpoint negative;
  negative.parameters = {{"w", {-1}, {}}};
  EXPECT_FALSE(serializeCheckpoint(negative, bytes, error));
  EXPECT_EQ(error, "parameter 'w' has an unsupported shape (-1,)");
  Checkpoint deep;
  deep.optimizerState = {{"s", std::vector<int64_t>(9, 1), {0.0f}}};
  EXPECT_FALSE(serializeCheckpoint(deep, bytes, error));
  EXPECT_EQ(error, "optimizer state 's' has an unsupported shape (1, 1, 1, "
                   "1, 1, 1, 1, 1, 1)");
}

//===----------------------------------------------------------------------===//
// Sniffing
//===----------------------------------------------------------------------===//

TEST(CheckpointSniffTest, TheMagicMarksACheckpoint) {
  EXPECT_TRUE(looksLikeCheckpoint("CNNCKPT1"));
  EXPECT_TRUE(looksLikeCheckpoint(bytesOf(sample()).substr(0, 16)));
  EXPECT_TRUE(looksLikeCheckpoint("CNNC")); // a truncated checkpoint
  EXPECT_FALSE(looksLikeCheckpoint(""));
  EXPECT_FALSE(looksLikeCheckpoint("CNNCKPT2"));
  EXPECT_FALSE(looksLikeCheckpoint("\x93NUMPY\x01\x00"));
  EXPECT_FALSE(looksLikeCheckpoint(std::string("\x89HDF\r\n\x1a\n", 8)));
  EXPECT_FALSE(looksLikeCheckpoint("{\"format\""));
}

TEST(CheckpointSniffTest, FormatsAreDescribedForMessages) {
  EXPECT_EQ(describeFileFormat(""), "empty");
  EXPECT_EQ(describeFileFormat("CNNCKPT1\x01"), "a cnnc checkpoint");
  EXPECT_EQ(describeFileFormat("\x93NUMPY\x01\x00"), "a NumPy .npy file");
  EXPECT_EQ(describeFileFormat("\n[1, 2]"), "JSON (a Keras or TF.js model?)");
  EXPECT_EQ(describeFileFormat("\177ELF\x02\x01"),
            "an ELF file (a program or an object)");
  EXPECT_EQ(describeFileFormat(std::string("\0\0\x08\x01\0\0\0\x0a", 8)),
            "an MNIST IDX labels file");
  EXPECT_EQ(describeFileFormat("\x01\x02"), "");
}

} // namespace

namespace {

// Found by fuzz-checkpoint: a tensor with no elements made the reader call
// memcpy with a null destination (undefined even for zero bytes; UBSan in
// scripts/asan and scripts/fuzz reports it).
TEST(CheckpointFuzzRegressions, AnEmptyTensorReads) {
  Checkpoint checkpoint;
  checkpoint.signature = "sig";
  checkpoint.parameters = {{"empty/kernel", {0, 4}, {}}};
  checkpoint.optimizer = "sgd";
  checkpoint.optimizerState = {{"sgd/momentum", {0}, {}}};
  std::string bytes = bytesOf(checkpoint);
  Checkpoint out;
  std::string error;
  ASSERT_TRUE(parseCheckpoint(bytes, "ck", nullptr, out, error)) << error;
  EXPECT_TRUE(out.parameters[0].data.empty());
  EXPECT_EQ(out.parameters[0].shape, (std::vector<int64_t>{0, 4}));
}

} // namespace
