//===- WithoutMpi.cpp - joinProcessGroup in a build without MPI -----------===//
//
// Linked instead of MpiGroup.cpp when cnnc was built without Open MPI (or
// into an AOT trainer linked with libcnnc_trainer.a): every process trains
// alone, and one that mpirun started says how to get MPI support rather
// than training N copies of the same run.
//
//===----------------------------------------------------------------------===//

#include "runtime/distributed/ProcessGroup.h"

using namespace cnnc;

ProcessGroup *cnnc::joinProcessGroup(const std::string &programName,
                                     std::string &error) {
  if (!launchedByMpi())
    return &singleProcess();
  error = "mpirun started " + programName + ", but it was built without MPI: " +
          (programName == "cnnc"
               ? std::string("install Open MPI (apt-get install "
                             "libopenmpi-dev openmpi-bin) and rebuild cnnc "
                             "(CMake option CNNC_MPI, on when Open MPI is "
                             "found)")
               : std::string("link it with libcnnc_trainer_mpi.a -lmpi "
                             "instead of libcnnc_trainer.a (docs/cli.md §7)"));
  return nullptr;
}
