"""Two "machines" on one host: two network namespaces joined by a veth pair.

Used by bench/run-distributed --two-hosts. `TwoHosts(rate)` is a context
manager that makes namespaces cnnc-a (10.77.0.1) and cnnc-b (10.77.0.2),
each end of the link shaped to `rate` with a token bucket filter (tbf: the
link's bandwidth, as a NIC's would be), and removes them on the way out,
whatever happened (an exception, Ctrl-C, SIGTERM). A namespace left over by
a run that was killed outright (SIGKILL) is removed when the next one
starts. Needs root (ip netns, tc).

`mpirun_command(...)` starts mpirun inside cnnc-a, with one rank there and
one in cnnc-b: Open MPI's rsh launcher starts its daemon on the "remote"
host through an agent script that runs it under `ip netns exec cnnc-b` (in
its own UTS namespace with another host name, so that Open MPI sees two
nodes), instead of ssh. Messages go over TCP on the veth link only
(btl tcp,self; both TCP components restricted to the link's subnet).
"""
import os, signal, subprocess, sys

NAMESPACES = ("cnnc-a", "cnnc-b")
ADDRESSES = ("10.77.0.1", "10.77.0.2")
SUBNET = "10.77.0.0/24"
DEVICES = ("veth-cnnc-a", "veth-cnnc-b")

AGENT = """#!/bin/sh
# Open MPI's rsh launcher calls this as ssh: AGENT [options] HOST COMMAND...
# The "remote" host is the other network namespace on this machine.
while [ $# -gt 0 ]; do
  case "$1" in
    -*) shift ;;
    *) break ;;
  esac
done
host="$1"; shift
case "$host" in
  {b}) ns={nsb} ;;
  *) ns={nsa} ;;
esac
exec ip netns exec "$ns" unshare --uts sh -c "hostname $ns; $*"
"""


RECEIVER = """
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5999)); s.listen(1)
print("ready", flush=True)
c, _ = s.accept()
start = None
while True:
    data = c.recv(1 << 20)
    if start is None:
        start = time.monotonic()
    if not data:
        break
print(time.monotonic() - start, flush=True)
"""

SENDER = """
import socket, sys
c = socket.create_connection((sys.argv[1], 5999))
block = bytes(1 << 20)
for _ in range(int(sys.argv[2])):
    c.sendall(block)
c.close()
"""


def run(*command):
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def remove():
    """Removes the namespaces (and with them the veth pair), if present."""
    present = subprocess.run(["ip", "netns", "list"], stdout=subprocess.PIPE,
                             text=True).stdout.split()
    for ns in NAMESPACES:
        if ns in present:
            subprocess.run(["ip", "netns", "delete", ns])


class TwoHosts:
    def __init__(self, rate, directory):
        self.rate = rate
        self.agent = os.path.join(directory, "netns-agent")

    def __enter__(self):
        remove()
        # SIGTERM (a timeout, a job killed) unwinds like Ctrl-C, so that
        # __exit__ removes the namespaces.
        self.previous = signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            self._create()
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def _create(self):
        for ns in NAMESPACES:
            run("ip", "netns", "add", ns)
        run("ip", "link", "add", DEVICES[0], "type", "veth", "peer", "name",
            DEVICES[1])
        for ns, device, address in zip(NAMESPACES, DEVICES, ADDRESSES):
            run("ip", "link", "set", device, "netns", ns)
            run("ip", "-n", ns, "addr", "add", address + "/24", "dev", device)
            run("ip", "-n", ns, "link", "set", device, "up")
            run("ip", "-n", ns, "link", "set", "lo", "up")
            # A small bucket (32 KB, 0.26 ms at 1 Gbit/s; tbf cuts larger
            # GSO segments to fit): a step's messages come after some
            # milliseconds of silence, and a large bucket would let the
            # first of them through at memory speed, as no NIC does.
            run("tc", "-n", ns, "qdisc", "add", "dev", device, "root", "tbf",
                "rate", self.rate, "burst", "32kb", "latency", "50ms")
        with open(self.agent, "w") as f:
            f.write(AGENT.format(b=ADDRESSES[1], nsa=NAMESPACES[0],
                                 nsb=NAMESPACES[1]))
        os.chmod(self.agent, 0o755)

    def __exit__(self, *exc):
        remove()
        signal.signal(signal.SIGTERM, self.previous)
        return False

    def measure(self, megabytes=64):
        """The link's TCP throughput from cnnc-a to cnnc-b, in Gbit/s."""
        receiver = subprocess.Popen(
            ["ip", "netns", "exec", NAMESPACES[1], sys.executable, "-c",
             RECEIVER, ADDRESSES[1]], stdout=subprocess.PIPE, text=True)
        ready = receiver.stdout.readline()
        assert ready.strip() == "ready", ready
        subprocess.run(["ip", "netns", "exec", NAMESPACES[0], sys.executable,
                        "-c", SENDER, ADDRESSES[1], str(megabytes)],
                       check=True)
        seconds = float(receiver.stdout.readline())
        receiver.wait()
        return megabytes * 8e6 * 1.048576 / seconds / 1e9

    def mpirun_command(self, program, environment=()):
        """mpirun inside cnnc-a, one rank per namespace, over TCP on the
        veth link."""
        command = ["ip", "netns", "exec", NAMESPACES[0], "mpirun",
                   "--host", f"{ADDRESSES[0]}:1,{ADDRESSES[1]}:1", "-np", "2",
                   "--bind-to", "none",
                   "--mca", "plm_rsh_agent", self.agent,
                   "--mca", "btl", "tcp,self",
                   "--mca", "btl_tcp_if_include", SUBNET,
                   "--mca", "oob_tcp_if_include", SUBNET]
        for name in environment:
            command += ["-x", name]
        return command + program


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt
