//===- Output.h - Writing a command's result --------------------*- C++ -*-===//

#ifndef CNNC_COMPILER_COMMANDS_OUTPUT_H
#define CNNC_COMPILER_COMMANDS_OUTPUT_H

#include <string>

namespace cnnc {

/// Writes `text` to stdout ("-") or atomically to `path` (whole or not at
/// all); reports a failure as one error line and returns false.
bool writeOutput(const std::string &path, const std::string &text);

} // namespace cnnc

#endif // CNNC_COMPILER_COMMANDS_OUTPUT_H
