"""The one description of Kumiki's kernel ABI.

Everything the kernel and user space must agree on that is a number or a
list of arguments is written here once: error codes, system-call numbers,
object types and their sizes, invocation labels with their arguments and
results, fault labels with their message layouts, and message limits.
gen_abi.py turns it into C headers for both sides (kernel decoders and user
stubs).  Hand-written C may only use the generated names.

An invocation is a Call on an object's capability: label = the method's
label, message words = its `word` arguments in order, extra capabilities =
its `cap` arguments in order.  The reply: rax = error code (0 = success),
message words = its `out` results in order.
"""

# name, value, meaning
ERRORS = [
    ("OK", 0, "success"),
    ("INVALID_ARGUMENT", 1, "an argument is not one of the allowed values"),
    ("INVALID_CAPABILITY", 2, "no capability at that address, or the slot is empty"),
    ("ILLEGAL_OPERATION", 3, "the object cannot do that now"),
    ("RANGE", 4, "a value is out of range"),
    ("ALIGNMENT", 5, "an address or size is not aligned"),
    ("FAILED_LOOKUP", 6, "capability address lookup failed (guard or depth mismatch, or not a CNode)"),
    ("TRUNCATED_MESSAGE", 7, "the message has fewer words or capabilities than the invocation needs"),
    ("DELETE_FIRST", 8, "the destination slot is occupied"),
    ("REVOKE_FIRST", 9, "the object still has derived capabilities or children"),
    ("NOT_ENOUGH_MEMORY", 10, "the untyped region has too little free space"),
    ("BAD_ADDRESS", 11, "user memory not mapped or not accessible"),
    ("UNKNOWN_SYSCALL", 12, "no such system call"),
    ("WRONG_TYPE", 13, "the capability is of the wrong type for this operation"),
    ("MISSING_RIGHT", 14, "the capability lacks a right the operation needs"),
    ("BAD_SIZE", 15, "an object size is not allowed"),
    ("UNKNOWN_INVOCATION", 16, "the object has no method with that label"),
    ("ALREADY_MAPPED", 17, "the frame or table is already mapped (or the slot in the table is taken)"),
    ("NOT_MAPPED", 18, "a needed page-table level is missing, or the object is not mapped"),
    ("CANCELLED", 19, "the IPC was cancelled: the endpoint or partner went away"),
    ("WOULD_BLOCK", 20, "a non-blocking receive found nothing"),
    ("NO_REPLY", 21, "there is no caller to reply to"),
]

# name, number, meaning.  Register use: rax = number in / error out;
# rdi = capability address in / badge out; rsi = message info in/out;
# rdx, r10, r8, r9 = message words 0-3 in/out; the rest in the IPC buffer.
SYSCALLS = [
    ("CALL", 1, "send on an endpoint (or invoke an object) and wait for the reply"),
    ("REPLY_RECV", 2, "reply to the caller, then wait on the endpoint"),
    ("SEND", 3, "send on an endpoint (blocking), signal a notification, or invoke without reply"),
    ("NB_SEND", 4, "send if a receiver waits, else drop the message"),
    ("RECV", 5, "wait for a message on an endpoint, or for a notification"),
    ("NB_RECV", 6, "receive if a message or signal is pending, else WOULD_BLOCK"),
    ("YIELD", 7, "give the rest of the time slice to the next thread of the same priority"),
    ("REPLY", 8, "reply to the caller without waiting"),
    ("SIGNAL", 9, "signal a notification (same as SEND on it)"),
    ("WAIT", 10, "wait on a notification (same as RECV on it)"),
    ("POLL", 11, "read and clear a notification without blocking (same as NB_RECV on it)"),
    ("DEBUG_WRITE", 64, "(buffer rdi, length rsi) bytes to the kernel console"),
    ("DEBUG_EXIT", 65, "(status rdi) report the program's end (test programs)"),
    ("DEBUG_NULL", 66, "do nothing: the cost of a kernel round trip"),
    ("DEBUG_TICKS", 67, "rdi = timer ticks since boot"),
    ("DEBUG_BOOT_TSC", 68, "rdi = rdtsc at the first kernel instruction"),
    ("DEBUG_TICK_HZ", 69, "rdi = timer ticks per second"),
    ("DEBUG_CAP_IDENTIFY", 70, "(capability address rdi) rdi = its object type, 0 if empty"),
    ("DEBUG_HALT", 71, "(code rdi) end the QEMU run through isa-debug-exit"),
    ("DEBUG_CONSOLE_READ", 73, "(buffer rdi, length rsi, notification capability rdx or 0) once a serial "
     "driver holds COM1: copy waiting console text out (rdi = bytes, rsi = bytes lost to a full ring) and "
     "signal that notification whenever more arrives"),
    ("DEBUG_IDLE_TSC", 74, "rdi = time stamp counts the CPU spent halted since boot (benchmarks of I/O "
     "subtract it: under -icount the counter runs on while the CPU waits for a device)"),
    ("DEBUG_SLOT_INFO", 72, "(CNode capability rdi, slot index rsi) describe the capability in that slot: "
     "rdi = type | rights << 8 | size_bits << 16 | guard_bits << 24, rsi = its data word (badge, guard, "
     "watermark, IRQ line, port range), rdx = its object's address (the runtime audit compares these)"),
]

# Object types.  name, number, size_bits (None: chosen at retype time),
# retypable from untyped memory, meaning.
OBJECTS = [
    ("NULL", 0, None, False, "an empty slot"),
    ("UNTYPED", 1, None, True, "free memory, 2^size_bits bytes (size_bits 4..47)"),
    ("TCB", 2, 11, True, "a thread control block"),
    ("ENDPOINT", 3, 5, True, "a synchronous IPC rendezvous"),
    ("NOTIFICATION", 4, 5, True, "a word of signal bits"),
    ("CNODE", 5, None, True, "2^size_bits capability slots of 2^6 bytes (size_bits 1..24)"),
    ("FRAME", 6, 12, True, "a 4 KiB page"),
    ("LARGE_FRAME", 7, 21, True, "a 2 MiB page"),
    ("PAGE_TABLE", 8, 12, True, "maps 2 MiB with 4 KiB pages"),
    ("PAGE_DIRECTORY", 9, 12, True, "maps 1 GiB with page tables or 2 MiB pages"),
    ("PDPT", 10, 12, True, "maps 512 GiB with page directories"),
    ("PML4", 11, 12, True, "an address space (VSpace) root"),
    ("IRQ_CONTROL", 12, None, False, "the authority to create IRQ handler capabilities"),
    ("IRQ_HANDLER", 13, None, False, "one interrupt line"),
    ("IOPORT_CONTROL", 14, None, False, "the authority to create I/O port capabilities"),
    ("IOPORT", 15, None, False, "a range of I/O ports"),
    ("REPLY", 16, None, False, "a one-shot right to reply to a caller (from CNODE SAVE_CALLER)"),
]

# Capability rights bits.
RIGHTS = [
    ("WRITE", 1, "send on an endpoint, signal a notification, write a frame"),
    ("READ", 2, "receive on an endpoint, wait on a notification, read a frame"),
    ("GRANT", 4, "transfer capabilities through an endpoint"),
    ("GRANT_REPLY", 8, "let the receiver reply to a Call (and grant through the reply)"),
    ("EXECUTE", 16, "map a frame executable"),
]

FPU_STATE_WORDS = 64  # the FXSAVE64 image: 512 bytes (FPU_STATE_BYTES below)

LIMITS = [
    ("MSG_MAX_WORDS", 120, "message words per message"),
    ("MSG_REGISTER_WORDS", 4, "message words passed in CPU registers"),
    ("MSG_MAX_CAPS", 3, "capabilities transferred per message"),
    ("CNODE_SLOT_BITS", 6, "log2 of the size of one capability slot"),
    ("MIN_UNTYPED_BITS", 4, "smallest untyped object"),
    ("MAX_UNTYPED_BITS", 47, "largest untyped object"),
    ("MAX_CNODE_RADIX", 24, "largest CNode, in slots (log2)"),
    ("MAX_PRIORITY", 255, "highest thread priority"),
    ("WORD_BITS", 64, "bits in a capability address"),
    ("IRQ_LINES", 16, "ISA interrupt lines 0-15"),
    ("MAX_BOOT_UNTYPEDS", 192, "untyped regions described in the boot info"),
    ("MAX_BOOT_MODULES", 32, "modules described in the boot info"),
    ("FAULT_MAX_WORDS", 10, "the longest fault message"),
    ("BOUND_NOTIFICATION_LABEL", 0x7ffff, "label of a receive completed by the bound notification (rdi = its word)"),
    ("FPU_STATE_WORDS", FPU_STATE_WORDS, "words of a thread's x87/SSE state in TCB READ_FPU / WRITE_FPU"),
]

# A thread's x87/SSE state as TCB READ_FPU returns and WRITE_FPU takes it:
# the 512-byte image of FXSAVE64 (Intel SDM vol. 1, 10.5.1), as
# FPU_STATE_WORDS little-endian words.  Byte offsets of its fields.  FXRSTOR
# faults on an MXCSR with a bit set outside the CPU's MXCSR_MASK, so WRITE_FPU
# refuses one; READ_FPU reports the CPU's mask in MXCSR_MASK (0 means the
# default 0xffbf), WRITE_FPU ignores that field.  Bytes 464-511 are free for
# software (Linux's signal frames keep their _fpx_sw_bytes there).
FPU_STATE_BYTES = [
    ("FCW", 0, "x87 control word (16 bits)"),
    ("FSW", 2, "x87 status word (16 bits)"),
    ("FTW", 4, "abridged x87 tag word (8 bits: 1 = register valid)"),
    ("FOP", 6, "last x87 opcode (16 bits)"),
    ("FIP", 8, "last x87 instruction pointer (64 bits)"),
    ("FDP", 16, "last x87 data pointer (64 bits)"),
    ("MXCSR", 24, "SSE control and status (32 bits)"),
    ("MXCSR_MASK", 28, "the MXCSR bits the CPU supports (32 bits)"),
    ("ST0", 32, "st0-st7 (mm0-mm7), 16 bytes each, 10 used"),
    ("XMM0", 160, "xmm0-xmm15, 16 bytes each"),
    ("SOFTWARE", 464, "48 bytes the CPU neither reads nor writes"),
    ("SIZE", 512, "the whole image"),
]

# Faults, sent to the thread's fault endpoint as if the thread had made a
# Call.  name, label, message words (in order), meaning.  The reply resumes
# the thread when its label is 0; reply words overwrite the registers named
# by `reply` in order (as many as the reply carries).
FAULTS = [
    ("UNKNOWN_SYSCALL", 1,
     ["rax", "rdi", "rsi", "rdx", "r10", "r8", "r9", "rip", "rsp", "rflags"],
     ["rax", "rdi", "rsi", "rdx", "r10", "r8", "r9", "rip", "rsp", "rflags"],
     "a syscall with a number the kernel does not know, or any syscall of a foreign-ABI thread; rip is after the syscall instruction"),
    ("USER_EXCEPTION", 2,
     ["rip", "rsp", "rflags", "vector", "error_code"],
     ["rip", "rsp", "rflags"],
     "a CPU exception other than a page fault (divide error, #GP, #UD, ...)"),
    ("VM", 3,
     ["rip", "address", "is_fetch", "error_code"],
     [],
     "a page fault: address is CR2; error_code as the CPU gives it (bit 0 present, 1 write, 2 user, 4 fetch)"),
]

# TCB registers, in the order TCB READ_REGISTERS returns and
# WRITE_REGISTERS takes them.  gs_base is the GS base the thread runs with:
# a foreign-ABI thread's own; a native thread's is always its IPC buffer
# address (the user library reaches the buffer at %gs:0), which
# READ_REGISTERS reports and WRITE_REGISTERS leaves alone (the word is
# still checked to be canonical).
REGISTERS = ["rip", "rsp", "rflags", "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp",
             "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "fs_base", "gs_base"]

# Methods: (object, name, label, [arguments], [results], meaning).
# An argument is ("name", "word"), ("name", "cap") or ("name", N): N
# consecutive message words (an array in C); a result is a name, or
# ("name", N) for N consecutive words.
METHODS = [
    ("UNTYPED", "RETYPE", 1,
     [("type", "word"), ("size_bits", "word"), ("root", "cap"), ("node_index", "word"),
      ("node_depth", "word"), ("node_offset", "word"), ("count", "word")], [],
     "create count objects of type in the slots node_offset.. of the CNode at node_index/node_depth in root"),

    ("CNODE", "REVOKE", 1, [("index", "word"), ("depth", "word")], [],
     "delete every capability derived from the one at index"),
    ("CNODE", "DELETE", 2, [("index", "word"), ("depth", "word")], [],
     "delete the capability at index"),
    ("CNODE", "COPY", 3,
     [("dest_index", "word"), ("dest_depth", "word"), ("src_root", "cap"), ("src_index", "word"),
      ("src_depth", "word"), ("rights", "word")], [],
     "derive a copy with at most rights"),
    ("CNODE", "MINT", 4,
     [("dest_index", "word"), ("dest_depth", "word"), ("src_root", "cap"), ("src_index", "word"),
      ("src_depth", "word"), ("rights", "word"), ("badge", "word")], [],
     "derive a copy with at most rights and a badge (endpoints, notifications) or guard (CNodes: guard value << 6 | guard bits)"),
    ("CNODE", "MOVE", 5,
     [("dest_index", "word"), ("dest_depth", "word"), ("src_root", "cap"), ("src_index", "word"),
      ("src_depth", "word")], [],
     "move a capability to an empty slot"),
    ("CNODE", "MUTATE", 6,
     [("dest_index", "word"), ("dest_depth", "word"), ("src_root", "cap"), ("src_index", "word"),
      ("src_depth", "word"), ("badge", "word")], [],
     "move, setting the badge or guard of an unbadged capability"),
    ("CNODE", "SAVE_CALLER", 7, [("index", "word"), ("depth", "word")], [],
     "move the thread's pending reply right into an empty slot, as a REPLY capability"),
    ("CNODE", "CANCEL_BADGED_SENDS", 8, [("index", "word"), ("depth", "word")], [],
     "fail every blocked send that carries the badge of the endpoint capability at index"),

    ("TCB", "SET_SPACE", 1,
     [("fault_endpoint", "cap"), ("cspace_root", "cap"), ("cspace_guard", "word"), ("vspace_root", "cap")], [],
     "set fault endpoint (an empty slot clears it), CSpace root (with guard: value << 6 | bits; 0 keeps the capability's) and VSpace root"),
    ("TCB", "SET_IPC_BUFFER", 2, [("address", "word"), ("frame", "cap")], [],
     "set the IPC buffer: a page-aligned user address and the frame that backs it"),
    ("TCB", "SET_PRIORITY", 3, [("authority", "cap"), ("priority", "word")], [],
     "set the priority; at most the authority TCB's maximum controlled priority"),
    ("TCB", "SET_MC_PRIORITY", 4, [("authority", "cap"), ("mcp", "word")], [],
     "set the maximum controlled priority; at most the authority's"),
    ("TCB", "READ_REGISTERS", 5, [], REGISTERS,
     "read the user registers (the thread should be suspended or blocked)"),
    ("TCB", "WRITE_REGISTERS", 6, [("resume", "word")] + [(r, "word") for r in REGISTERS], [],
     "write the user registers (rflags is sanitised; rip, rsp, fs_base and gs_base must be canonical; a native thread's gs_base stays its IPC buffer) and resume if asked"),
    ("TCB", "SUSPEND", 7, [], [], "stop the thread, cancelling any IPC it is blocked in"),
    ("TCB", "RESUME", 8, [], [], "make a suspended thread runnable"),
    ("TCB", "BIND_NOTIFICATION", 9, [("notification", "cap")], [],
     "signals to the notification also wake the thread while it waits on an endpoint"),
    ("TCB", "UNBIND_NOTIFICATION", 10, [], [], "undo BIND_NOTIFICATION"),
    ("TCB", "SET_TLS_BASE", 11, [("base", "word")], [], "set the FS base (thread-local storage)"),
    ("TCB", "SET_FOREIGN_ABI", 12, [("enabled", "word")], [],
     "when enabled, every syscall the thread makes is delivered as an UNKNOWN_SYSCALL fault"),
    ("TCB", "SET_NAME", 13, [("name0", "word"), ("name1", "word")], [],
     "a 16-character name for kernel messages (bytes little endian)"),
    ("TCB", "READ_FPU", 14, [], [("state", FPU_STATE_WORDS)],
     "read the x87/SSE state (FPU_STATE_BYTES); the caller needs an IPC buffer for the 64 words"),
    ("TCB", "WRITE_FPU", 15, [("state", FPU_STATE_WORDS)], [],
     "replace the x87/SSE state (FPU_STATE_BYTES); an MXCSR with a bit outside the CPU's MXCSR_MASK is refused (INVALID_ARGUMENT), the image's MXCSR_MASK is ignored"),

    ("FRAME", "MAP", 1, [("vspace", "cap"), ("vaddr", "word"), ("rights", "word"), ("attributes", "word")], [],
     "map at vaddr in the VSpace (or change the rights where it is already mapped there); attributes bit 0 = uncached"),
    ("FRAME", "UNMAP", 2, [], [], "remove the mapping made through this capability"),
    ("FRAME", "GET_ADDRESS", 3, [], ["paddr"], "the physical address (for DMA)"),
    ("LARGE_FRAME", "MAP", 1, [("vspace", "cap"), ("vaddr", "word"), ("rights", "word"), ("attributes", "word")], [],
     "as FRAME MAP, 2 MiB aligned"),
    ("LARGE_FRAME", "UNMAP", 2, [], [], "as FRAME UNMAP"),
    ("LARGE_FRAME", "GET_ADDRESS", 3, [], ["paddr"], "as FRAME GET_ADDRESS"),
    ("PAGE_TABLE", "MAP", 1, [("vspace", "cap"), ("vaddr", "word")], [], "install to cover vaddr's 2 MiB"),
    ("PAGE_TABLE", "UNMAP", 2, [], [], "remove from its VSpace"),
    ("PAGE_DIRECTORY", "MAP", 1, [("vspace", "cap"), ("vaddr", "word")], [], "install to cover vaddr's 1 GiB"),
    ("PAGE_DIRECTORY", "UNMAP", 2, [], [], "remove from its VSpace"),
    ("PDPT", "MAP", 1, [("vspace", "cap"), ("vaddr", "word")], [], "install to cover vaddr's 512 GiB"),
    ("PDPT", "UNMAP", 2, [], [], "remove from its VSpace"),

    ("IRQ_CONTROL", "GET", 1,
     [("irq", "word"), ("root", "cap"), ("index", "word"), ("depth", "word")], [],
     "create the handler capability for an interrupt line (once per line)"),
    ("IRQ_HANDLER", "SET_NOTIFICATION", 1, [("notification", "cap")], [],
     "deliver the interrupt as a signal (badge of the notification capability); an empty slot clears"),
    ("IRQ_HANDLER", "ACK", 2, [], [], "unmask the line after handling an interrupt"),
    ("IRQ_HANDLER", "CLEAR", 3, [], [], "stop delivering the interrupt and mask the line"),
    ("IOPORT_CONTROL", "ISSUE", 1,
     [("first", "word"), ("last", "word"), ("root", "cap"), ("index", "word"), ("depth", "word")], [],
     "create a capability for ports first..last; no port is issued twice"),
    ("IOPORT", "IN8", 1, [("port", "word")], ["value"], "read a byte"),
    ("IOPORT", "IN16", 2, [("port", "word")], ["value"], "read 16 bits"),
    ("IOPORT", "IN32", 3, [("port", "word")], ["value"], "read 32 bits"),
    ("IOPORT", "OUT8", 4, [("port", "word"), ("value", "word")], [], "write a byte"),
    ("IOPORT", "OUT16", 5, [("port", "word"), ("value", "word")], [], "write 16 bits"),
    ("IOPORT", "OUT32", 6, [("port", "word"), ("value", "word")], [], "write 32 bits"),
]

# The message-info word (rsi): label in bits 12..63, capabilities unwrapped
# (badges delivered instead of transfers) in 9..11, extra capabilities in
# 7..8, length in words in 0..6.
MSGINFO = [
    ("LENGTH_BITS", 7, "message length field width"),
    ("EXTRA_CAPS_SHIFT", 7, "extra capabilities field position"),
    ("EXTRA_CAPS_BITS", 2, "extra capabilities field width"),
    ("UNWRAPPED_SHIFT", 9, "unwrapped-capabilities mask position"),
    ("UNWRAPPED_BITS", 3, "unwrapped-capabilities mask width"),
    ("LABEL_SHIFT", 12, "label position"),
]

# Methods that only read their object: invoking them needs the READ right on
# the capability.  Every other method changes its object and needs WRITE.
# Mapping a frame does not change it (the mapping's own rights are limited
# by the capability's), so a read-only frame capability can still be mapped
# read-only.
READ_ONLY_METHODS = [
    ("TCB", "READ_REGISTERS"),
    ("TCB", "READ_FPU"),
    ("FRAME", "GET_ADDRESS"),
    ("LARGE_FRAME", "GET_ADDRESS"),
    ("FRAME", "MAP"),
    ("FRAME", "UNMAP"),
    ("LARGE_FRAME", "MAP"),
    ("LARGE_FRAME", "UNMAP"),
    ("IOPORT", "IN8"),
    ("IOPORT", "IN16"),
    ("IOPORT", "IN32"),
]
