//===- Interrupt.h - Ctrl-C and kill, with nothing left behind --*- C++ -*-===//
//
// SIGINT, SIGTERM and SIGHUP end a cnnc process the usual way (killed by
// the signal, so a shell sees 130 / 143 / 129), but first remove the
// temporaries of outputs being written (AtomicFile's `.NAME.tmp-PID-N`),
// which would otherwise be left beside the user's files.
//
// A training loop asks for more: inside a StopRequest scope the first such
// signal only sets a flag, which the loop polls between batches, so that it
// can finish the checkpoint it may be writing, say where it stopped and
// write the metrics of the epochs it completed. A second signal ends the
// process at once, as above.
//
// Everything the handler touches is async-signal-safe: a fixed table of
// paths, unlink(), sigaction(), raise().
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_SUPPORT_INTERRUPT_H
#define CNNC_RUNTIME_SUPPORT_INTERRUPT_H

namespace cnnc {

/// Removes `path` if a signal ends the process before unregisterTemporary
/// (installs the handlers on first use). False when the table is full (the
/// file is then only not cleaned up on a signal).
bool registerTemporary(const char *path);
void unregisterTemporary(const char *path);

/// While one is alive, the first SIGINT/SIGTERM/SIGHUP is recorded instead
/// of ending the process.
class StopRequest {
public:
  StopRequest();
  ~StopRequest();
  StopRequest(const StopRequest &) = delete;
  StopRequest &operator=(const StopRequest &) = delete;

  /// The signal received, or 0.
  int signal() const;
};

/// What StopRequest::signal() says, for code that waits deep inside a
/// training loop (on other MPI ranks) without the loop's StopRequest.
int stopSignalReceived();

/// "SIGINT", "SIGTERM", "SIGHUP".
const char *signalName(int signal);

} // namespace cnnc

#endif // CNNC_RUNTIME_SUPPORT_INTERRUPT_H
