"""Checks a deployment's syntax tree and builds the model from it.

Independent mistakes are all reported in one run, sorted by position, each
as "file:line:column: error: message" with "note:" lines pointing at the
other places involved (kidl's diagnostics).  A mistake that makes later
checks meaningless (an unknown component, say) only stops the checks that
depend on it, so one mistake gives one message.
"""
import re

from kidl.diagnostics import ErrorCollector

from . import layout, policy, rights, syntax
from .model import ComponentType, Connection, Decl, Deployment, Endpoint, Instance, Region, \
    RESTART_NEVER, RESTART_ON_FAULT, size_text

# Limits of the manifest (lib/deploy/kumiki/manifest.h) and of the kernel.
PRIORITY_MIN, PRIORITY_MAX = 1, 254  # the root task runs at 255
MEMORY_MIN_BITS, MEMORY_MAX_BITS = 16, 30
RADIX_MIN, RADIX_MAX = 6, 16
NAME_MAX = 63                        # KDM_NAME_MAX, less the NUL
MAX_COMPONENTS, MAX_CAPS, MAX_SHARED, MAX_ENDPOINTS = 64, 1024, 64, 256
IRQ_LINES = 16                       # ISA lines 0..15
IRQ_CASCADE = 2                      # the second PIC's input: never issued
PORT_MAX = 0xffff
PHYSICAL_LIMIT = 1 << 52
REGION_MAX = 1 << 30
# Ports the kernel drives itself and marks issued at boot (kernel/core/main.c).
KERNEL_PORTS = [
    (0x20, 0x21, "the first interrupt controller"),
    (0xa0, 0xa1, "the second interrupt controller"),
    (0xf4, 0xf7, "the debug-exit port"),
]
PROGRAM_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def ports_text(first, last):
    return f"0x{first:x}..0x{last:x}"


def mmio_text(address, size):
    return f"0x{address:x}..0x{address + size - 1:x}"


def _overlap(first_a, last_a, first_b, last_b):
    return first_a <= last_b and first_b <= last_a


class _Checker:
    def __init__(self, tree, interfaces):
        self.tree = tree
        self.interfaces = interfaces
        self.errors = ErrorCollector()
        self.types = {}
        self.instances = {}  # name -> Instance, declaration order
        # (instance, declaration) that a connection or region statement names:
        # when that statement is wrong, the declaration is not also reported
        # as left unconnected.  One mistake, one message.
        self.attempted = set()

    def error(self, location, message, notes=()):
        self.errors.error(location, message, notes)

    def check_name(self, name):
        if len(name.text) > NAME_MAX:
            self.error(name.location, f"name '{name.text}' is longer than {NAME_MAX} characters "
                       "(the manifest's limit)")

    # Component types.

    def check_components(self):
        for component in self.tree.components:
            self.check_name(component.name)
            previous = self.types.get(component.name.text)
            if previous:
                self.error(component.name.location,
                           f"duplicate component '{component.name.text}'",
                           [(previous.location, f"'{component.name.text}' was first declared here")])
                continue
            component_type = ComponentType(component.name.text, component.name.location)
            self.types[component.name.text] = component_type
            self.check_members(component, component_type)
            layout.assign_slots(component_type)

    def check_members(self, component, component_type):
        program = foreign = None
        taken = {}  # name -> (location, note text)
        for member in component.members:
            if isinstance(member, syntax.ProgramDecl):
                if program:
                    self.error(member.location, f"component '{component_type.name}' already "
                               "has a program", [(program.location, "the first one is here")])
                    continue
                program = member
                self.check_program(member, component_type)
            elif isinstance(member, syntax.ForeignAbiDecl):
                if foreign:
                    self.error(member.location, f"'foreign_abi' is already given for "
                               f"component '{component_type.name}'",
                               [(foreign.location, "the first one is here")])
                foreign = member
                component_type.foreign_abi = True
            else:
                self.register_name(member, component_type, taken)
                component_type.decls.append(self.make_decl(member))
        if program is None:
            self.error(component.name.location, f"component '{component_type.name}' has no "
                       "program (write: program \"name\";)")

    def check_program(self, member, component_type):
        if not PROGRAM_NAME.match(member.program) or member.program.endswith(".elf"):
            self.error(member.location, f"program '{member.program}' must be a file name "
                       "without a directory and without '.elf' (the ELF is <program>.elf)")
        elif len(member.program) + len(".elf") > NAME_MAX:
            self.error(member.location, f"program '{member.program}.elf' is longer than "
                       f"{NAME_MAX} characters (the manifest's limit)")
        component_type.program = member.program + ".elf"

    def register_name(self, member, component_type, taken):
        name = member.name
        self.check_name(name)
        wanted = [(name.text, name.location, f"'{name.text}' was first declared here")]
        if isinstance(member, syntax.IrqDecl):
            derived = f"{name.text}_notification"
            wanted.append((derived, name.location,
                           f"irq '{name.text}' names its notification '{derived}'"))
        # Compared in lower case: every name becomes an upper-case C macro.
        for text, location, note in wanted:
            previous = taken.get(text.lower())
            if previous is None:
                taken[text.lower()] = (location, note)
            elif text == name.text:
                self.error(location, f"duplicate name '{text}' in component "
                           f"'{component_type.name}'", [previous])
            else:
                self.error(location, f"irq '{name.text}' names its notification '{text}', "
                           f"which component '{component_type.name}' already declares",
                           [(previous[0], f"'{text}' is declared here")])

    def make_decl(self, member):
        name, location = member.name.text, member.name.location
        if isinstance(member, syntax.InterfaceDecl):
            decl = Decl(member.direction, name, location,
                        interface=self.check_interface(member.interface))
            if member.offers:
                decl.offers = self.rights_of(member.offers)
            else:
                decl.offers = rights.DEFAULT_OFFER
            return decl
        if isinstance(member, syntax.IoPortsDecl):
            return Decl("ioports", name, location, first=member.first.value,
                        last=member.last.value, valid=self.check_ports(member.first, member.last))
        if isinstance(member, syntax.IrqDecl):
            return Decl("irq", name, location, line=member.line.value,
                        valid=self.check_irq(member.line))
        if isinstance(member, syntax.MmioDecl):
            return Decl("mmio", name, location, address=member.address.value,
                        size=member.size.value, valid=self.check_mmio(member.address, member.size))
        if isinstance(member, syntax.DmaDecl):
            self.check_size(member.size, "DMA size")
            return Decl("dma", name, location, size=member.size.value)
        if isinstance(member, syntax.UntypedDecl):
            self.check_power_of_two(member.size, "untyped size")
            return Decl("untyped", name, location, size=member.size.value)
        if isinstance(member, syntax.ModuleDecl):
            self.check_module_file(member.file)
            self.check_size(member.max_size, f"module '{name}' max")
            return Decl("module", name, location, file=member.file.text,
                        size=member.max_size.value)
        if isinstance(member, syntax.NotificationDecl):
            return Decl("notification", name, location)
        self.check_size(member.size, "shared size")
        return Decl("shared", name, location, size=member.size.value, readonly=member.readonly)

    def check_interface(self, interface):
        """The interface's name if it is one, else None (after an error)."""
        if interface.text in self.interfaces.by_name:
            return interface.text
        kind = self.interfaces.other_names.get(interface.text)
        if kind:
            self.error(interface.location, f"'{interface.text}' is a {kind}, not an interface")
        elif not self.tree.imports:
            self.error(interface.location, f"unknown interface '{interface.text}' "
                       "(no .idl file is imported)")
        else:
            self.error(interface.location, f"unknown interface '{interface.text}': no imported "
                       ".idl file declares it")
        return None

    def rights_of(self, expression):
        result = 0
        for word in expression.words:
            bits = rights.WORDS.get(word.text)
            if bits is None:
                self.error(word.location, f"unknown right '{word.text}' (the rights are call, "
                           "send and grant)")
            else:
                result |= bits
        return result

    def check_ports(self, first, last):
        """Whether the range is one the kernel can issue; else an error."""
        if first.value > PORT_MAX:
            self.error(first.location, f"port {first.text} is above 0x{PORT_MAX:x}")
        elif last.value > PORT_MAX:
            self.error(last.location, f"port {last.text} is above 0x{PORT_MAX:x}")
        elif first.value > last.value:
            self.error(first.location, f"port range {first.text}..{last.text} is empty: the first "
                       "port is above the last")
        else:
            for kernel_first, kernel_last, what in KERNEL_PORTS:
                if _overlap(first.value, last.value, kernel_first, kernel_last):
                    self.error(first.location, f"ports {first.text}..{last.text} include "
                               f"{ports_text(kernel_first, kernel_last)}, which the kernel keeps "
                               f"({what}) and never issues")
                    return False
            return True
        return False

    def check_irq(self, line):
        if line.value >= IRQ_LINES:
            self.error(line.location, f"IRQ {line.text} is outside 0..{IRQ_LINES - 1} "
                       "(the ISA lines)")
        elif line.value == IRQ_CASCADE:
            self.error(line.location, "IRQ 2 is the cascade between the two interrupt "
                       "controllers; the kernel never issues it")
        else:
            return True
        return False

    def check_mmio(self, address, size):
        if address.value % layout.PAGE_SIZE:
            self.error(address.location, f"MMIO address {address.text} is not page aligned (4K)")
        elif not self.check_size(size, "MMIO size"):
            return False
        elif address.value + size.value > PHYSICAL_LIMIT:
            self.error(address.location, f"MMIO range {mmio_text(address.value, size.value)} "
                       "is beyond the 52-bit physical address space")
        else:
            return True
        return False

    def check_size(self, size, what):
        if size.value == 0 or size.value % layout.PAGE_SIZE:
            self.error(size.location, f"{what} {size.text} is not a nonzero multiple of 4K")
            return False
        if size.value > REGION_MAX:
            self.error(size.location, f"{what} {size.text} is above 1G")
            return False
        return True

    def check_power_of_two(self, size, what):
        """A size the kernel makes one untyped object of: 2^bits bytes, within
        what a component may be given (the limits of `memory`)."""
        if size.value & (size.value - 1) or size.value == 0:
            self.error(size.location, f"{what} {size.text} is not a power of two")
        elif not MEMORY_MIN_BITS <= size.value.bit_length() - 1 <= MEMORY_MAX_BITS:
            self.error(size.location, f"{what} {size.text} is outside "
                       f"{size_text(1 << MEMORY_MIN_BITS)}..{size_text(1 << MEMORY_MAX_BITS)}")
        else:
            return True
        return False

    def check_module_file(self, file):
        """The root task finds a module by the basename of its command line's
        first word, so the name has neither a directory nor a space."""
        if not PROGRAM_NAME.match(file.text):
            self.error(file.location, f"module file '{file.text}' is not a plain file name "
                       "(letters, digits, '_', '.' and '-'; no directory, no space: the root task "
                       "finds a boot module by its base name)")
        elif len(file.text) > NAME_MAX:
            self.error(file.location, f"module file '{file.text}' is longer than {NAME_MAX} "
                       "characters (the manifest's limit)")

    # Instances.

    def check_instances(self):
        for declared, statement in enumerate(self.tree.instances):
            self.check_name(statement.name)
            previous = self.instances.get(statement.name.text)
            if previous:
                self.error(statement.name.location,
                           f"duplicate instance '{statement.name.text}'",
                           [(previous.location, f"'{statement.name.text}' was first declared here")])
                continue
            component_type = self.types.get(statement.component.text)
            if component_type is None:
                self.error(statement.component.location,
                           f"unknown component '{statement.component.text}'")
                continue
            instance = Instance(statement.name.text, statement.name.location, component_type,
                                declared)
            self.instances[instance.name] = instance
            for setting in statement.settings:
                self.apply_setting(instance, setting)
            self.check_cnode_fits(instance)
        if len(self.instances) > MAX_COMPONENTS:
            extra = list(self.instances.values())[MAX_COMPONENTS]
            self.error(extra.location, f"too many instances: a manifest holds at most "
                       f"{MAX_COMPONENTS} components")

    def apply_setting(self, instance, setting):
        key, value = setting.key.text, setting.value
        previous = instance.setting_locations.get(key)
        if previous:
            self.error(setting.key.location, f"'{key}' is already set for instance "
                       f"'{instance.name}'", [(previous, "first set here")])
            return
        instance.setting_locations[key] = setting.key.location
        if key == "priority":
            if not PRIORITY_MIN <= value.value <= PRIORITY_MAX:
                self.error(value.location, f"priority {value.text} is outside "
                           f"{PRIORITY_MIN}..{PRIORITY_MAX} (255 is the root task's)")
            instance.priority = value.value
        elif key == "memory":
            if self.check_power_of_two(value, "memory"):
                instance.memory_bits = value.value.bit_length() - 1
        elif key == "cspace":
            if not RADIX_MIN <= value.value <= RADIX_MAX:
                self.error(value.location, f"cspace radix {value.text} is outside "
                           f"{RADIX_MIN}..{RADIX_MAX}")
            else:
                instance.radix = value.value
        elif key == "restart":
            instance.restart = RESTART_ON_FAULT if value.text == "on fault" else RESTART_NEVER
        elif key == "args":
            if len(value.text) > NAME_MAX:
                self.error(value.location, f"the argument string is longer than {NAME_MAX} "
                           "characters (the manifest's limit)")
            instance.args = value.text

    def check_cnode_fits(self, instance):
        highest = layout.highest_slot(instance.type)
        if highest >= 1 << instance.radix:
            where = instance.setting_locations.get("cspace", instance.location)
            self.error(where, f"cspace radix {instance.radix} ({1 << instance.radix} slots) is "
                       f"too small for instance '{instance.name}': component "
                       f"'{instance.type.name}' needs slots up to {highest}")

    # Connections.

    def lookup_instance(self, name):
        instance = self.instances.get(name.text)
        if instance is None:
            self.error(name.location, f"unknown instance '{name.text}'")
        return instance

    def lookup_decl(self, ref, kind, what):
        """The declaration ref names, if it is of that kind; else an error."""
        instance = self.lookup_instance(ref.instance)
        if instance is None:
            return None, None
        decl = instance.type.decl(ref.member.text)
        if decl is None:
            self.error(ref.member.location, f"instance '{instance.name}' (component "
                       f"'{instance.type.name}') has no {what} '{ref.member.text}'")
            return instance, None
        if decl.kind != kind:
            self.error(ref.member.location, f"'{ref}' is {describe_decl(decl)}, not a {what}")
            return instance, None
        return instance, decl

    def check_connections(self, endpoint_of):
        connections = []
        for number, statement in enumerate(self.tree.connections, 1):
            self.attempted.add((statement.client.instance.text, statement.client.member.text))
            client, used = self.lookup_decl(statement.client, "uses", "used interface")
            server, provided = self.lookup_decl(statement.server, "provides",
                                                "provided interface")
            if not (used and provided):
                continue
            if used.interface and provided.interface and used.interface != provided.interface:
                self.error(statement.server.member.location,
                           f"'{statement.client}' uses interface '{used.interface}' but "
                           f"'{statement.server}' provides '{provided.interface}'")
                continue
            previous = client.connections.get(used.name)
            if previous:
                self.error(statement.client.location, f"'{statement.client}' is already "
                           "connected", [(previous.location, "by this connection")])
                continue
            connection = Connection(
                number, statement.location, client, used, endpoint_of[(server, provided)],
                badge=self.badge_of(statement, number),
                rights=self.connection_rights(statement, provided),
                badge_location=statement.badge.location if statement.badge else statement.location,
                rights_location=statement.rights.location if statement.rights
                else statement.location)
            client.connections[used.name] = connection
            connections.append(connection)
        self.check_badges_distinct(connections)
        return connections

    def badge_of(self, statement, number):
        if statement.badge is None:
            return number
        badge = statement.badge
        if badge.value == 0:
            self.error(badge.location, "badge 0 is not allowed: a client's badge must be nonzero "
                       "(0 is what the server's own, unbadged capability shows)")
        elif badge.value >= 1 << 64:
            self.error(badge.location, f"badge {badge.text} does not fit in 64 bits")
        return badge.value

    def connection_rights(self, statement, provided):
        if statement.rights is None:
            wanted = rights.DEFAULT_CONNECTION
        else:
            wanted = self.rights_of(statement.rights)
            if wanted == 0:
                return rights.DEFAULT_CONNECTION  # only unknown words: already reported
        offered = provided.offers
        if wanted & ~offered:
            words = statement.rights.words if statement.rights else []
            culprit = next((w for w in words if rights.WORDS.get(w.text, 0) & ~offered), None)
            where = culprit.location if culprit else statement.location
            asked = culprit.text if culprit else rights.words(wanted)
            self.error(where, f"'{statement.server}' does not offer the right '{asked}' (it "
                       f"offers {rights.words(offered)})")
        return wanted

    def check_badges_distinct(self, connections):
        first_with = {}
        for connection in connections:
            key = (connection.endpoint, connection.badge)
            other = first_with.setdefault(key, connection)
            if other is connection:
                continue
            default = " (a connection's default badge is its number, counting from 1)" \
                if connection.badge_location == connection.location or \
                other.badge_location == other.location else ""
            self.error(connection.badge_location, f"badge 0x{connection.badge:x} is also the "
                       f"badge of another client of '{connection.endpoint}': the server could "
                       f"not tell them apart{default}",
                       [(other.location, "the other connection")])

    def check_all_connected(self):
        for instance in self.instances.values():
            for decl in instance.type.decls:
                if decl.kind == "uses" and decl.name not in instance.connections and \
                        (instance.name, decl.name) not in self.attempted:
                    self.error(instance.location, f"'{instance.name}.{decl.name}' (uses "
                               f"{decl.interface or '?'}) is not connected",
                               [(decl.location, "declared here")])

    # Shared regions.

    def check_regions(self):
        regions = {}
        for statement in self.tree.regions:
            self.check_name(statement.name)
            previous = regions.get(statement.name.text)
            if previous:
                self.error(statement.name.location,
                           f"duplicate shared region '{statement.name.text}'",
                           [(previous.location, f"'{statement.name.text}' was first declared here")])
                continue
            self.check_size(statement.size, f"shared region '{statement.name.text}' size")
            region = Region(len(regions), statement.name.text, statement.size.value,
                            statement.name.location)
            regions[region.name] = region
            for ref in statement.members:
                self.attempted.add((ref.instance.text, ref.member.text))
                instance, decl = self.lookup_decl(ref, "shared", "shared mapping")
                if not decl:
                    continue
                if decl.size != region.size:
                    self.error(ref.member.location, f"'{ref}' maps {size_text(decl.size)} but "
                               f"shared region '{region.name}' is {size_text(region.size)}")
                    continue
                other = instance.regions.get(decl.name)
                if other:
                    self.error(ref.location, f"'{ref}' is already in shared region "
                               f"'{other.name}'", [(other.location, f"'{other.name}' is here")])
                    continue
                instance.regions[decl.name] = region
                region.sharers.append((instance, decl))
        if len(regions) > MAX_SHARED:
            self.error(list(regions.values())[MAX_SHARED].location,
                       f"too many shared regions: a manifest holds at most {MAX_SHARED}")
        for instance in self.instances.values():
            for decl in instance.type.decls:
                if decl.kind == "shared" and decl.name not in instance.regions and \
                        (instance.name, decl.name) not in self.attempted:
                    self.error(instance.location, f"'{instance.name}.{decl.name}' (shared "
                               f"{size_text(decl.size)}) is in no shared region",
                               [(decl.location, "declared here")])
        return list(regions.values())

    # Device resources: one owner each.

    def claims(self, kind):
        """(instance, decl, location) for every declaration of that kind, in
        instance order.  The location is the declaration's own when only one
        instance has its component; else the instance's, which tells them apart."""
        users = {}
        for instance in self.instances.values():
            users[instance.type.name] = users.get(instance.type.name, 0) + 1
        return [(instance, decl,
                 decl.location if users[instance.type.name] == 1 else instance.location)
                for instance in self.instances.values()
                for decl in instance.type.decls if decl.kind == kind and decl.valid]

    def check_exclusive(self, kind, clash, message):
        """Each device resource has one owner: the kernel issues a port or an
        IRQ line once, and two drivers on one MMIO range would fight."""
        claims = self.claims(kind)
        for position, later in enumerate(claims):
            for earlier in claims[:position]:
                if not clash(earlier[1], later[1]):
                    continue
                first, second = sorted([earlier, later], key=lambda claim: claim[2])
                self.error(second[2], message(f"{second[0].name}.{second[1].name}", second[1],
                                              f"{first[0].name}.{first[1].name}", first[1]),
                           [(first[2], f"'{first[0].name}.{first[1].name}' is declared here")])
                break

    def check_devices(self):
        self.check_exclusive(
            "ioports", lambda a, b: _overlap(a.first, a.last, b.first, b.last),
            lambda name, decl, other_name, other:
                f"ports {ports_text(decl.first, decl.last)} of '{name}' overlap ports "
                f"{ports_text(other.first, other.last)} of '{other_name}': a port is issued to "
                "one component only")
        self.check_exclusive(
            "irq", lambda a, b: a.line == b.line,
            lambda name, decl, other_name, other:
                f"IRQ {decl.line} of '{name}' is also claimed by '{other_name}': an interrupt "
                "line has one handler")
        self.check_exclusive(
            "mmio", lambda a, b: _overlap(a.address, a.address + a.size - 1,
                                          b.address, b.address + b.size - 1),
            lambda name, decl, other_name, other:
                f"MMIO {mmio_text(decl.address, decl.size)} of '{name}' overlaps MMIO "
                f"{mmio_text(other.address, other.size)} of '{other_name}'")

    # The whole deployment.

    def run(self):
        self.check_name(self.tree.name)
        self.check_components()
        self.check_instances()
        ordered = layout.start_order(list(self.instances.values()))
        endpoints = [Endpoint(index, instance, decl) for index, (instance, decl)
                     in enumerate(layout.endpoint_keys(ordered))]
        if len(endpoints) > MAX_ENDPOINTS:
            self.error(self.tree.name.location, f"{len(endpoints)} provided interfaces: a "
                       f"manifest holds at most {MAX_ENDPOINTS} endpoints")
        endpoint_of = {(e.server, e.decl): e for e in endpoints}
        connections = self.check_connections(endpoint_of)
        self.check_all_connected()
        regions = self.check_regions()
        self.check_devices()
        deployment = Deployment(self.tree.name.text, self.tree.path, list(self.types.values()),
                                ordered, endpoints, connections, regions, [],
                                location=self.tree.name.location)
        deployment.assertions = policy.resolve(self.tree.assertions, deployment, self.error)
        self.errors.raise_if_any()
        for instance in ordered:
            layout.install_caps(instance, endpoint_of)
        cap_count = sum(len(i.caps) for i in ordered)
        if cap_count > MAX_CAPS:
            self.error(self.tree.name.location, f"{cap_count} capabilities: a manifest holds "
                       f"at most {MAX_CAPS}")
            self.errors.raise_if_any()
        return deployment


def describe_decl(decl):
    """What a declaration is, for messages: 'a used interface (uses probe)'."""
    return {
        "uses": f"a used interface (uses {decl.interface})",
        "provides": f"a provided interface (provides {decl.interface})",
        "ioports": f"an I/O port range (ioports {ports_text(decl.first, decl.last)})",
        "irq": f"an interrupt (irq {decl.line})",
        "mmio": f"an MMIO range (mmio {mmio_text(decl.address, decl.size)})",
        "dma": f"DMA memory (dma {size_text(decl.size)})",
        "shared": f"a shared mapping (shared {size_text(decl.size)})",
        "untyped": f"untyped memory (untyped {size_text(decl.size)})",
        "module": f"a boot module (module \"{decl.file}\" max {size_text(decl.size)})",
        "notification": "a notification",
    }[decl.kind]


def check(tree, interfaces):
    """The Deployment, or IdlError with every independent mistake."""
    return _Checker(tree, interfaces).run()
