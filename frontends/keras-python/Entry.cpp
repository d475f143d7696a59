//===- Entry.cpp - `--entry NAME`: call a script's model function ---------===//
//
// Scripts often only define the function that builds their model (a
// module others import). `--entry NAME` does what their importer would:
// calls the module-level function NAME with its defaults, after the whole
// script has run, and takes the model it returns.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-python/Diagnostics.h"
#include "frontends/keras-python/Interpreter.h"

#include <algorithm>

using namespace cnnc;
using namespace cnnc::py;
using llvm::Expected;
using llvm::StringRef;

std::vector<std::string> Interpreter::moduleFunctions() const {
  std::vector<const FunctionDefStmt *> defs;
  for (const auto &entry : frames.front().locals)
    if (entry.second.is(Value::Kind::Function) && entry.second.function)
      defs.push_back(entry.second.function->def);
  // In the order the script defines them (StringMap's is a hash's).
  std::sort(defs.begin(), defs.end(), [](const auto *a, const auto *b) {
    return std::make_pair(a->getPos().line, a->getPos().column) <
           std::make_pair(b->getPos().line, b->getPos().column);
  });
  std::vector<std::string> names;
  for (const FunctionDefStmt *def : defs)
    names.push_back(def->name);
  return names;
}

/// "the script defines build_model, residual_block" / "... no function".
static std::string listFunctions(const std::vector<std::string> &names) {
  if (names.empty())
    return "the script defines no function";
  std::string text = "the script defines ";
  for (size_t i = 0; i < names.size(); ++i)
    text += (i ? ", " : "") + names[i];
  return text;
}

Expected<unsigned> Interpreter::callEntry(StringRef name) {
  auto found = frames.front().locals.find(name);
  if (found == frames.front().locals.end() ||
      !found->second.is(Value::Kind::Function) || !found->second.function)
    return errorAt(file, Position{1, 1}, "--entry ", name.str(),
                   ": no such function at the script's top level; ",
                   listFunctions(moduleFunctions()));
  const UserFunction &fn = *found->second.function;
  const FunctionDefStmt &def = *fn.def;
  // Python would raise a TypeError for a parameter with nothing to bind.
  for (size_t i = 0; i < def.params.size(); ++i) {
    const Param &param = def.params[i];
    bool bound = fn.defaults[i] || param.kind == Param::Kind::VarArgs ||
                 param.kind == Param::Kind::VarKwargs;
    if (!bound)
      return errorAt(file, param.pos, "--entry ", name.str(),
                     " calls the function with its defaults, and parameter '",
                     param.name, "' has none");
  }
  KerasCall call;
  call.pos = def.getPos();
  auto result = callFunction(fn, call);
  if (!result)
    return result.takeError();
  if (!result->is(Value::Kind::Model))
    return errorAt(file, def.getPos(), "--entry ", name.str(),
                   ": the function returns ", describe(*result),
                   ", not a Keras model");
  return result->modelId;
}
