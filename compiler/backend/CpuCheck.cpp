//===- CpuCheck.cpp - An object refuses a CPU it was not built for --------===//
//
// The check is LLVM IR added to the object before LLVM's optimizer runs:
// an internal function `cnnc_check_cpu`, called first thing by every
// external `cnnc_*` function, that reads cpuid (leaves 1, 7.0 and 7.1, each
// only where the CPU reports it) and, for the register state the
// extensions use, XCR0 (xgetbv, only when the OS enables it: OSXSAVE). The
// first missing extension, in the table's order, is named in one line on
// stderr, and the process aborts. A flag set after the first successful
// check makes later calls a load and a branch.
//
// The table holds the x86 extensions LLVM's code generator may use on its
// own (vector widths, FMA, conversions, bit manipulation); one the target
// enables that is not in it (AMX, say, which cnnc never emits) is not
// checked.
//
//===----------------------------------------------------------------------===//

#include "compiler/backend/CpuCheck.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Target/TargetMachine.h"

using namespace llvm;

namespace {

enum Register { EAX, EBX, ECX, EDX };

/// What the OS must have enabled in XCR0 for an extension's registers.
enum class RegisterState { None, Avx, Avx512 };

struct Extension {
  const char *feature; // LLVM's name, as in --mattr
  const char *name;    // Intel's
  unsigned leaf, subleaf;
  Register reg;
  unsigned bit;
  RegisterState state;
};

// Bits as the Intel SDM's CPUID chapter lists them.
constexpr Extension kExtensions[] = {
    {"sse4.1", "SSE4.1", 1, 0, ECX, 19, RegisterState::None},
    {"sse4.2", "SSE4.2", 1, 0, ECX, 20, RegisterState::None},
    {"popcnt", "POPCNT", 1, 0, ECX, 23, RegisterState::None},
    {"avx", "AVX", 1, 0, ECX, 28, RegisterState::Avx},
    {"fma", "FMA", 1, 0, ECX, 12, RegisterState::Avx},
    {"f16c", "F16C", 1, 0, ECX, 29, RegisterState::Avx},
    {"bmi", "BMI1", 7, 0, EBX, 3, RegisterState::None},
    {"avx2", "AVX2", 7, 0, EBX, 5, RegisterState::Avx},
    {"bmi2", "BMI2", 7, 0, EBX, 8, RegisterState::None},
    {"avx512f", "AVX-512F", 7, 0, EBX, 16, RegisterState::Avx512},
    {"avx512dq", "AVX-512DQ", 7, 0, EBX, 17, RegisterState::Avx512},
    {"avx512ifma", "AVX-512IFMA", 7, 0, EBX, 21, RegisterState::Avx512},
    {"avx512cd", "AVX-512CD", 7, 0, EBX, 28, RegisterState::Avx512},
    {"avx512bw", "AVX-512BW", 7, 0, EBX, 30, RegisterState::Avx512},
    {"avx512vl", "AVX-512VL", 7, 0, EBX, 31, RegisterState::Avx512},
    {"avx512vbmi", "AVX-512VBMI", 7, 0, ECX, 1, RegisterState::Avx512},
    {"avx512vbmi2", "AVX-512VBMI2", 7, 0, ECX, 6, RegisterState::Avx512},
    {"gfni", "GFNI", 7, 0, ECX, 8, RegisterState::None},
    {"vaes", "VAES", 7, 0, ECX, 9, RegisterState::Avx},
    {"vpclmulqdq", "VPCLMULQDQ", 7, 0, ECX, 10, RegisterState::Avx},
    {"avx512vnni", "AVX-512VNNI", 7, 0, ECX, 11, RegisterState::Avx512},
    {"avx512bitalg", "AVX-512BITALG", 7, 0, ECX, 12, RegisterState::Avx512},
    {"avx512vpopcntdq", "AVX-512VPOPCNTDQ", 7, 0, ECX, 14,
     RegisterState::Avx512},
    {"avx512vp2intersect", "AVX-512VP2INTERSECT", 7, 0, EDX, 8,
     RegisterState::Avx512},
    {"avx512fp16", "AVX-512FP16", 7, 0, EDX, 23, RegisterState::Avx512},
    {"avxvnni", "AVX-VNNI", 7, 1, EAX, 4, RegisterState::Avx},
    {"avx512bf16", "AVX-512BF16", 7, 1, EAX, 5, RegisterState::Avx512},
};

/// Builds `cnnc_check_cpu` for the extensions in `required`.
class CheckBuilder {
public:
  CheckBuilder(Module &module, StringRef cpu)
      : module(module), context(module.getContext()), cpu(cpu),
        i32(Type::getInt32Ty(context)) {}

  Function *build(ArrayRef<const Extension *> required) {
    auto *checked = new GlobalVariable(
        module, Type::getInt8Ty(context), /*isConstant=*/false,
        GlobalValue::InternalLinkage,
        ConstantInt::get(Type::getInt8Ty(context), 0), "cnnc_cpu_checked");
    check = Function::Create(FunctionType::get(Type::getVoidTy(context), false),
                             GlobalValue::InternalLinkage, "cnnc_check_cpu",
                             module);
    check->addFnAttr(Attribute::NoInline);
    check->addFnAttr(Attribute::NoUnwind);

    BasicBlock *entry = BasicBlock::Create(context, "entry", check);
    BasicBlock *read = BasicBlock::Create(context, "read", check);
    BasicBlock *done = BasicBlock::Create(context, "done", check);
    IRBuilder<> b(entry);
    // Monotonic: two threads may run the check at once, harmlessly.
    LoadInst *flag = b.CreateLoad(Type::getInt8Ty(context), checked);
    flag->setAtomic(AtomicOrdering::Monotonic);
    flag->setAlignment(Align(1));
    b.CreateCondBr(b.CreateIsNotNull(flag), done, read);
    b.SetInsertPoint(done);
    b.CreateRetVoid();

    b.SetInsertPoint(read);
    Value *leaf0 = cpuid(b, 0, 0);
    Value *maxLeaf = b.CreateExtractValue(leaf0, EAX);
    Value *leaf1 = cpuid(b, 1, 0);
    // Leaf 7 exists from max leaf 7 on, its subleaf 1 where 7.0's EAX
    // says so; otherwise cpuid answers for another leaf, read as zeros.
    Value *has7 = b.CreateICmpUGE(maxLeaf, b.getInt32(7));
    Value *leaf70 = zeroUnless(b, has7, cpuid(b, 7, 0));
    Value *has71 =
        b.CreateICmpUGE(b.CreateExtractValue(leaf70, EAX), b.getInt32(1));
    Value *leaf71 = zeroUnless(b, has71, cpuid(b, 7, 1));

    Value *xcr0 = readXcr0(b, leaf1);
    for (const Extension *extension : required) {
      Value *leaf = extension->leaf == 1      ? leaf1
                    : extension->subleaf == 0 ? leaf70
                                              : leaf71;
      Value *word = b.CreateExtractValue(leaf, extension->reg);
      Value *present = b.CreateICmpNE(
          b.CreateAnd(word, b.getInt32(1u << extension->bit)), b.getInt32(0));
      if (extension->state != RegisterState::None) {
        uint32_t mask = extension->state == RegisterState::Avx ? 0x6 : 0xE6;
        present = b.CreateAnd(
            present, b.CreateICmpEQ(b.CreateAnd(xcr0, b.getInt32(mask)),
                                    b.getInt32(mask)));
      }
      BasicBlock *next = BasicBlock::Create(context, "next", check);
      b.CreateCondBr(present, next, refusal(*extension));
      b.SetInsertPoint(next);
    }
    StoreInst *store = b.CreateStore(b.getInt8(1), checked);
    store->setAtomic(AtomicOrdering::Monotonic);
    store->setAlignment(Align(1));
    b.CreateRetVoid();
    return check;
  }

private:
  /// {eax, ebx, ecx, edx} of cpuid(leaf, subleaf).
  Value *cpuid(IRBuilder<> &b, unsigned leaf, unsigned subleaf) {
    auto *result = StructType::get(context, {i32, i32, i32, i32});
    auto *type = FunctionType::get(result, {i32, i32}, false);
    InlineAsm *asm_ = InlineAsm::get(
        type, "cpuid",
        "={ax},={bx},={cx},={dx},{ax},{cx},~{dirflag},~{fpsr},~{flags}",
        /*hasSideEffects=*/true);
    return b.CreateCall(type, asm_, {b.getInt32(leaf), b.getInt32(subleaf)});
  }

  Value *zeroUnless(IRBuilder<> &b, Value *condition, Value *leaf) {
    return b.CreateSelect(condition, leaf,
                          Constant::getNullValue(leaf->getType()));
  }

  /// XCR0's low word, or 0 when the OS has not enabled xgetbv (OSXSAVE,
  /// leaf 1 ECX bit 27): xgetbv would fault.
  Value *readXcr0(IRBuilder<> &b, Value *leaf1) {
    Value *osxsave = b.CreateICmpNE(
        b.CreateAnd(b.CreateExtractValue(leaf1, ECX), b.getInt32(1u << 27)),
        b.getInt32(0));
    BasicBlock *before = b.GetInsertBlock();
    BasicBlock *read = BasicBlock::Create(context, "xgetbv", check);
    BasicBlock *after = BasicBlock::Create(context, "features", check);
    b.CreateCondBr(osxsave, read, after);
    b.SetInsertPoint(read);
    auto *result = StructType::get(context, {i32, i32});
    auto *type = FunctionType::get(result, {i32}, false);
    InlineAsm *asm_ = InlineAsm::get(type, "xgetbv", "={ax},={dx},{cx}",
                                     /*hasSideEffects=*/true);
    Value *value =
        b.CreateExtractValue(b.CreateCall(type, asm_, {b.getInt32(0)}), 0);
    b.CreateBr(after);
    b.SetInsertPoint(after);
    PHINode *xcr0 = b.CreatePHI(i32, 2);
    xcr0->addIncoming(b.getInt32(0), before);
    xcr0->addIncoming(value, read);
    return xcr0;
  }

  /// A block that writes why to stderr (write(2, ...): no stdio state
  /// needed) and aborts.
  BasicBlock *refusal(const Extension &extension) {
    BasicBlock *block = BasicBlock::Create(context, "refuse", check);
    IRBuilder<> b(block);
    std::string message = "cnnc: this model object was compiled for a CPU "
                          "with " +
                          std::string(extension.name) + " ('" + cpu.str() +
                          "'), which this CPU does not have; compile the "
                          "model again for this CPU (cnnc MODEL -o FILE "
                          "without --mcpu/--mattr, or --mcpu native)\n";
    Value *text = b.CreateGlobalStringPtr(message, "cnnc_cpu_refusal");
    Type *i64 = Type::getInt64Ty(context);
    FunctionCallee write = module.getOrInsertFunction(
        "write", FunctionType::get(i64, {i32, b.getPtrTy(), i64}, false));
    b.CreateCall(write, {b.getInt32(2), text, b.getInt64(message.size())});
    FunctionCallee abort = module.getOrInsertFunction(
        "abort", FunctionType::get(Type::getVoidTy(context), false));
    if (auto *f = dyn_cast<Function>(abort.getCallee()))
      f->setDoesNotReturn();
    b.CreateCall(abort)->setDoesNotReturn();
    b.CreateUnreachable();
    return block;
  }

  Module &module;
  LLVMContext &context;
  StringRef cpu;
  IntegerType *i32;
  Function *check = nullptr;
};

} // namespace

void cnnc::addCpuCheck(Module &module, const TargetMachine &machine) {
  if (!machine.getTargetTriple().isX86())
    return;
  const MCSubtargetInfo *info = machine.getMCSubtargetInfo();
  if (!info)
    return;
  SmallVector<const Extension *> required;
  for (const Extension &extension : kExtensions)
    if (info->checkFeatures(std::string("+") + extension.feature))
      required.push_back(&extension);
  if (required.empty())
    return;

  SmallVector<Function *> entries;
  for (Function &function : module)
    if (!function.isDeclaration() && function.hasExternalLinkage() &&
        function.getName().starts_with("cnnc_"))
      entries.push_back(&function);
  if (entries.empty())
    return;

  Function *check =
      CheckBuilder(module, machine.getTargetCPU()).build(required);
  for (Function *entry : entries) {
    IRBuilder<> b(&*entry->getEntryBlock().getFirstInsertionPt());
    b.CreateCall(check);
  }
}
