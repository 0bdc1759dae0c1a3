#!/usr/bin/env python3
"""powerfs: a pass-through FUSE filesystem that can lose power, as a disk would.

    python powerfs.py BACKING MOUNT [--lose-synced]

Everything written through MOUNT goes to BACKING at once (reads see it, other processes see it,
mmap works through the page cache), but powerfs keeps an undo journal of what a disk would not
yet hold for certain:

- for each file (by inode), the old bytes and the old size of every range written or truncated
  since that file's last fsync or fdatasync (fdatasync counts as fsync: both drop the file's
  data records, size included);
- for each folder, the inverse of every create, mkdir, unlink, rmdir, rename, link and symlink
  in it since that folder's last fsync. A rename between two folders is kept only once both
  have been synced since. An unlinked file (or the file a rename replaced) is kept aside in a
  graveyard folder beside BACKING until its folder is synced, so a cut can bring it back; an
  open file that is unlinked stays readable and writable through its descriptors.

The control channel is powerfs's standard input and output, one line each way:

    freeze   every further operation on the mount fails with EIO (the power is gone); the
             answer `frozen` comes once no operation is in progress. The caller then SIGKILLs
             the programs that use the mount.
    cut      undoes everything unsynced, newest first, and answers one JSON line of what it
             undid ({"writes": n, "entries": n, "files": {name: unsynced bytes}, "failed": [...]}).
             Then the caller unmounts (umount MOUNT or fusermount -u MOUNT) and powerfs exits.
    stats    a JSON line of what is unsynced now, without changing anything.

`mounted` is printed once the mount is up. `--lose-synced` is a broken disk for checking the
checks: fsync and fsyncdir drop nothing, so a cut loses every write since the mount, synced or
not; a scenario run on it must fail.

What it does not model: a torn write inside one write() call (each write is undone whole or not
at all), reordering between unsynced writes (all of them are lost, never some), metadata other
than size and names (mode, owner, times pass through and are kept), and fallocate (fusepy 3.0.1
has no fallocate operation, so the kernel answers EOPNOTSUPP and posix_fallocate writes zeros,
which are journaled like any write). File locks (fcntl, flock) are left to the kernel, which
keeps them locally for a FUSE filesystem that does not implement them.

Leftover `.fuse_hidden*` files (libfuse's names for an unlinked file still open, when the cut
came before it was released) are removed at the next mount, as a real filesystem frees its
orphan inodes at mount.
"""

import errno
import json
import os
import stat
import sys
import threading

from fuse import FUSE, FuseOSError


class PowerFS:
    use_ns = True
    flag_nullpath_ok = 1

    def __init__(self, backing, graveyard, lose_synced=False):
        self.root = os.path.realpath(backing)
        self.graveyard = graveyard
        self.lose_synced = lose_synced
        self._mutex = threading.RLock()
        self.frozen = False
        self.journal = []  # newest last: ("data", ino, offset, old_bytes, old_size) or entry records
        self.held = {}  # ino -> a descriptor of the file (O_RDWR) kept while it has data records
        self.names = {}  # ino -> the last name it was written under, for the report
        self.buried = 0
        os.makedirs(graveyard, exist_ok=True)

    # -- plumbing ---------------------------------------------------------------------------

    def __call__(self, op, *args):
        if not hasattr(self, op):
            raise FuseOSError(errno.ENOSYS)
        with self._mutex:
            if self.frozen:
                raise FuseOSError(errno.EIO)
            try:
                return getattr(self, op)(*args)
            except OSError as error:
                raise FuseOSError(error.errno or errno.EIO)

    def _full(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def _dir_ino(self, full):
        return os.lstat(os.path.dirname(full.rstrip("/")) or "/").st_ino

    def _hold(self, ino, fd):
        if ino not in self.held:
            self.held[ino] = os.open(f"/proc/self/fd/{fd}", os.O_RDWR)
        return self.held[ino]

    def _data_record(self, fd, offset, length, name=None):
        """Before bytes [offset, offset+length) of fd's file change (or its size changes)."""
        st = os.fstat(fd)
        held = self._hold(st.st_ino, fd)
        old_size = st.st_size
        end = min(offset + length, old_size)
        old = os.pread(held, end - offset, offset) if end > offset else b""
        self.journal.append(("data", st.st_ino, offset, old, old_size))
        if name:
            self.names[st.st_ino] = os.path.basename(name)

    def _bury(self, full):
        """Moves a file aside instead of deleting it; returns its graveyard path."""
        self.buried += 1
        grave = os.path.join(self.graveyard, str(self.buried))
        os.rename(full, grave)
        return grave

    def _entry(self, kind, dirs, *details):
        self.journal.append(("entry", kind, set(dirs), *details))

    # -- the control channel ----------------------------------------------------------------

    def control(self, stdin, stdout):
        for line in stdin:
            command = line.strip()
            if command == "freeze":
                with self._mutex:
                    self.frozen = True
                stdout.write("frozen\n")
            elif command == "cut":
                with self._mutex:
                    self.frozen = True
                    report = self.cut()
                stdout.write(json.dumps(report) + "\n")
            elif command == "stats":
                with self._mutex:
                    stdout.write(json.dumps(self.pending()) + "\n")
            else:
                stdout.write(f"unknown command {command!r}\n")
            stdout.flush()

    def pending(self):
        files = {}
        writes = entries = 0
        for record in self.journal:
            if record[0] == "data":
                writes += 1
                name = self.names.get(record[1], str(record[1]))
                files[name] = files.get(name, 0) + max(len(record[3]), 1)
            else:
                entries += 1
        return {"writes": writes, "entries": entries, "files": files,
                "entry_kinds": sorted({r[1] + " " + os.path.basename(r[3]) for r in self.journal if r[0] == "entry"})}

    def cut(self):
        """Undoes every unsynced change, newest first."""
        report = self.pending()
        failed = []
        for record in reversed(self.journal):
            try:
                if record[0] == "data":
                    _, ino, offset, old, old_size = record
                    fd = self.held[ino]
                    os.ftruncate(fd, old_size)
                    if old:
                        os.pwrite(fd, old, offset)
                else:
                    self._undo_entry(record)
            except OSError as error:
                failed.append(f"{record[0]} {record[1]} {record[3] if record[0] == 'entry' else ''}: {error}")
        self.journal = []
        for fd in self.held.values():
            os.close(fd)
        self.held = {}
        report["failed"] = failed
        return report

    def _undo_entry(self, record):
        _, kind, _, full, *rest = record
        if kind == "created":
            if os.path.isdir(full) and not os.path.islink(full):
                import shutil
                shutil.rmtree(full)
            elif os.path.lexists(full):
                os.unlink(full)
        elif kind == "unlinked":
            os.rename(rest[0], full)
        elif kind == "rmdir":
            os.mkdir(full, rest[0])
        elif kind == "renamed":
            new, grave = rest
            os.rename(new, full)
            if grave:
                os.rename(grave, new)

    def _synced_dir(self, ino):
        if self.lose_synced:
            return
        kept = []
        for record in self.journal:
            if record[0] == "entry" and ino in record[2]:
                record[2].discard(ino)
                if not record[2]:
                    if record[1] == "unlinked" or (record[1] == "renamed" and record[5]):
                        grave = record[4] if record[1] == "unlinked" else record[5]
                        self._forget(grave)
                    continue
            kept.append(record)
        self.journal = kept

    def _forget(self, grave):
        try:
            if os.path.isdir(grave) and not os.path.islink(grave):
                os.rmdir(grave)
            else:
                os.unlink(grave)
        except OSError:
            pass

    def _synced_file(self, fd):
        if self.lose_synced:
            return
        ino = os.fstat(fd).st_ino
        self.journal = [r for r in self.journal if not (r[0] == "data" and r[1] == ino)]
        held = self.held.pop(ino, None)
        if held is not None:
            os.close(held)

    # -- file system operations -------------------------------------------------------------

    def init(self, path):
        print("mounted", flush=True)

    def getattr(self, path, fh=None):
        st = os.fstat(fh) if fh is not None else os.lstat(self._full(path))
        return {key: getattr(st, key) for key in (
            "st_mode", "st_nlink", "st_uid", "st_gid", "st_size", "st_atime_ns", "st_mtime_ns", "st_ctime_ns",
            "st_ino")} | {"st_atime": st.st_atime_ns, "st_mtime": st.st_mtime_ns, "st_ctime": st.st_ctime_ns}

    def access(self, path, amode):
        if not os.access(self._full(path), amode):
            raise FuseOSError(errno.EACCES)

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self._full(path))

    def readlink(self, path):
        return os.readlink(self._full(path))

    def statfs(self, path):
        st = os.statvfs(self._full(path))
        return {key: getattr(st, key) for key in (
            "f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files", "f_flag", "f_frsize",
            "f_namemax")}

    def chmod(self, path, mode):
        os.chmod(self._full(path), mode)

    def chown(self, path, uid, gid):
        os.chown(self._full(path), uid, gid)

    def utimens(self, path, times=None):
        os.utime(self._full(path), ns=times)

    def mkdir(self, path, mode):
        full = self._full(path)
        os.mkdir(full, mode)
        self._entry("created", {self._dir_ino(full)}, full)

    def rmdir(self, path):
        full = self._full(path)
        mode = stat.S_IMODE(os.lstat(full).st_mode)
        os.rmdir(full)
        self._entry("rmdir", {self._dir_ino(full)}, full, mode)

    def symlink(self, target, source):
        full = self._full(target)
        os.symlink(source, full)
        self._entry("created", {self._dir_ino(full)}, full)

    def link(self, target, source):
        full = self._full(target)
        os.link(self._full(source), full)
        self._entry("created", {self._dir_ino(full)}, full)

    def unlink(self, path):
        full = self._full(path)
        directory = self._dir_ino(full)
        grave = self._bury(full)
        self._entry("unlinked", {directory}, full, grave)

    def rename(self, old, new):
        old_full, new_full = self._full(old), self._full(new)
        dirs = {self._dir_ino(old_full), self._dir_ino(new_full)}
        grave = None
        if os.path.lexists(new_full):
            if os.path.isdir(new_full) and not os.path.islink(new_full):
                if os.listdir(new_full):
                    raise FuseOSError(errno.ENOTEMPTY)
            grave = self._bury(new_full)
        try:
            os.rename(old_full, new_full)
        except OSError:
            if grave:
                os.rename(grave, new_full)
            raise
        self._entry("renamed", dirs, old_full, new_full, grave)

    def create(self, path, mode, fi=None):
        full = self._full(path)
        existed = os.path.lexists(full)
        fd = os.open(full, os.O_RDWR | os.O_CREAT, mode)
        if not existed:
            self._entry("created", {self._dir_ino(full)}, full)
        return fd

    def open(self, path, flags):
        full = self._full(path)
        access = flags & os.O_ACCMODE
        # Always readable (the journal reads old bytes through it); never O_APPEND (the kernel
        # gives every write its offset) nor O_TRUNC (journaled below).
        fd = os.open(full, os.O_RDWR if access != os.O_RDONLY or os.access(full, os.W_OK) else os.O_RDONLY)
        if flags & os.O_TRUNC and access != os.O_RDONLY:
            self._truncate(fd, 0, path)
        return fd

    def read(self, path, size, offset, fh):
        return os.pread(fh, size, offset)

    def write(self, path, data, offset, fh):
        self._data_record(fh, offset, len(data), path)
        return os.pwrite(fh, data, offset)

    def _truncate(self, fd, length, path):
        size = os.fstat(fd).st_size
        if length < size:
            self._data_record(fd, length, size - length, path)
        elif length > size:
            self._data_record(fd, size, 0, path)
        os.ftruncate(fd, length)

    def truncate(self, path, length, fh=None):
        if fh is not None:
            self._truncate(fh, length, path)
            return
        fd = os.open(self._full(path), os.O_RDWR)
        try:
            self._truncate(fd, length, path)
        finally:
            os.close(fd)

    def flush(self, path, fh):
        return 0

    def release(self, path, fh):
        os.close(fh)

    def fsync(self, path, datasync, fh):
        self._synced_file(fh)

    def opendir(self, path):
        return 0

    def releasedir(self, path, fh):
        return 0

    def fsyncdir(self, path, datasync, fh):
        self._synced_dir(os.lstat(self._full(path)).st_ino)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.exit(__doc__)
    backing, mount = (os.path.abspath(a) for a in args)
    graveyard = backing.rstrip("/") + ".powerfs-graveyard"
    for directory, _, files in os.walk(backing):
        for name in files:
            if name.startswith(".fuse_hidden"):
                os.unlink(os.path.join(directory, name))
    fs = PowerFS(backing, graveyard, lose_synced="--lose-synced" in sys.argv)
    threading.Thread(target=fs.control, args=(sys.stdin, sys.stdout), daemon=True).start()
    FUSE(fs, mount, foreground=True, nothreads=False, default_permissions=True)


if __name__ == "__main__":
    main()
