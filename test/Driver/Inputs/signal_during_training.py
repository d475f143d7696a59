"""Interrupts training runs the way a user or a scheduler does.

usage: signal_during_training.py SIGNAL CHECKPOINT -- COMMAND...
    Runs COMMAND (a `cnnc train ... --save CHECKPOINT` or an AOT trainer),
    waits until CHECKPOINT has been written once, lets the next epoch run
    a little, then sends SIGNAL (INT, TERM, HUP or KILL). Prints how the
    process ended; its stderr passes through.
usage: signal_during_training.py --storm N SIGNAL CHECKPOINT -- COMMAND...
    Runs COMMAND N times, each stopped by SIGNAL at a different moment
    after CHECKPOINT first appears (spread over the following 0.5 s, when
    checkpoints are being written), and prints how many runs ended by the
    signal as they should.
"""
import os, signal, subprocess, sys, time


def wait_for(path, process, deadline):
    while not os.path.exists(path):
        if process.poll() is not None or time.time() > deadline:
            return False
        time.sleep(0.002)
    return True


def interrupt(sig, checkpoint, command, delay, stderr=None):
    """The process's return code, or None if it ended by itself."""
    if os.path.exists(checkpoint):
        os.unlink(checkpoint)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
    if not wait_for(checkpoint, process, time.time() + 120):
        process.wait()
        return None
    time.sleep(delay)
    if process.poll() is not None:
        return None
    process.send_signal(sig)
    return process.wait()


def expected(sig):
    # cnnc stops between batches and exits with 128 + the signal, as a
    # shell reports a process killed by it; SIGKILL cannot be caught.
    return -sig if sig == signal.SIGKILL else 128 + sig


def main():
    args = sys.argv[1:]
    storm = 0
    if args[0] == "--storm":
        storm = int(args[1])
        args = args[2:]
    sig = getattr(signal, "SIG" + args[0])
    checkpoint = args[1]
    command = args[args.index("--") + 1:]
    if not storm:
        code = interrupt(sig, checkpoint, command, 0.3)
        print("ended by itself" if code is None else "exit code %d" % code)
        return
    good = 0
    for i in range(storm):
        code = interrupt(sig, checkpoint, command, 0.5 * i / storm,
                         stderr=subprocess.DEVNULL)
        good += code == expected(sig)
    print("%d of %d runs stopped by SIG%s" % (good, storm, args[0]))


main()
