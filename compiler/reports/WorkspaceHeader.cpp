//===- WorkspaceHeader.cpp - model.h's memory declarations ----------------===//
//
// The names programs rely on to run a model without it allocating (issue
// 22): what the weights take, and the entry point whose intermediate
// tensors live in a workspace the caller provides.
//
//===----------------------------------------------------------------------===//

#include "compiler/reports/WorkspaceHeader.h"

#include "dialects/cnn/CnnDialect.h"
#include "dialects/cnn/ModelContract.h"

#include "llvm/ADT/StringSet.h"

using namespace mlir;

int64_t cnnc::weightsBytes(func::FuncOp forward) {
  int64_t bytes = 0;
  for (unsigned i = 0; i < forward.getNumArguments(); ++i)
    if (forward.getArgAttr(i, cnn::CnnDialect::kParamAttrName))
      bytes +=
          cast<ShapedType>(forward.getArgumentTypes()[i]).getNumElements() *
          static_cast<int64_t>(sizeof(float));
  return bytes;
}

std::vector<std::string> cnnc::inputParameterNames(func::FuncOp forward) {
  unsigned numInputs = cnn::numModelInputs(forward);
  if (numInputs == 1)
    return {"input"};
  std::vector<std::string> names;
  llvm::StringSet<> taken;
  for (unsigned i = 0; i < numInputs; ++i) {
    std::string name = "input_";
    auto keras = forward.getArgAttrOfType<StringAttr>(
        i, cnn::CnnDialect::kInputAttrName);
    for (char c : keras ? keras.getValue() : StringRef())
      name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    if (!keras || !taken.insert(name).second)
      name += std::to_string(i);
    taken.insert(name);
    names.push_back(name);
  }
  return names;
}

std::string cnnc::inputParameters(func::FuncOp forward,
                                  llvm::StringRef indent) {
  std::vector<std::string> names = inputParameterNames(forward);
  if (names.size() == 1)
    return "const float *input, ";
  std::string text;
  for (const std::string &name : names)
    text += "const float *" + name + ",\n" + indent.str();
  return text;
}

void cnnc::writeWorkspaceDeclarations(func::FuncOp forward,
                                      llvm::raw_ostream &os) {
  os << "/* Memory (`cnnc MODEL --memory` prints the plan).\n"
     << " * The parameters take CNNC_WEIGHTS_BYTES bytes in all; params[i]\n"
     << " * holds cnnc_param_elements[i] floats. */\n"
     << "#define CNNC_WEIGHTS_BYTES " << weightsBytes(forward) << "\n"
     << "extern const int64_t cnnc_param_elements[CNNC_NUM_PARAMS];\n\n"
     << "/* The bytes of workspace cnnc_forward_ws needs for `batch` images:\n"
     << " * the peak of its intermediate tensors under the compiler's buffer\n"
     << " * plan (a constant plus a multiple of the batch). */\n"
     << "size_t cnnc_workspace_bytes(int64_t batch);\n\n"
     << "/* cnnc_forward without any allocation: the intermediate tensors\n"
     << " * live in `workspace`, which must be 64-byte aligned, at least\n"
     << " * cnnc_workspace_bytes(batch) bytes long, and used by one call at a\n"
     << " * time (threads need one each). Its contents before the call do\n"
     << " * not matter and are garbage after it. */\n"
     << "void cnnc_forward_ws("
     << inputParameters(forward, "                     ") << "int64_t batch,\n"
     << "                     const float *const *params, float *output,\n"
     << "                     void *workspace);\n\n";
}
