"""Initial replication without the network: export to a directory and import on the recovery host
(Start-VMInitialReplication -DestinationPath / Import-VMInitialReplication), and seeded from a copy of
the disk already on the recovery host (-UseBackup)."""
import os

from multihost import PRIMARY, REPLICA, REPLICATING, WAITING_IR, digests, lab_fixture, wait_for_digest

HV01, HV02 = "WMILAB-HV01", "WMILAB-HV02"
BLOCK = 64 * 1024

hosts = lab_fixture(HV01, HV02, recovery_servers=(HV02,))


def test_export_then_import_the_initial_replica(hosts, tmp_path):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = hv01.find_vm("app01")
    device = hv01.disk_device(guid)
    hv01.write(device, 3 * BLOCK + 5, os.urandom(500_000))
    job = hv01.enable_replication(guid, HV02, compression=False)
    assert job["JobState"] == "7", job
    assert hv01.rsd(guid)["CompressionEnabled"] == "false"

    export = tmp_path / "export"
    export.mkdir()
    rv, out = hv01.start_replication(guid, kind=2, export_location=str(export))
    assert rv == 4096
    job = hv01.wait_job(out)
    assert job["JobState"] == "7", job
    assert hv01.state(guid) == (PRIMARY, WAITING_IR)  # until the replica imports
    vm_dir = export / f"app01_{guid}"
    assert vm_dir.is_dir(), sorted(p.name for p in export.iterdir())
    files = [p for p in vm_dir.rglob("*") if p.is_file()]
    assert any("manifest" in p.name.lower() for p in files), files
    assert sum(p.stat().st_size for p in files if "manifest" not in p.name.lower()) >= 500_000
    assert hv02.state(guid) == (REPLICA, WAITING_IR)

    job = hv02.service_ok("ImportInitialReplica", ("ComputerSystem", hv02.vm_epr(guid)),
                          ("InitialReplicationImportLocation", str(vm_dir)))
    assert int(job["ErrorCode"] or 0) == 0, job
    hv01.wait_for_state(guid, REPLICATING)
    hv02.wait_for_state(guid, REPLICATING)
    primary_digest, replica_digest = digests((hv01, device), (hv02, hv02.disk_device(guid)))
    assert replica_digest == primary_digest


def test_seeded_initial_replication_ships_only_what_differs(hosts):
    hv01, hv02 = hosts[HV01].replica, hosts[HV02].replica
    guid = hv01.find_vm("db01")
    job = hv01.enable_replication(guid, HV02)
    assert job["JobState"] == "7", job
    primary_device, replica_device = hv01.disk_device(guid), hv02.disk_device(guid)

    # The recovery host's copy restored from a backup: the same 8 MiB, then the primary moves on by one block.
    common = os.urandom(8 * 1024 * 1024)
    for offset in range(0, len(common), 1024 * 1024):
        chunk = common[offset:offset + 1024 * 1024]
        hv01.write(primary_device, 16 * BLOCK + offset, chunk)
        hv02.write(replica_device, 16 * BLOCK + offset, chunk)
    differing = (500 * BLOCK, os.urandom(BLOCK))
    hv01.write(primary_device, *differing)
    assert hv02.read(replica_device, 16 * BLOCK, 4096) == common[:4096]

    rv, out = hv01.start_replication(guid, kind=3)
    assert rv == 4096
    job = hv01.wait_job(out)
    assert job["JobState"] == "7", job
    hv01.wait_for_state(guid, REPLICATING)
    hv02.wait_for_state(guid, REPLICATING)
    wait_for_digest(hv01, primary_device, hv02, replica_device, probes=[differing])
    stats = hv01.statistics(guid)[0]
    assert stats["ReplicationSize"] is not None, stats
    assert int(stats["ReplicationSize"]) < len(common) // 8, stats  # one differing block, not the 8 MiB

