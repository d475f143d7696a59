//===- CompilerMemory.cpp - Give back what compiling took -----------------===//

#include "compiler/backend/CompilerMemory.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <malloc.h>
#include <string>
#include <sys/mman.h>

namespace {
/// One mapping of /proc/self/smaps, with what decides whether to drop it.
struct Mapping {
  uintptr_t begin = 0, end = 0;
  bool compilerLibrary = false;
  bool dirty = false;
};
} // namespace

static bool isCompilerLibrary(const char *path) {
  return std::strstr(path, "/libLLVM") || std::strstr(path, "/libMLIR");
}

static void dropIfClean(const Mapping &mapping) {
  if (mapping.compilerLibrary && !mapping.dirty && mapping.end > mapping.begin)
    madvise(reinterpret_cast<void *>(mapping.begin),
            mapping.end - mapping.begin, MADV_DONTNEED);
}

void cnnc::releaseCompilerMemory() {
  malloc_trim(0);
  FILE *smaps = std::fopen("/proc/self/smaps", "r");
  if (!smaps)
    return;
  Mapping current;
  char line[4096];
  while (std::fgets(line, sizeof line, smaps)) {
    unsigned long begin, end;
    char perms[8] = {0};
    int pathStart = 0;
    // A mapping's header: "begin-end perms offset dev inode   path".
    if (std::sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &begin, &end, perms,
                    &pathStart) == 3) {
      dropIfClean(current);
      current = Mapping{begin, end, isCompilerLibrary(line + pathStart), false};
      // Writable mappings are never dropped, clean or not.
      current.dirty = perms[1] == 'w';
      continue;
    }
    unsigned long kilobytes = 0;
    if ((std::sscanf(line, "Private_Dirty: %lu kB", &kilobytes) == 1 ||
         std::sscanf(line, "Shared_Dirty: %lu kB", &kilobytes) == 1 ||
         std::sscanf(line, "Anonymous: %lu kB", &kilobytes) == 1) &&
        kilobytes > 0)
      current.dirty = true;
  }
  dropIfClean(current);
  std::fclose(smaps);
}
