#!/usr/bin/env python3
"""devstate_tables: compiles devstate tables (docs/devstate.md) into C.

    devstate_tables.py CONFIG.dst -o OUT.c --header OUT.h [--depfile FILE]
    devstate_tables.py --check FILE.dst

A table file describes shared devices (servers/devstate/devices/*.dst) and,
for one deployment, which of them its devstate serves and with which
policies.  The grammar (tokens and comments are the IDL's, ipc-idl/kidl):

    file      = { item } ;
    item      = "import" STRING ";"
              | "device" NAME "{" { member } "}"
              | "serve" NAME INTEGER ";"            device, its number in badges
              | "ring" INTEGER ";"                  monitor records (a power of two)
              | "buffer" INTEGER NAME ";"           client, its shared region
              | "force" NAME NAME "after" INTEGER ";"       device field, milliseconds
              | "schedule" INTEGER { "window" INTEGER | "raise" INTEGER | "lower" INTEGER
                                   | "step" INTEGER | "min" INTEGER | "max" INTEGER } ";" ;
    member    = "driver" NAME [ "stop" NAME ] ";"   the driver; the actuator that ends it
              | "field" NAME POLICY { "idle" INTEGER | "owner" INTEGER
                                    | "apply" NAME "(" INTEGER ")" | "final" } ";"
              | "register" NAME INTEGER "size" INTEGER "read" access "write" access
                           [ "bits" bit { "," bit } ] ";"
              | "operation" NAME INTEGER "port" INTEGER "unit" INTEGER
                            ( "forward" NAME | "refuse" ) ";" ;
    access    = "forward" NAME | "rewrite" [ NAME ] | "virtual" | "refuse" [ INTEGER ] ;
    bit       = NAME INTEGER [ "width" INTEGER ] ;  field, its lowest bit, bits (1)
    POLICY    = "any_on" | "all_agree" | "owner_only" | "max" | "min" ;

Imports are relative to the importing file; each file is read once.  Every
independent mistake is reported as file:line:column: error: message (kidl's
diagnostics), and nothing is written then.  The C names actuators as
devstate_act_<name> (written in act_<driver>.c); client buffers name the
devstate component's shared regions (DEVSTATE_VADDR_<NAME> of its
devstate_caps.h, the deployment's kdeploy header).
"""
import argparse
import os
import sys
from dataclasses import dataclass, field as dc_field

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "ipc-idl"))

from kidl.diagnostics import ErrorCollector, IdlError, fail, render  # noqa: E402
from kidl.lexer import INTEGER, NAME, STRING, tokenize  # noqa: E402
from kidl.token_stream import TokenStream  # noqa: E402

# The engine's limits (engine.h) and the server's (devstate_tables.h).
MAX_CLIENTS, MAX_FIELDS, MAX_BITS, MAX_REGISTERS = 8, 16, 8, 32
MAX_DEVICES, MAX_OPERATIONS, MAX_FORCES, MAX_RING = 8, 8, 8, 4096
MONITOR_DEVICE = 0xFF  # DEVSTATE_MONITOR_BADGE >> 8 (devstate.idl)

POLICIES = {"any_on": "DS_ANY_ON", "all_agree": "DS_ALL_AGREE", "owner_only": "DS_OWNER_ONLY",
            "max": "DS_MAX", "min": "DS_MIN"}
CLASSES = {"forward": "DS_FORWARD", "virtual": "DS_VIRTUAL", "rewrite": "DS_REWRITE",
           "refuse": "DS_REFUSE"}
# Words are keywords only where they decide the grammar; anything else may
# be a name.  After "rewrite" an actuator name is optional, so the words that
# can follow the access cannot name an actuator.
FOLLOWS_ACCESS = frozenset({"write", "bits"})


@dataclass
class Field:
    name: object  # token
    policy: str
    idle: int = 0
    owner: object = None
    apply: object = None  # token of the actuator
    arg: int = 0
    final: bool = False


@dataclass
class Access:
    cls: str
    where: object
    actuator: object = None
    value: int = 0


@dataclass
class Bits:
    field: object  # token
    shift: int
    width: int
    where: object


@dataclass
class Register:
    name: object
    offset: object  # token
    size: object
    read: Access
    write: Access
    bits: list


@dataclass
class Operation:
    name: object
    number: object
    port: object
    unit: object
    cls: str
    actuator: object


@dataclass
class Device:
    name: object
    driver: object = None
    stop: object = None  # actuator token
    fields: list = dc_field(default_factory=list)
    registers: list = dc_field(default_factory=list)
    operations: list = dc_field(default_factory=list)


@dataclass
class Tables:
    devices: list = dc_field(default_factory=list)
    serves: list = dc_field(default_factory=list)      # (device token, number token)
    rings: list = dc_field(default_factory=list)       # number tokens
    buffers: list = dc_field(default_factory=list)     # (client token, region token)
    forces: list = dc_field(default_factory=list)      # (device, field, ms tokens)
    schedules: list = dc_field(default_factory=list)   # (client token, {key: token})
    files_read: list = dc_field(default_factory=list)


class _Parser(TokenStream):
    keywords = frozenset()

    def name(self, what):
        return self.expect_name_token(what)

    def number(self, what):
        token = self.current
        if token.kind != INTEGER:
            fail(token.location, f"expected {what}, found {token.describe()}")
        return self.advance()

    def end(self, context):
        self.expect_punct(";", context)

    def parse(self, tables, load):
        while self.current.kind != "eof":
            word = self.current
            if word.kind != NAME or word.text not in ("import", "device", "serve", "ring", "buffer",
                                                       "force", "schedule"):
                fail(word.location, "expected 'import', 'device', 'serve', 'ring', 'buffer', "
                     f"'force' or 'schedule', found {word.describe()}")
            self.advance()
            getattr(self, "item_" + word.text)(tables, load)

    def item_import(self, tables, load):
        token = self.current
        if token.kind != STRING:
            fail(token.location, f"expected a file name in quotes after 'import', found {token.describe()}")
        self.advance()
        self.end("after the import")
        load(token)

    def item_serve(self, tables, load):
        device = self.name("a device name after 'serve'")
        number = self.number(f"the number of device '{device.text}' in badges")
        self.end("after 'serve'")
        tables.serves.append((device, number))

    def item_ring(self, tables, load):
        tables.rings.append(self.number("the number of monitor records after 'ring'"))
        self.end("after 'ring'")

    def item_buffer(self, tables, load):
        client = self.number("a client number after 'buffer'")
        region = self.name("the devstate component's shared region for the client's transfers")
        self.end("after 'buffer'")
        tables.buffers.append((client, region))

    def item_force(self, tables, load):
        device = self.name("a device name after 'force'")
        field = self.name("a field name after the device")
        self.expect_keyword("after", "before the timeout")
        ms = self.number("the timeout in milliseconds")
        self.end("after 'force'")
        tables.forces.append((device, field, ms))

    def item_schedule(self, tables, load):
        client = self.number("a client number after 'schedule'")
        settings = {}
        while not self.current.is_punct(";"):
            key = self.current
            if key.kind != NAME or key.text not in ("window", "raise", "lower", "step", "min", "max"):
                fail(key.location, "expected 'window', 'raise', 'lower', 'step', 'min', 'max' or ';', "
                     f"found {key.describe()}")
            self.advance()
            if key.text in settings:
                fail(key.location, f"'{key.text}' is given twice")
            settings[key.text] = self.number(f"a number after '{key.text}'")
        self.advance()
        tables.schedules.append((client, settings))

    def item_device(self, tables, load):
        device = Device(self.name("a device name after 'device'"))
        self.expect_punct("{", f"after 'device {device.name.text}'")
        while not self.accept_punct("}"):
            word = self.current
            if word.kind != NAME or word.text not in ("driver", "field", "register", "operation"):
                fail(word.location, "expected 'driver', 'field', 'register', 'operation' "
                     f"or '}}', found {word.describe()}")
            self.advance()
            getattr(self, "member_" + word.text)(device, word)
        tables.devices.append(device)

    def member_driver(self, device, word):
        if device.driver is not None:
            fail(word.location, f"device '{device.name.text}' has a driver already")
        device.driver = self.name("the driver's name after 'driver'")
        if self.current.is_keyword("stop"):
            self.advance()
            device.stop = self.name("the actuator that stops the driver")
        self.end("after the driver")

    def member_field(self, device, word):
        name = self.name("a field name after 'field'")
        policy = self.current
        if policy.kind != NAME or policy.text not in POLICIES:
            fail(policy.location, "expected a merge policy (any_on, all_agree, owner_only, max, min), "
                 f"found {policy.describe()}")
        self.advance()
        f = Field(name, policy.text)
        seen = set()
        while not self.current.is_punct(";"):
            key = self.current
            if key.kind != NAME or key.text not in ("idle", "owner", "apply", "final"):
                fail(key.location, f"expected 'idle', 'owner', 'apply', 'final' or ';', found {key.describe()}")
            if key.text in seen:
                fail(key.location, f"'{key.text}' is given twice")
            seen.add(key.text)
            self.advance()
            if key.text == "idle":
                f.idle = self.number("the idle value").value
            elif key.text == "owner":
                f.owner = self.number("the owner's client number")
            elif key.text == "apply":
                f.apply = self.name("an actuator name after 'apply'")
                self.expect_punct("(", "before the actuator's argument")
                f.arg = self.number("the actuator's argument").value
                self.expect_punct(")", "after the actuator's argument")
            else:
                f.final = key
        self.advance()
        device.fields.append(f)

    def access(self, what):
        token = self.current
        if token.kind != NAME or token.text not in CLASSES:
            fail(token.location, f"expected how {what} are handled (forward, virtual, rewrite, refuse), "
                 f"found {token.describe()}")
        self.advance()
        access = Access(token.text, token.location)
        if token.text == "forward":
            access.actuator = self.name(f"the actuator that forwards {what}")
        elif token.text == "rewrite" and self.current.kind == NAME and self.current.text not in FOLLOWS_ACCESS:
            access.actuator = self.advance()
        elif token.text == "refuse" and self.current.kind == INTEGER:
            access.value = self.advance().value
        return access

    def member_register(self, device, word):
        name = self.name("a register name after 'register'")
        offset = self.number("the register's port or number")
        self.expect_keyword("size", "after the register's number")
        size = self.number("the access size in bytes")
        self.expect_keyword("read", "after the size")
        read = self.access("reads")
        self.expect_keyword("write", "after the reads")
        write = self.access("writes")
        bits = []
        if self.current.is_keyword("bits"):
            self.advance()
            while True:
                fname = self.name("a field name")
                shift = self.number("the field's lowest bit")
                width = 1
                if self.current.is_keyword("width"):
                    self.advance()
                    width = self.number("the field's width in bits").value
                bits.append(Bits(fname, shift.value, width, fname.location))
                if not self.accept_punct(","):
                    break
        self.end("after the register")
        device.registers.append(Register(name, offset, size, read, write, bits))

    def member_operation(self, device, word):
        name = self.name("an operation name after 'operation'")
        number = self.number("the operation's number")
        self.expect_keyword("port", "after the operation's number")
        port = self.number("the port the operation goes through")
        self.expect_keyword("unit", "after the port")
        unit = self.number("the bytes in one unit")
        token = self.current
        if token.is_keyword("forward"):
            self.advance()
            cls, actuator = "forward", self.name("the actuator that forwards the operation")
        elif token.is_keyword("refuse"):
            self.advance()
            cls, actuator = "refuse", None
        else:
            fail(token.location, f"expected 'forward' or 'refuse', found {token.describe()}")
        self.end("after the operation")
        device.operations.append(Operation(name, number, port, unit, cls, actuator))


def load_tables(path):
    """(Tables, source lines of every file read); raises IdlError."""
    tables = Tables()
    sources = {}
    loading = []

    def load_file(shown, real, import_token=None):
        if real in loading:
            fail(import_token.location, f"'{import_token.text}' imports itself (a cycle)")
        if real in tables.files_read:
            return
        try:
            with open(real, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else "not valid UTF-8"
            if import_token is None:
                raise SystemExit(f"devstate_tables: cannot read '{shown}': {reason}")
            fail(import_token.location, f"cannot read '{import_token.text}': {reason}")
        tables.files_read.append(real)
        sources[shown] = text.split("\n")
        loading.append(real)

        def load(token):
            child_shown = os.path.normpath(os.path.join(os.path.dirname(shown), token.text))
            child_real = os.path.realpath(os.path.join(os.path.dirname(real), token.text))
            load_file(child_shown, child_real, token)

        _Parser(tokenize(text, shown), shown).parse(tables, load)
        loading.pop()

    try:
        load_file(path, os.path.realpath(path))
    except IdlError as error:
        error.source_lines = sources
        raise
    return tables, sources


class _Checker:
    def __init__(self, tables):
        self.t = tables
        self.errors = ErrorCollector()

    def error(self, token_or_location, message, notes=()):
        where = getattr(token_or_location, "location", token_or_location)
        self.errors.error(where, message, notes)

    def unique(self, things, what, key=lambda t: t.text):
        seen = {}
        for thing in things:
            k = key(thing)
            if k in seen:
                self.error(thing, f"{what} '{thing.text}' is declared twice",
                           [(seen[k].location, "first declared here")])
            else:
                seen[k] = thing

    def check(self):
        t = self.t
        self.unique([d.name for d in t.devices], "device")
        self.devices = {d.name.text: d for d in t.devices}
        for d in t.devices:
            self.check_device(d)
        self.check_config()
        self.errors.raise_if_any()

    def check_device(self, d):
        where = d.name
        if not d.fields:
            self.error(where, f"device '{where.text}' has no field: there is nothing to merge")
        if len(d.fields) > MAX_FIELDS:
            self.error(d.fields[MAX_FIELDS].name, f"more than {MAX_FIELDS} fields in one device")
        if len(d.registers) > MAX_REGISTERS:
            self.error(d.registers[MAX_REGISTERS].name, f"more than {MAX_REGISTERS} registers in one device")
        if len(d.operations) > MAX_OPERATIONS:
            self.error(d.operations[MAX_OPERATIONS].name, f"more than {MAX_OPERATIONS} operations in one device")
        self.unique([f.name for f in d.fields], "field")
        self.unique([r.name for r in d.registers], "register")
        self.unique([r.offset for r in d.registers], "register number", key=lambda t: t.value)
        self.unique([o.name for o in d.operations], "operation")
        self.unique([o.number for o in d.operations], "operation number", key=lambda t: t.value)
        fields = {f.name.text: f for f in d.fields}
        uses_driver = None
        for f in d.fields:
            self.check_field(f)
            uses_driver = uses_driver or f.apply
        rewritten = set()
        for r in d.registers:
            self.check_register(d, r, fields)
            uses_driver = uses_driver or r.read.actuator or r.write.actuator
            if r.write.cls == "rewrite":
                rewritten |= {b.field.text for b in r.bits}
        for f in d.fields:
            if f.apply and f.name.text not in rewritten:
                self.error(f.apply, f"field '{f.name.text}' is applied by '{f.apply.text}' but no register "
                           "rewrites it: its merged value never changes")
        for o in d.operations:
            if o.number.value < 1 or o.number.value > 0xFFFFFFFF:
                self.error(o.number, "an operation number is 1..0xffffffff")
            if not 1 <= o.port.value <= 0xFFFF:
                self.error(o.port, "the operation's port is 1..0xffff")
            if o.unit.value < 1:
                self.error(o.unit, "a unit has at least one byte")
            uses_driver = uses_driver or o.actuator
        if uses_driver and d.driver is None:
            self.error(uses_driver, f"device '{where.text}' calls actuator '{uses_driver.text}' but "
                       "names no driver")

    def check_field(self, f):
        if not 0 <= f.idle <= 0xFFFFFFFFFFFFFFFF:
            self.error(f.name, "an idle value fits in 64 bits")
        if f.policy == "owner_only":
            if f.owner is None:
                self.error(f.name, f"owner_only field '{f.name.text}' names no owner")
            elif not 1 <= f.owner.value <= MAX_CLIENTS:
                self.error(f.owner, f"the owner is a client number, 1..{MAX_CLIENTS}")
        elif f.owner is not None:
            self.error(f.owner, f"only an owner_only field has an owner ('{f.name.text}' is {f.policy})")
        if f.final and not f.apply:
            self.error(f.final, "'final' marks an apply action, and this field has none")

    def check_register(self, d, r, fields):
        if not 0 <= r.offset.value <= 0xFFFF:
            self.error(r.offset, "a register number is 0..0xffff")
        if r.size.value not in (1, 2, 4):
            self.error(r.size, "an access size is 1, 2 or 4 bytes")
        if r.read.cls == "rewrite" and r.read.actuator is None:
            self.error(r.read.where, "a rewritten read needs the actuator that reads the device")
        if r.write.cls == "refuse" and r.write.value:
            self.error(r.write.where, "a refused write has no value (only refused reads return one)")
        if r.write.cls == "rewrite" and r.write.actuator is not None:
            self.error(r.write.actuator, "a rewritten write reaches the device through its fields' apply "
                       "actions, not an actuator of its own")
        needs_bits = r.read.cls == "virtual" or r.write.cls in ("virtual", "rewrite") or r.read.cls == "rewrite"
        if needs_bits and not r.bits:
            self.error(r.name, f"register '{r.name.text}' is served from the views but maps no field bits")
        if not needs_bits and r.bits:
            self.error(r.bits[0].where, f"register '{r.name.text}' never uses the views: its bits mean nothing")
        if len(r.bits) > MAX_BITS:
            self.error(r.bits[MAX_BITS].where, f"more than {MAX_BITS} fields in one register")
        used = 0
        for b in r.bits:
            if b.field.text not in fields:
                self.error(b.field, f"no field '{b.field.text}' in device '{d.name.text}'")
                continue
            if b.width < 1 or b.shift < 0 or b.shift + b.width > 8 * r.size.value:
                self.error(b.field, f"bits {b.shift}..{b.shift + b.width - 1} do not fit a "
                           f"{r.size.value}-byte register")
                continue
            mask = ((1 << b.width) - 1) << b.shift
            if used & mask:
                self.error(b.field, f"field '{b.field.text}' overlaps another field's bits")
            used |= mask

    def check_config(self):
        t = self.t
        served = {}
        numbers = {}
        if not t.serves and (t.rings or t.buffers or t.forces or t.schedules):
            first = (t.rings + [b[0] for b in t.buffers] + [f[0] for f in t.forces] +
                     [s[0] for s in t.schedules])[0]
            self.error(first, "a configuration serves at least one device ('serve NAME NUMBER;')")
        for device, number in t.serves:
            if device.text not in self.devices:
                self.error(device, f"no device '{device.text}' to serve")
            elif device.text in served:
                self.error(device, f"device '{device.text}' is served twice",
                           [(served[device.text].location, "first served here")])
            else:
                served[device.text] = device
            if not 1 <= number.value < MONITOR_DEVICE:
                self.error(number, f"a device number is 1..{MONITOR_DEVICE - 1} (badge bits 8..15; "
                           f"{MONITOR_DEVICE:#x} is the monitor's)")
            elif number.value in numbers:
                self.error(number, f"device number {number.value} is used twice",
                           [(numbers[number.value].location, "first used here")])
            else:
                numbers[number.value] = number
        if len(t.serves) > MAX_DEVICES:
            self.error(t.serves[MAX_DEVICES][0], f"more than {MAX_DEVICES} devices served")
        for ring in t.rings[1:]:
            self.error(ring, "the ring size is given twice")
        for ring in t.rings[:1]:
            v = ring.value
            if v < 2 or v > MAX_RING or v & (v - 1):
                self.error(ring, f"the ring holds a power of two of records, 2..{MAX_RING}")
        clients = {}
        for client, region in t.buffers:
            if self.client_ok(client) and client.value in clients:
                self.error(client, f"client {client.value} has a buffer already",
                           [(clients[client.value].location, "first given here")])
            clients.setdefault(client.value, client)
        forced = {}
        for device, fname, ms in t.forces:
            d = self.devices.get(device.text)
            if device.text not in served:
                self.error(device, f"device '{device.text}' is not served here")
                continue
            f = next((f for f in d.fields if f.name.text == fname.text), None)
            if f is None:
                self.error(fname, f"no field '{fname.text}' in device '{device.text}'")
            elif f.policy != "all_agree":
                self.error(fname, f"only an all_agree field can be forced ('{fname.text}' is {f.policy})")
            elif (device.text, fname.text) in forced:
                self.error(fname, f"field '{device.text} {fname.text}' is forced twice")
            forced[(device.text, fname.text)] = True
            if not 1 <= ms.value <= 3600000:
                self.error(ms, "a timeout is 1..3600000 ms")
        if len(t.forces) > MAX_FORCES:
            self.error(t.forces[MAX_FORCES][0], f"more than {MAX_FORCES} forced fields")
        scheduled = {}
        for client, s in t.schedules:
            if self.client_ok(client) and client.value in scheduled:
                self.error(client, f"client {client.value} is scheduled twice",
                           [(scheduled[client.value].location, "first scheduled here")])
            scheduled.setdefault(client.value, client)
            self.check_schedule(client, s)

    def client_ok(self, client):
        if 1 <= client.value <= MAX_CLIENTS:
            return True
        self.error(client, f"a client number is 1..{MAX_CLIENTS}")
        return False

    def check_schedule(self, client, s):
        missing = [k for k in ("window", "raise", "lower", "step", "min", "max") if k not in s]
        if missing:
            self.error(client, f"the schedule of client {client.value} does not say "
                       + ", ".join(f"'{k}'" for k in missing))
            return
        if s["window"].value < 10:
            self.error(s["window"], "a window is at least 10 ms (the kernel's tick)")
        if not 1 <= s["step"].value <= 253:
            self.error(s["step"], "a step is 1..253")
        for key in ("min", "max"):
            if not 1 <= s[key].value <= 254:
                self.error(s[key], "a priority is 1..254")
        if s["min"].value > s["max"].value:
            self.error(s["min"], "min is above max")
        if s["lower"].value >= s["raise"].value:
            self.error(s["lower"], "'lower' must be below 'raise' (else one window would do both)")


def c_name(text):
    return text.replace("-", "_")


def emit_c(t, header_name):
    out = [f"/* Generated by servers/devstate/devstate_tables.py; do not edit. */",
           f'#include "{header_name}"', ""]
    served = [(next(d for d in t.devices if d.name.text == dev.text), number.value) for dev, number in t.serves]
    if t.buffers:
        out.insert(2, '#include "devstate_caps.h"')
    out.append("")
    for d, _ in served:
        n = c_name(d.name.text)
        index = {f.name.text: i for i, f in enumerate(d.fields)}
        out.append(f"static const struct ds_field {n}_fields[] = {{")
        for f in d.fields:
            owner = f.owner.value - 1 if f.owner else 0
            out.append(f'    {{ "{f.name.text}", {POLICIES[f.policy]}, {f.idle:#x}ull, {owner} }},')
        out.append("};")
        out.append(f"static const struct devstate_field_binding {n}_field_bindings[] = {{")
        for f in d.fields:
            apply = f"devstate_act_{f.apply.text}" if f.apply else "NULL"
            out.append(f"    {{ {apply}, {f.arg}, {'true' if f.final else 'false'} }},")
        out.append("};")
        if d.registers:
            out.append(f"static const struct ds_register {n}_registers[] = {{")
            for r in d.registers:
                bits = ", ".join(f"{{ {index[b.field.text]}, {b.shift}, {b.width} }}" for b in r.bits)
                bits = bits or "{ 0, 0, 0 }"  # no field bits (C11 has no empty initializer)
                out.append(f'    {{ "{r.name.text}", {r.offset.value:#x}, {CLASSES[r.read.cls]}, '
                           f"{CLASSES[r.write.cls]}, {r.read.value:#x}ull, {len(r.bits)}, {{ {bits} }} }},")
            out.append("};")
            out.append(f"static const struct devstate_register_binding {n}_register_bindings[] = {{")
            for r in d.registers:
                rd = f"devstate_act_{r.read.actuator.text}" if r.read.actuator else "NULL"
                wr = f"devstate_act_{r.write.actuator.text}" if r.write.actuator else "NULL"
                out.append(f"    {{ {rd}, {wr}, {r.size.value} }},")
            out.append("};")
        if d.operations:
            out.append(f"static const struct devstate_operation {n}_operations[] = {{")
            for o in d.operations:
                fwd = f"devstate_act_{o.actuator.text}" if o.actuator else "NULL"
                out.append(f'    {{ "{o.name.text}", {o.number.value}, {o.port.value:#x}, {o.unit.value}, '
                           f"{CLASSES[o.cls]}, {fwd} }},")
            out.append("};")
        out.append("")
    out.append("static const struct devstate_device devices[] = {")
    for d, number in served:
        n = c_name(d.name.text)
        regs = f"{n}_registers" if d.registers else "NULL"
        reg_bindings = f"{n}_register_bindings" if d.registers else "NULL"
        ops = f"{n}_operations" if d.operations else "NULL"
        stop = f"devstate_act_{d.stop.text}" if d.stop else "NULL"
        driver = f'"{d.driver.text}"' if d.driver else '""'
        out.append(f"    {{ {number}, {driver},")
        out.append(f'      {{ "{d.name.text}", {len(d.fields)}, {len(d.registers)}, {n}_fields, {regs} }},')
        out.append(f"      {n}_field_bindings, {reg_bindings}, {len(d.operations)}, {ops}, {stop} }},")
    out.append("};")
    if t.buffers:
        out.append("static const struct devstate_buffer buffers[] = {")
        for client, region in t.buffers:
            r = region.text.upper()
            out.append(f"    {{ {client.value}, DEVSTATE_VADDR_{r}, DEVSTATE_SIZE_{r} }},")
        out.append("};")
    if t.forces:
        out.append("static const struct devstate_force forces[] = {")
        served_names = [d.name.text for d, _ in served]
        for device, fname, ms in t.forces:
            di = served_names.index(device.text)
            fi = next(i for i, f in enumerate(served[di][0].fields) if f.name.text == fname.text)
            out.append(f"    {{ {di}, {fi}, {ms.value} }},")
        out.append("};")
    if t.schedules:
        out.append("static const struct devstate_schedule schedules[] = {")
        for client, s in t.schedules:
            v = {k: s[k].value for k in s}
            out.append(f"    {{ {client.value}, {v['window']}, {v['raise']}, {v['lower']}, {v['step']}, "
                       f"{v['min']}, {v['max']} }},")
        out.append("};")
    ring = t.rings[0].value if t.rings else 256
    out += ["",
            "const struct devstate_config devstate_config = {",
            f"    {len(served)}, devices, {ring},",
            f"    {len(t.buffers)}, {len(t.forces)}, {len(t.schedules)},",
            f"    {'buffers' if t.buffers else 'NULL'}, {'forces' if t.forces else 'NULL'}, "
            f"{'schedules' if t.schedules else 'NULL'},",
            "};", ""]
    return "\n".join(out)


def actuator_names(t):
    """Every actuator the served devices name."""
    names = set()
    for dev, _ in t.serves:
        d = next(d for d in t.devices if d.name.text == dev.text)
        tokens = [f.apply for f in d.fields] + [o.actuator for o in d.operations] + [d.stop]
        tokens += [a for r in d.registers for a in (r.read.actuator, r.write.actuator)]
        names |= {token.text for token in tokens if token}
    return sorted(names)


def emit_h(t):
    out = ["/* Generated by servers/devstate/devstate_tables.py; do not edit. */",
           "#pragma once", "", '#include "devstate_tables.h"', "",
           "/* The actuators the tables name (act_<driver>.c). */"]
    out += [f"int devstate_act_{a}(struct devstate_action *action);" for a in actuator_names(t)]
    out.append("")
    for dev, number in t.serves:
        out.append(f"#define DEVSTATE_DEVICE_{c_name(dev.text).upper()} {number.value} "
                   "/* badge: number << 8 | client */")
    return "\n".join(out) + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(prog="devstate_tables.py", description=__doc__.split("\n")[0])
    p.add_argument("tables")
    p.add_argument("-o", "--output")
    p.add_argument("--header")
    p.add_argument("--depfile")
    p.add_argument("--check", action="store_true", help="check only, write nothing")
    args = p.parse_args(argv)
    sources = {}
    try:
        tables, sources = load_tables(args.tables)
        _Checker(tables).check()
    except IdlError as error:
        sources.update(getattr(error, "source_lines", {}))
        sys.stderr.write(render(error.diagnostics, sources))
        return 1
    if args.check:
        return 0
    if not args.output or not args.header:
        sys.stderr.write("devstate_tables: -o and --header are needed to compile\n")
        return 2
    if not tables.serves:
        sys.stderr.write(f"devstate_tables: '{args.tables}' serves no device: nothing to compile\n")
        return 1
    with open(args.header, "w", encoding="utf-8") as f:
        f.write(emit_h(tables))
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(emit_c(tables, os.path.basename(args.header)))
    if args.depfile:
        with open(args.depfile, "w", encoding="utf-8") as f:
            deps = " ".join(path.replace(" ", "\\ ") for path in tables.files_read)
            f.write(f"{args.output}: {deps}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
