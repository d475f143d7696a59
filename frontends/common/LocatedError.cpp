//===- LocatedError.cpp ---------------------------------------------------===//

#include "frontends/common/LocatedError.h"

#include "llvm/Support/raw_ostream.h"

using namespace cnnc;

char LocatedError::ID = 0;

void LocatedError::log(llvm::raw_ostream &os) const {
  if (loc.file.empty())
    os << "cnnc";
  else
    os << loc.file;
  if (loc.line != 0) {
    os << ':' << loc.line;
    if (loc.column != 0)
      os << ':' << loc.column;
  }
  os << ": error: " << message;
}
