"""Hyper-V Replica benchmark: initial replication of a 1 GiB disk between two hosts on loopback, against `cp`
of a 1 GiB file (+ sync) measured in the same run, then one delta cycle after changing 1 % of the blocks.

Two `wmilab serve` hosts (WMILAB-HV01 primary, WMILAB-HV02 recovery) load Benchmarks/replica-lab.mof, whose
VMs bench01 and bench02 each have a 1 GiB disk in 64 KiB blocks. bench01 replicates with CompressionEnabled
true, bench02 with it false. Every call goes through pypsrp exactly as Tests/Interop/multihost.py drives it.

Measured per VM:
- initial replication: wall time from StartReplication (InitialReplicationType 1) to its Msvm_ConcreteJob
  reaching JobState 7 (polled every 50 ms), as MiB/s and as a share of `cp`;
- delta: 1 % of the blocks rewritten (WriteData of whole blocks at spread offsets) right after a cycle ends;
  the growth of Msvm_ReplicationStatistics.ReplicationSize (block bytes the engine counts as shipped) and the
  TCP bytes the primary exchanged with the recovery host meanwhile (kernel counters read with `ss`), each
  against the changed bytes;
- the two disks' GetDigest, which must agree; the servers' peak RSS (VmHWM).

Filling the disks is not measured: by default the disks are written before the primary first starts, with
`wmilab disk write` into the data directory (the primary then checks the digest it reports against the input);
--fill wsman writes them with WriteData instead (slow).

Usage: python3 Benchmarks/replica.py --bin .build/release/wmilab [--size-mib 1024] [--time-scale 2]
"""
import argparse
import concurrent.futures
import hashlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "Interop"))

from conftest import Server, _free_port  # noqa: E402
from lab import RS, Lab  # noqa: E402
from multihost import REPLICATING, Replica  # noqa: E402

PRIMARY, RECOVERY = "WMILAB-HV01", "WMILAB-HV02"
SECRET = "bench-secret"
BLOCK = 65536
MIB = 1 << 20
LAB = ROOT / "Benchmarks" / "replica-lab.mof"
# (VM, CompressionEnabled)
RUNS = [("bench01", True), ("bench02", False)]
JOB_POLL = 0.05
# Each WriteData of the fill carries 256 KiB (its envelope stays under the server's 512,000-byte limit).
FILL_CHUNK = 256 * 1024


def log(text):
    print(text, flush=True)


def device_of(vm):
    return f"C:\\ProgramData\\wmilab\\Virtual Hard Disks\\{vm}.vhdx"


def disk_directory_name(device):
    """The block-store directory a host keeps a DeviceID's disk in (under <data>/disks): the case-folded
    DeviceID with every character but a-z, 0-9, '.' and '-' replaced by '_', plus '.disk'."""
    return re.sub(r"[^a-z0-9.-]", "_", device.lower()) + ".disk"


def peak_rss_mib(server):
    try:
        for line in Path(f"/proc/{server.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def cpu_seconds(server):
    """User + system CPU time the server has used so far."""
    try:
        fields = Path(f"/proc/{server.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def tcp_bytes(port):
    """Local address → bytes sent + received, for every TCP socket connected to 127.0.0.1:`port`."""
    out = subprocess.run(["ss", "-tinH", f"( dport = :{port} )"], capture_output=True, text=True).stdout
    found, local = {}, None
    for line in out.splitlines():
        if not line.startswith((" ", "\t")):
            fields = line.split()
            local = fields[-2] if len(fields) >= 2 else None
            continue
        sent = re.search(r"bytes_sent:(\d+)", line)
        received = re.search(r"bytes_received:(\d+)", line)
        if local:
            found[local] = (int(sent.group(1)) if sent else 0) + (int(received.group(1)) if received else 0)
    return found


class WireMeter:
    """Bytes exchanged over TCP with one port since `start`, from samples of the kernel's per-socket
    counters; a connection that closes between two samples loses what it carried after the last one."""

    def __init__(self, port):
        self.port = port
        self.base = tcp_bytes(port)
        self.seen = dict(self.base)

    def sample(self):
        for local, count in tcp_bytes(self.port).items():
            self.seen[local] = max(count, self.seen.get(local, 0))

    def total(self):
        self.sample()
        return sum(count - self.base.get(local, 0) for local, count in self.seen.items())


def cp_reference(work, source, size):
    target = work / "cp.out"
    start = time.perf_counter()
    subprocess.run(["cp", str(source), str(target)], check=True)
    subprocess.run(["sync", str(target)], check=True)
    seconds = time.perf_counter() - start
    target.unlink()
    return size / MIB / seconds


def make_input(path, size):
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        left = size
        while left:
            piece = os.urandom(min(left, 8 * MIB))
            f.write(piece)
            digest.update(piece)
            left -= len(piece)
    return digest.hexdigest()


def fill_offline(binary, data_dir, source, size):
    disks = data_dir / "disks"
    disks.mkdir(parents=True, exist_ok=True)
    for vm, _ in RUNS:
        path = disks / disk_directory_name(device_of(vm))
        subprocess.run([binary, "disk", "create", str(path), "--size", str(size), "--block-size", str(BLOCK)],
                       check=True)
        subprocess.run([binary, "disk", "write", str(path), "--offset", "0", "--from", str(source)], check=True,
                       stderr=subprocess.DEVNULL)


def fill_wsman(server, device, source, size):
    """WriteData of the whole input, from four connections at once."""
    def write_range(first, last):
        replica = Replica(Lab(server), PRIMARY)
        with open(source, "rb") as f:
            for offset in range(first, last, FILL_CHUNK):
                f.seek(offset)
                replica.write(device, offset, f.read(min(FILL_CHUNK, last - offset)))

    quarter = -(-size // 4 // FILL_CHUNK) * FILL_CHUNK
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        ranges = [(i * quarter, min(size, (i + 1) * quarter)) for i in range(4) if i * quarter < size]
        for future in [pool.submit(write_range, a, b) for a, b in ranges]:
            future.result()


def statistics(replica, guid):
    stats = replica.statistics(guid)[0]
    return int(stats["ReplicationSuccessCount"] or 0), int(stats["ReplicationSize"] or 0)


def wait_until(predicate, what, timeout, step):
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.time() > deadline:
            raise RuntimeError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(step)


def initial_replication(primary, guid, timeout):
    """Seconds from StartReplication to its job's JobState 7."""
    start = time.perf_counter()
    rv, out = primary.start_replication(guid, kind=1)
    if rv != 4096:
        raise RuntimeError(f"StartReplication returned {rv}")
    job_epr = out.find("{%s}Job" % RS)
    if job_epr is None:
        raise RuntimeError("StartReplication answered 4096 without a Job")
    deadline = time.time() + timeout
    while True:
        job = primary.job(job_epr)
        state = int(job["JobState"])
        if state not in (2, 3, 4, 5, 6):
            break
        if time.time() > deadline:
            raise RuntimeError(f"initial replication still running after {timeout} s")
        time.sleep(JOB_POLL)
    seconds = time.perf_counter() - start
    if state != 7:
        raise RuntimeError(f"initial replication job ended in JobState {state}: {job.get('ErrorDescription')}")
    return seconds


class Profiler:
    """`perf record` of each server while a block runs (--profile DIR), one file per host and VM."""

    def __init__(self, directory, servers, tag):
        self.directory, self.servers, self.tag = directory, servers, tag
        self.procs = []

    def __enter__(self):
        if self.directory:
            for name, server in self.servers.items():
                out = Path(self.directory) / f"{self.tag}-{name}.perf.data"
                self.procs.append(subprocess.Popen(
                    ["perf", "record", "-q", "-e", "task-clock", "-F", "999", "-g", "-p", str(server.proc.pid),
                     "-o", str(out)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            time.sleep(0.5)  # perf attaches
        return self

    def __exit__(self, *exc):
        for proc in self.procs:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=60)
        if self.directory:
            log(f"  profiles: perf report -i {self.directory}/{self.tag}-<host>.perf.data --no-children")


def delta_cycle(primary, guid, device, size, recovery_port, interval_wall):
    """Rewrites 1 % of the blocks right after a cycle ends and waits until the engine shipped them.
    Returns (changed bytes, ReplicationSize growth, TCP bytes, cycles)."""
    count0, _ = statistics(primary, guid)
    wait_until(lambda: statistics(primary, guid)[0] > count0, "a replication cycle", interval_wall * 3 + 30, 0.05)
    count1, size1 = statistics(primary, guid)
    meter = WireMeter(recovery_port)
    blocks = size // BLOCK
    changes = max(1, blocks // 100)
    # Spread over the disk: a stride that is not a multiple of anything small, modulo the block count.
    indices = sorted({(i * 7919) % blocks for i in range(1, changes + 1)})
    started = time.time()
    for index in indices:
        primary.write(device, index * BLOCK, os.urandom(BLOCK))
    writing = time.time() - started
    if writing > interval_wall * 0.8:
        log(f"  note: writing the changes took {writing:.1f} s of a {interval_wall:.1f} s interval")
    changed = len(indices) * BLOCK

    def shipped():
        meter.sample()
        return statistics(primary, guid)[1] - size1 >= changed

    wait_until(shipped, "the delta to be shipped", interval_wall * 3 + 30, 0.05)
    count2, size2 = statistics(primary, guid)
    return changed, size2 - size1, meter.total(), count2 - count1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=str(ROOT / ".build" / "release" / "wmilab"))
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--time-scale", type=float, default=2.0,
                        help="lab seconds per wall second; the 30 s ReplicationInterval lasts 30/scale s")
    parser.add_argument("--fill", choices=["disk", "wsman"], default="disk")
    parser.add_argument("--profile", metavar="DIR", help="perf record both servers during initial replication")
    parser.add_argument("--only", choices=[vm for vm, _ in RUNS], help="replicate only this VM")
    args = parser.parse_args()
    args.bin = os.path.abspath(args.bin)
    os.environ["WMILAB_BIN"] = args.bin
    size = args.size_mib * MIB
    interval_wall = 30 / args.time_scale
    runs = [r for r in RUNS if args.only in (None, r[0])]

    with tempfile.TemporaryDirectory(prefix="wmilab-replbench-") as tmp:
        work = Path(tmp)
        lab_file = work / "lab.mof"
        lab_file.write_text(LAB.read_text().replace("SizeBytes = 1073741824", f"SizeBytes = {size}"))
        source = work / "input"
        expected = make_input(source, size)
        ports = {PRIMARY: _free_port(), RECOVERY: _free_port()}
        dirs = {}
        for name in ports:
            (work / name).mkdir()
            dirs[name] = work / name / "data"
        if args.fill == "disk":
            fill_offline(args.bin, dirs[PRIMARY], source, size)

        servers = {}
        try:
            for name, port in ports.items():
                other = RECOVERY if name == PRIMARY else PRIMARY
                servers[name] = Server(dirs[name], port=port, extra_args=[
                    "--no-default-lab", "--lab", str(lab_file), "--host-name", name, "--time-scale",
                    str(args.time_scale), "--peer", f"{other}=127.0.0.1:{ports[other]}",
                    "--replication-secret", SECRET, "--log-level", "error"])
            primary = Replica(Lab(servers[PRIMARY]), PRIMARY)
            recovery = Replica(Lab(servers[RECOVERY]), RECOVERY)
            recovery.enable_recovery_server()
            if args.fill == "wsman":
                for vm, _ in runs:
                    fill_wsman(servers[PRIMARY], device_of(vm), source, size)
            with concurrent.futures.ThreadPoolExecutor(len(runs)) as pool:
                have = list(pool.map(lambda run: primary.digest(device_of(run[0])), runs))
            if any(h != expected for h in have):
                raise RuntimeError(f"the primary's disks do not hold the input ({have} != {expected})")
            log(f"disk: {args.size_mib} MiB of random data in {BLOCK // 1024} KiB blocks on each VM; "
                f"ReplicationInterval 30 s = {interval_wall:.1f} s wall")

            failed = False
            for vm, compression in runs:
                label = f"compression {'on' if compression else 'off'}"
                guid = primary.find_vm(vm)
                device = primary.disk_device(guid)
                job = primary.enable_replication(guid, RECOVERY, compression=compression)
                if job["JobState"] != "7":
                    raise RuntimeError(f"CreateReplicationRelationship: {job}")
                cp_rate = cp_reference(work, source, size)
                cpu = {name: cpu_seconds(server) for name, server in servers.items()}
                with Profiler(args.profile, servers, vm):
                    seconds = initial_replication(primary, guid, timeout=max(600, size / MIB))
                cpu = {name: cpu_seconds(server) - cpu[name] for name, server in servers.items()}
                rate = size / MIB / seconds
                log(f"{vm} ({label}): initial replication {rate:.0f} MiB/s ({seconds:.2f} s); "
                    f"cp + sync {cp_rate:.0f} MiB/s; ratio {100 * rate / cp_rate:.0f} % of cp (goal >= 60 %)")
                log(f"  CPU used meanwhile: {PRIMARY} {cpu[PRIMARY]:.2f} s, {RECOVERY} {cpu[RECOVERY]:.2f} s")
                primary.wait_for_state(guid, REPLICATING, timeout=60)
                recovery.wait_for_state(guid, REPLICATING, timeout=60)
                replica_device = recovery.disk_device(guid)

                changed, counted, wire, cycles = delta_cycle(
                    primary, guid, device, size, ports[RECOVERY], interval_wall)
                log(f"{vm} ({label}): delta of {changed // BLOCK} changed blocks ({changed} bytes) in {cycles} "
                    f"cycle(s): ReplicationSize +{counted} ({counted / changed:.4f}x), "
                    f"TCP bytes to/from the recovery host {wire} ({wire / changed:.4f}x) (goal <= 1.05x)")

                with concurrent.futures.ThreadPoolExecutor(2) as pool:
                    a, b = pool.map(lambda d: d[0].digest(d[1]), [(primary, device), (recovery, replica_device)])
                if a != b:
                    log(f"{vm}: DIGESTS DIFFER: primary {a}, replica {b}")
                    failed = True
                else:
                    log(f"{vm}: primary and replica digests equal ({a[:16]}…)")
            log(f"peak RSS: {PRIMARY} {peak_rss_mib(servers[PRIMARY]):.0f} MiB, "
                f"{RECOVERY} {peak_rss_mib(servers[RECOVERY]):.0f} MiB")
            dead = [name for name, server in servers.items() if not server.alive()]
            if dead:
                raise RuntimeError(f"hosts died during the benchmark: {dead}")
            return 1 if failed else 0
        finally:
            for server in servers.values():
                if server.alive():
                    server.stop()
                else:
                    server.log.close()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as error:
        sys.exit(f"replica benchmark failed: {error}")
