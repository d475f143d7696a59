//===- Interrupt.cpp - Ctrl-C and kill, with nothing left behind ----------===//

#include "runtime/support/Interrupt.h"

#include <atomic>
#include <csignal>
#include <cstring>
#include <mutex>
#include <unistd.h>

using namespace cnnc;

namespace {

const int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

// A fixed table, so that the handler reads it without allocating or
// locking. A slot is Free, then Filling while its path is copied (the
// handler skips it), then Registered.
enum SlotState : int { Free, Filling, Registered };
constexpr int kSlots = 64;
constexpr size_t kPathBytes = 4096;
char slotPaths[kSlots][kPathBytes];
std::atomic<int> slotStates[kSlots];

std::atomic<int> stopScopes{0};
volatile std::sig_atomic_t receivedSignal = 0;

void removeTemporaries() {
  for (int i = 0; i < kSlots; ++i)
    if (slotStates[i].load() == Registered)
      unlink(slotPaths[i]);
}

extern "C" void onTerminatingSignal(int signal) {
  if (stopScopes.load() > 0 && receivedSignal == 0) {
    receivedSignal = signal;
    return;
  }
  removeTemporaries();
  // Die of the signal itself, so that the parent sees how the process
  // ended; the signal is blocked in its handler and arrives on return.
  struct sigaction fallback = {};
  fallback.sa_handler = SIG_DFL;
  sigemptyset(&fallback.sa_mask);
  sigaction(signal, &fallback, nullptr);
  raise(signal);
}

void installHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int signal : kSignals) {
      struct sigaction previous = {};
      sigaction(signal, nullptr, &previous);
      // A signal the caller ignores (nohup's SIGHUP) stays ignored.
      if (previous.sa_handler == SIG_IGN)
        continue;
      struct sigaction action = {};
      action.sa_handler = onTerminatingSignal;
      sigemptyset(&action.sa_mask);
      for (int other : kSignals)
        sigaddset(&action.sa_mask, other);
      action.sa_flags = SA_RESTART;
      sigaction(signal, &action, nullptr);
    }
  });
}

} // namespace

bool cnnc::registerTemporary(const char *path) {
  installHandlers();
  size_t length = std::strlen(path);
  if (length >= kPathBytes)
    return false;
  for (int i = 0; i < kSlots; ++i) {
    int expected = Free;
    if (!slotStates[i].compare_exchange_strong(expected, Filling))
      continue;
    std::memcpy(slotPaths[i], path, length + 1);
    slotStates[i].store(Registered);
    return true;
  }
  return false;
}

void cnnc::unregisterTemporary(const char *path) {
  for (int i = 0; i < kSlots; ++i)
    if (slotStates[i].load() == Registered &&
        std::strcmp(slotPaths[i], path) == 0) {
      slotStates[i].store(Free);
      return;
    }
}

StopRequest::StopRequest() {
  installHandlers();
  if (stopScopes.fetch_add(1) == 0)
    receivedSignal = 0;
}

StopRequest::~StopRequest() { stopScopes.fetch_sub(1); }

int StopRequest::signal() const { return receivedSignal; }

int cnnc::stopSignalReceived() { return receivedSignal; }

const char *cnnc::signalName(int signal) {
  switch (signal) {
  case SIGINT:
    return "SIGINT";
  case SIGTERM:
    return "SIGTERM";
  case SIGHUP:
    return "SIGHUP";
  default:
    return "a signal";
  }
}
