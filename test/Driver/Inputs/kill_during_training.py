"""Kills a training run with SIGKILL in the middle of an epoch.

usage: kill_during_training.py CHECKPOINT -- COMMAND...
Runs COMMAND (a `cnnc train ... --save CHECKPOINT` or an AOT trainer),
waits until CHECKPOINT has been written once (the first epoch is over),
lets the next epoch run a little, then sends SIGKILL. Prints what it saw;
exits 1 if the run ended before it could be killed mid-epoch.
"""
import os, signal, subprocess, sys, time

checkpoint = sys.argv[1]
command = sys.argv[sys.argv.index("--") + 1:]
process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
deadline = time.time() + 120
while not os.path.exists(checkpoint):
    if process.poll() is not None or time.time() > deadline:
        print("the run ended before its first checkpoint")
        sys.exit(1)
    time.sleep(0.01)
first = os.stat(checkpoint).st_mtime_ns
time.sleep(0.3)
if process.poll() is not None:
    print("the run ended before it could be killed")
    sys.exit(1)
process.send_signal(signal.SIGKILL)
process.wait()
print("killed mid-run:", process.returncode == -signal.SIGKILL)
