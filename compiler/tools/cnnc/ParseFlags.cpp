//===- ParseFlags.cpp - llvm::cl's complaints as one cnnc error line ------===//
//
// llvm::cl reports a bad command line in its own words, some on two lines,
// some twice, and some straight to stderr rather than to the stream it is
// given ('-1' value invalid for uint argument!). The contract is one
// `cnnc: error:` line, so the parse runs with stderr captured, and the first
// complaint is rewritten in cnnc's words.
//
//===----------------------------------------------------------------------===//

#include "compiler/tools/cnnc/Flags.h"

#include "compiler/support/Diagnostics.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

using namespace cnnc;
namespace cl = llvm::cl;

static const char *const kCommands[] = {"predict", "train", "eval", "export"};

/// The subcommand the command line names, for "see cnnc train --help".
static std::string commandOf(int argc, char **argv) {
  if (argc > 1)
    for (const char *command : kCommands)
      if (llvm::StringRef(argv[1]) == command)
        return std::string("cnnc ") + command;
  return "cnnc";
}

/// The positional arguments (not options, not their values) after the
/// subcommand; a best effort for naming what was too many.
static std::vector<std::string> positionals(int argc, char **argv) {
  std::vector<std::string> result;
  int first = commandOf(argc, argv) == "cnnc" ? 1 : 2;
  for (int i = first; i < argc; ++i) {
    llvm::StringRef arg(argv[i]);
    if (arg.starts_with("-")) {
      // --flag value: the value is not positional (a guess for flags
      // written without '=' that take one).
      if (!arg.contains('=') && arg.size() > 2 && i + 1 < argc &&
          !llvm::StringRef(argv[i + 1]).starts_with("-")) {
        auto &options = cl::getRegisteredOptions(cl::SubCommand::getTopLevel());
        llvm::StringRef name = arg.ltrim('-');
        bool takesValue = true;
        for (cl::SubCommand *sub : cl::getRegisteredSubcommands())
          if (cl::Option *option = cl::getRegisteredOptions(*sub).lookup(name))
            takesValue = option->getValueExpectedFlag() != cl::ValueDisallowed;
        if (cl::Option *option = options.lookup(name))
          takesValue = option->getValueExpectedFlag() != cl::ValueDisallowed;
        if (takesValue)
          ++i;
      }
      continue;
    }
    result.push_back(arg.str());
  }
  return result;
}

/// llvm::cl's first complaint, in cnnc's words, on one line.
static std::string rewrite(llvm::StringRef text, int argc, char **argv) {
  std::string command = commandOf(argc, argv);
  std::string seeHelp = " (see '" + command + " --help')";
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n', -1, /*KeepEmpty=*/false);
  if (lines.empty())
    return "invalid command line" + seeHelp;
  llvm::SmallVector<llvm::StringRef> groups;
  llvm::Regex unknown("Unknown command line argument '(.*)'\\.");
  llvm::Regex nearest("Did you mean '(.*)'\\?");
  llvm::Regex value("for the (-+[^ ]+) option: '(.*)' value invalid for "
                    "([a-z ]+) argument!");
  llvm::Regex boolean("for the (-+[^ ]+) option: '(.*)' is invalid value for "
                      "boolean argument");
  llvm::Regex enumValue("for the (-+[^ ]+) option: Cannot find option named "
                        "'(.*)'!");
  llvm::Regex required("for the (-+[^ ]+) option: must be specified at least "
                       "once!");
  llvm::Regex once("for the (-+[^ ]+) option: may only occur zero or one "
                   "times!");
  llvm::Regex other("for the (-+[^ ]+) option: (.*)");

  // A missing MODEL comes first, wherever llvm::cl printed it.
  if (text.contains("Not enough positional command line arguments"))
    return "no MODEL given: " + command + " MODEL [options]" + seeHelp;
  llvm::StringRef line = lines.front();
  if (unknown.match(line, &groups)) {
    std::string message = "unknown option '" + groups[1].str() + "'";
    if (lines.size() > 1 && nearest.match(lines[1], &groups))
      message += "; did you mean '" + groups[1].str() + "'?";
    return message + seeHelp;
  }
  if (value.match(line, &groups)) {
    llvm::StringRef kind = groups[3];
    std::string what = kind == "floating point" ? "a number"
                       : kind.starts_with("u")  ? "a non-negative integer"
                                                : "an integer";
    return groups[1].str() + " takes " + what + ", not '" + groups[2].str() +
           "'";
  }
  if (boolean.match(line, &groups))
    return groups[1].str() + " takes no value (or true/false), not '" +
           groups[2].str() + "'";
  if (enumValue.match(line, &groups))
    return groups[1].str() + " has no value '" + groups[2].str() + "'" +
           seeHelp;
  if (required.match(line, &groups))
    return command + " needs " + groups[1].str() + seeHelp;
  if (once.match(line, &groups))
    return groups[1].str() + " is given more than once";
  if (line.contains("option: must be specified at least once"))
    return "no MODEL given: " + command + " MODEL [options]" + seeHelp;
  if (line.contains("Too many positional arguments")) {
    std::vector<std::string> args = positionals(argc, argv);
    std::string message = command + " takes one MODEL";
    if (args.size() > 1) {
      message += ", not also '" + args[1] + "'";
      // `cnnc trian m.py`: a misspelled command reads as the model.
      if (command == "cnnc")
        for (const char *name : kCommands)
          if (llvm::StringRef(args[0]).edit_distance(name) <= 2)
            return message + "; did you mean the command '" + name + "'?";
    }
    return message + seeHelp;
  }
  if (other.match(line, &groups))
    return groups[1].str() + ": " + groups[2].str();
  // Anything else: llvm::cl's words without its program-name prefix.
  std::string message;
  for (llvm::StringRef l : lines) {
    l.consume_front(argv[0]);
    l.consume_front("cnnc");
    l.consume_front(":");
    message += (message.empty() ? "" : "; ") + l.trim().str();
  }
  return message;
}

/// llvm::cl lets a subcommand take the top level's options too: `cnnc
/// predict --optimizer sgd` parsed. Each command takes only its own.
static bool checkOwnOptions(int argc, char **argv) {
  cl::SubCommand *active = nullptr;
  for (cl::SubCommand *command : cl::getRegisteredSubcommands())
    if (*command && command != &cl::SubCommand::getTopLevel())
      active = command;
  if (!active)
    return true;
  auto &own = cl::getRegisteredOptions(*active);
  for (auto &entry : cl::getRegisteredOptions(cl::SubCommand::getTopLevel())) {
    cl::Option *option = entry.second;
    if (!option->getNumOccurrences() || own.count(entry.first()) ||
        !llvm::is_contained(option->Categories, &cnncCategory))
      continue;
    std::string name =
        (entry.first().size() == 1 ? "-" : "--") + entry.first().str();
    reportError("unknown option '" + name + "' (see '" + commandOf(argc, argv) +
                " --help')");
    return false;
  }
  return true;
}

bool cnnc::parseCommandLine(int argc, char **argv, llvm::StringRef overview) {
  // Some complaints go to the stream given, others to llvm::errs() (fd 2):
  // both are captured, in memory, for the length of the parse.
  std::string captured;
  llvm::raw_string_ostream errors(captured);
  int memory = memfd_create("cnnc-command-line", MFD_CLOEXEC);
  int savedStderr = memory >= 0 ? dup(STDERR_FILENO) : -1;
  if (savedStderr >= 0) {
    llvm::errs().flush();
    dup2(memory, STDERR_FILENO);
  }
  bool parsed = cl::ParseCommandLineOptions(argc, argv, overview, &errors);
  errors.flush();
  if (savedStderr >= 0) {
    llvm::errs().flush();
    dup2(savedStderr, STDERR_FILENO);
    close(savedStderr);
    std::string direct;
    off_t size = lseek(memory, 0, SEEK_END);
    if (size > 0 && lseek(memory, 0, SEEK_SET) == 0) {
      direct.resize(size_t(size));
      ssize_t got = read(memory, direct.data(), direct.size());
      direct.resize(got > 0 ? size_t(got) : 0);
    }
    // What went to stderr came first (a value's complaint is printed as the
    // option is seen; the stream's at the end of the parse).
    captured = direct + captured;
  }
  if (memory >= 0)
    close(memory);
  if (parsed) {
    llvm::errs() << captured; // warnings, if any, as they were
    return checkOwnOptions(argc, argv);
  }
  reportError(rewrite(captured, argc, argv));
  return false;
}
