# tools/gdb/kumiki.gdb — attach to QEMU started with -s -S (./kumiki debug).
#
# QEMU starts the CPU in 32-bit mode and its GDB stub changes the register
# layout when the CPU enters long mode, which confuses a GDB that connected
# earlier.  So: stop at kernel_main (64-bit) with a hardware breakpoint,
# then reconnect as x86-64.
set pagination off
set confirm off
set architecture i386:x86-64
target remote localhost:1234
hbreak kernel_main
continue
disconnect
set architecture i386:x86-64
target remote localhost:1234
echo \nkumiki: stopped at kernel_main.  Try: bt, break trap_from_user, continue\n
