//===- ReplayMain.cpp - A fuzz target's inputs, without libFuzzer ---------===//
//
// The main of the `<target>-replay` programs of an ordinary build: linked
// with one fuzz target's LLVMFuzzerTestOneInput, it hands that entry point
// each file named on the command line, and each file of each directory
// named, as libFuzzer does when given files. ctest runs them on the inputs
// that once crashed or hung a target (test/fuzz/corpus/<target>/, a few in
// test/Driver/Inputs/): a crash or a sanitizer report fails the test, a hang
// runs into ctest's timeout. No input at all fails too, so that a misnamed
// directory is not a pass.
//
//===----------------------------------------------------------------------===//

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    fs::path arg(argv[i]);
    if (!fs::is_directory(arg)) {
      inputs.push_back(arg);
      continue;
    }
    std::vector<fs::path> files;
    for (const fs::directory_entry &entry : fs::directory_iterator(arg))
      if (entry.is_regular_file())
        files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    inputs.insert(inputs.end(), files.begin(), files.end());
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "%s: no inputs\n", argv[0]);
    return 1;
  }
  for (const fs::path &path : inputs) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "%s: cannot read '%s'\n", argv[0], path.c_str());
      return 1;
    }
    std::string bytes((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
    // Printed first: a crash's output then names its input.
    std::printf("%s (%zu bytes)\n", path.c_str(), bytes.size());
    std::fflush(stdout);
    // A buffer of the input's exact size, as libFuzzer gives: an overread
    // is then caught.
    std::unique_ptr<uint8_t[]> data(new uint8_t[bytes.size()]);
    std::memcpy(data.get(), bytes.data(), bytes.size());
    LLVMFuzzerTestOneInput(data.get(), bytes.size());
  }
  std::printf("%zu input(s), none crashed\n", inputs.size());
  return 0;
}
