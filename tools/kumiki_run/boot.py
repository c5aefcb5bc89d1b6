"""How kumiki-run boots the Linux personality: the boot list and the QEMU command line.

The boot list (BUILD/personalities/linux/linux_run.boot, written by the build) names the
kernel on its first line, then the boot modules in order, one per line: the root task ELF,
the deployment manifest, the component ELFs.  A module line is a module command line,
"PATH [ARGS...]"; every PATH is absolute or relative to the build directory and has no spaces
(the kernel ends a module's name at the first space).  Blank lines and lines starting with '#'
are skipped.  The run's archive is the module whose basename is ARCHIVE_NAME: a module line
with that basename says where it goes (its path there is ignored); without one, it goes last.
"""
import os

ARCHIVE_NAME = "linux_root.tar"
HOSTLINK_PORT = 0xE9
# The kernel's EXIT_CODE_DONE (0x10) through isa-debug-exit: (0x10 << 1) | 1.
QEMU_STATUS_DONE = 33
QEMU_STATUS_PANIC = 35
# QEMU's status when the guest powered the machine off through ACPI (reboot(2) in the Linux
# personality, by way of the device-state server).
QEMU_STATUS_POWEROFF = 0
# The statuses of a run that ended as it should once the program's exit frame has arrived.
QEMU_STATUS_ENDED = (QEMU_STATUS_DONE, QEMU_STATUS_POWEROFF)


class BootError(ValueError):
    """The boot list or a boot file is missing or wrong; the message says which."""


def read_boot_list(path, build_dir):
    """(kernel path, module command lines) of the boot list; None in the modules marks the archive."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as error:
        raise BootError(f"cannot read the boot list '{path}': {error.strerror} "
                        "(is the Linux personality built? meson compile -C BUILD linux_run.boot)") from None
    except UnicodeDecodeError:
        raise BootError(f"the boot list '{path}' is not UTF-8 text") from None
    kernel = None
    modules = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        module_path, _, args = line.partition(" ")
        if kernel is not None and os.path.basename(module_path) == ARCHIVE_NAME:
            if None in modules:
                raise BootError(f"{path}:{number}: a second '{ARCHIVE_NAME}'")
            modules.append(None)
            continue
        full = os.path.join(build_dir, module_path)
        what = "boot module" if kernel is not None else "kernel"
        if not os.path.isfile(full):
            raise BootError(f"{path}:{number}: {what} '{full}' does not exist")
        if kernel is None:
            if args:
                raise BootError(f"{path}:{number}: the kernel line is a path only, no arguments")
            kernel = full
        else:
            modules.append(full + (" " + args if args else ""))
    if not any(m is not None for m in modules):
        raise BootError(f"the boot list '{path}' names no module (the kernel first, then the modules)")
    if None not in modules:
        modules.append(None)
    return kernel, modules


def initrd(modules, archive):
    """QEMU's -initrd value: modules (None = archive) joined by commas, commas doubled."""
    if " " in archive or os.path.basename(archive) != ARCHIVE_NAME:
        raise BootError(f"the archive path '{archive}' must end in '{ARCHIVE_NAME}' and have no spaces")
    return ",".join((archive if m is None else m).replace(",", ",,") for m in modules)


def qemu_command(qemu, kernel, modules, archive, serial_log, hostlink, memory="256M",
                 disk=None, icount=False, extra=()):
    """The QEMU command line of one run.  serial_log is the file COM1 writes to, or None: COM1 is
    QEMU's standard input and output (a console run: the caller drives the serial port)."""
    serial = "stdio" if serial_log is None else "file:" + serial_log
    cmd = [qemu, "-machine", "pc", "-m", memory, "-display", "none", "-no-reboot",
           "-serial", serial, "-monitor", "none", "-nic", "none",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-chardev", "file,id=hostlink,path=" + hostlink.replace(",", ",,"),
           "-device", f"isa-debugcon,iobase=0x{HOSTLINK_PORT:x},chardev=hostlink",
           "-kernel", kernel, "-initrd", initrd(modules, archive)]
    if disk:
        # Slot 5, as in the virtio_blk deployment; part 1 of the personality does not use it.
        cmd += ["-drive", "file=" + disk.replace(",", ",,") + ",if=none,id=disk0,format=raw",
                "-device", "virtio-blk-pci,drive=disk0,addr=0x5"]
    if icount:
        cmd += ["-icount", "shift=0,sleep=off"]
    return cmd + list(extra)
