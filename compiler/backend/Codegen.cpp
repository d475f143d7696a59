//===- Codegen.cpp - LLVM IR, assembly and objects for a host -------------===//

#include "compiler/backend/Codegen.h"
#include "compiler/backend/CpuCheck.h"
#include "compiler/backend/Optimize.h"
#include "compiler/backend/TargetFeatures.h"

#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace cnnc;

static llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static llvm::CodeGenOptLevel codeGenLevel(unsigned optLevel) {
  switch (optLevel) {
  case 0:
    return llvm::CodeGenOptLevel::None;
  case 1:
    return llvm::CodeGenOptLevel::Less;
  case 2:
    return llvm::CodeGenOptLevel::Default;
  default:
    return llvm::CodeGenOptLevel::Aggressive;
  }
}

/// The target machine for `target`; the host's CPU and its features (AVX-512
/// here) unless another CPU or triple is asked for.
static llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetOptions &target) {
  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();
  // The CPU check's cpuid and xgetbv are inline assembly, which an object
  // file's streamer parses.
  llvm::InitializeAllAsmParsers();

  std::string triple = target.triple.empty()
                           ? llvm::sys::getDefaultTargetTriple()
                           : target.triple;
  std::string error;
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return fail("unknown target triple '" + triple + "': " + error);

  // The host's CPU and features only when compiling for this host; another
  // triple defaults to its generic CPU.
  bool native = target.cpu.empty() || target.cpu == "native";
  bool forHost =
      target.triple.empty() ||
      llvm::Triple(triple) == llvm::Triple(llvm::sys::getDefaultTargetTriple());
  std::string cpu = !native   ? target.cpu
                    : forHost ? llvm::sys::getHostCPUName().str()
                              : std::string("generic");
  std::string features;
  if (native && forHost) {
    llvm::SubtargetFeatures hostFeatures;
    for (const auto &[name, enabled] : llvm::sys::getHostCPUFeatures())
      hostFeatures.AddFeature(name, enabled);
    features = hostFeatures.getString();
  }
  if (!target.features.empty()) {
    // After the CPU's own: a later "-f" wins over an earlier "+f".
    llvm::SubtargetFeatures added(features);
    llvm::SmallVector<llvm::StringRef> requested;
    llvm::StringRef(target.features).split(requested, ',');
    for (llvm::StringRef feature : requested)
      if (!feature.empty())
        added.AddFeature(feature);
    features = added.getString();
  }
  // Check the CPU before LLVM warns about it on stderr.
  if (!native) {
    std::unique_ptr<llvm::MCSubtargetInfo> info(
        llvmTarget->createMCSubtargetInfo(triple, "", ""));
    if (!info || !info->isCPUStringValid(cpu))
      return fail("unknown CPU '" + cpu + "' for target '" + triple + "'");
  }
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> machine(llvmTarget->createTargetMachine(
      triple, cpu, features, options, llvm::Reloc::PIC_, std::nullopt,
      codeGenLevel(target.optLevel)));
  if (!machine)
    return fail("cannot create a target machine for '" + triple + "'");
  return machine;
}

llvm::Error cnnc::checkTargetPrecision(const TargetOptions &target,
                                       Precision precision) {
  if (requiredFeature(precision).empty())
    return llvm::Error::success();
  auto machine = createTargetMachine(target);
  if (!machine)
    return machine.takeError();
  bool host = target.triple.empty() && target.features.empty() &&
              (target.cpu.empty() || target.cpu == "native");
  return checkPrecisionSupported(**machine, precision,
                                 host ? "this CPU" : "the target CPU",
                                 target.features);
}

llvm::Expected<std::string> cnnc::emitCode(mlir::ModuleOp module,
                                           const TargetOptions &target,
                                           OutputKind kind) {
  auto machine = createTargetMachine(target);
  if (!machine)
    return machine.takeError();

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, llvmContext, "cnnc");
  if (!llvmModule)
    return fail("translation to LLVM IR failed");
  llvmModule->setTargetTriple((*machine)->getTargetTriple().str());
  llvmModule->setDataLayout((*machine)->createDataLayout());
  // Code for another CPU than the one it runs on says so, not SIGILL.
  addCpuCheck(*llvmModule, **machine);

  auto optimize = makeModuleOptimizer(target.optLevel, machine->get());
  if (llvm::Error error = optimize(llvmModule.get()))
    return std::move(error);

  std::string text;
  llvm::raw_string_ostream os(text);
  if (kind == OutputKind::LLVMIR) {
    llvmModule->print(os, nullptr);
    return text;
  }
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream stream(buffer);
  llvm::legacy::PassManager passes;
  auto fileType = kind == OutputKind::Object
                      ? llvm::CodeGenFileType::ObjectFile
                      : llvm::CodeGenFileType::AssemblyFile;
  if ((*machine)->addPassesToEmitFile(passes, stream, nullptr, fileType))
    return fail("the target cannot emit this file type");
  passes.run(*llvmModule);
  return std::string(buffer.begin(), buffer.end());
}
