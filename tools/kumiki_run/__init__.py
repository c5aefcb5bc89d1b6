"""kumiki_run: the pieces of tools/kumiki-run (running a static Linux program under Kumiki).

    program   what is accepted as the program: a static x86_64 ELF
    rootfs    the root file system archive (linux_root.tar) the personality loads
    hostlink  the framed stdout/stderr/exit stream the personality writes to port 0xe9
    boot      the QEMU command line and the boot list (kernel, modules)
    console   a console run: QEMU's COM1 on pipes, typed on and read from the host
"""
