"""Which file system a path lives on (SQLite must not run on a network share)."""
from __future__ import annotations

import os
from pathlib import Path

NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "9p",
    "fuse.sshfs", "sshfs", "davfs", "fuse.davfs2", "glusterfs", "fuse.glusterfs", "ceph",
    "fuse.rclone", "lustre", "gpfs",
})


def filesystem_type(path: Path, mounts_file: Path = Path("/proc/mounts")) -> str | None:
    """Return the type of the file system holding ``path`` (Linux), or None if unknown."""
    try:
        lines = mounts_file.read_text().splitlines()
    except OSError:
        return None
    target = Path(os.path.abspath(path))
    best: tuple[int, str] | None = None
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = Path(parts[1].replace("\\040", " "))
        if target == mount_point or mount_point in target.parents:
            depth = len(mount_point.parts)
            if best is None or depth > best[0]:
                best = (depth, parts[2])
    return best[1] if best else None


def is_network_filesystem(path: Path, mounts_file: Path = Path("/proc/mounts")) -> bool:
    fs = filesystem_type(path, mounts_file)
    return fs is not None and (fs in NETWORK_FILESYSTEMS or fs.startswith("nfs"))
