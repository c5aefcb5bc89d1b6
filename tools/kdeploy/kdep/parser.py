"""Recursive-descent parser: tokens to a syntax tree.

The grammar (docs/deployments.md describes every statement):

    file       = "deployment" NAME ";" { import } { item } ;
    import     = "import" STRING ";" ;
    item       = component | instance | connect | region | assert ;
    component  = "component" NAME "{" { member } "}" ;
    member     = "program" STRING ";"
               | "foreign_abi" ";"
               | "uses" NAME NAME ";"
               | "provides" NAME NAME [ "offers" rights ] ";"
               | "ioports" NAME INTEGER ".." INTEGER ";"
               | "irq" NAME INTEGER ";"
               | "mmio" NAME INTEGER INTEGER ";"
               | "dma" NAME INTEGER ";"
               | "shared" NAME INTEGER [ "readonly" ] ";"
               | "untyped" NAME INTEGER ";"
               | "module" NAME STRING "max" INTEGER ";"
               | "notification" NAME ";" ;
    instance   = "instance" NAME ":" NAME ( ";" | "{" { setting } "}" ) ;
    setting    = ( "priority" INTEGER | "memory" INTEGER | "cspace" INTEGER
                 | "restart" ( "never" | "on" "fault" ) | "args" STRING ) ";" ;
    connect    = "connect" NAME "." NAME "to" NAME "." NAME
                 { "badge" INTEGER | "rights" rights } ";" ;
    rights     = NAME { "+" NAME } ;                  (call, send, grant)
    region     = "shared" NAME INTEGER "between" NAME "." NAME { "," NAME "." NAME } ";" ;
    assert     = "assert" ( "only" NAME { "," NAME } "holds" resource
                          | NAME "may" "not" "reach" target
                          | "nothing" "reaches" "both" target "and" target ) ";" ;
    target     = NAME [ "." NAME ] ;
    resource   = "ioports" INTEGER ".." INTEGER | "irq" INTEGER
               | "mmio" INTEGER INTEGER | "dma" ;

The parser stops at the first syntax error, as kidl's does.
"""
from kidl.diagnostics import fail
from kidl.token_stream import TokenStream

from . import syntax
from .lexer import EOF, INTEGER, KEYWORDS, NAME, STRING, tokenize


class _Parser(TokenStream):
    keywords = KEYWORDS

    def expect_name(self, what):
        """A name that is not a keyword, e.g. the name of a new thing."""
        token = self.expect_name_token(what)
        return syntax.Name(token.text, token.location)

    def expect_number(self, what):
        token = self.current
        if token.kind != INTEGER:
            fail(token.location, f"expected {what}, found {token.describe()}")
        self.advance()
        return syntax.Number(token.value, token.text, token.location)

    def expect_string(self, what):
        token = self.current
        if token.kind != STRING:
            fail(token.location, f"expected {what} in quotes, found {token.describe()}")
        self.advance()
        return syntax.Name(token.text, token.location)

    def expect_end(self, context):
        self.expect_punct(";", context)

    # File level.

    def parse_file(self):
        result = syntax.DeploymentFile(self.path)
        self.expect_keyword("deployment", "at the start of a deployment file")
        result.name = self.expect_name("the deployment's name after 'deployment'")
        self.expect_end("after the deployment's name")
        while self.current.is_keyword("import"):
            self.advance()
            path = self.expect_string("an .idl file name after 'import'")
            self.expect_end("after the import")
            result.imports.append(syntax.Import(path.text, path.location))
        while self.current.kind != EOF:
            self.parse_item(result)
        return result

    def parse_item(self, result):
        token = self.current
        if token.is_keyword("component"):
            result.components.append(self.parse_component())
        elif token.is_keyword("instance"):
            result.instances.append(self.parse_instance())
        elif token.is_keyword("connect"):
            result.connections.append(self.parse_connection())
        elif token.is_keyword("shared"):
            result.regions.append(self.parse_region())
        elif token.is_keyword("assert"):
            result.assertions.append(self.parse_assertion())
        elif token.is_keyword("import"):
            fail(token.location, "imports must come before components, instances and connections")
        else:
            fail(token.location, "expected 'component', 'instance', 'connect', 'shared' or "
                 f"'assert', found {token.describe()}")

    # Component types.

    def parse_component(self):
        self.advance()
        name = self.expect_name("a component name after 'component'")
        self.expect_punct("{", f"after component name '{name.text}'")
        component = syntax.Component(name)
        while not self.current.is_punct("}"):
            if self.current.kind == EOF:
                fail(name.location, f"component '{name.text}' has no closing '}}' before the "
                     "end of the file")
            component.members.append(self.parse_member())
        self.advance()
        return component

    def parse_member(self):
        token = self.advance()
        word = token.text if token.kind == NAME else None
        if word == "program":
            program = self.expect_string("the program's name")
            self.expect_end("after the program's name")
            return syntax.ProgramDecl(program.text, program.location)
        if word == "foreign_abi":
            self.expect_end("after 'foreign_abi'")
            return syntax.ForeignAbiDecl(token.location)
        if word in ("uses", "provides"):
            interface = self.expect_name(f"an interface name after '{word}'")
            name = self.expect_name(f"a name for the {'used' if word == 'uses' else 'provided'} "
                                    f"interface after '{interface.text}'")
            offers = None
            if word == "provides" and self.current.is_keyword("offers"):
                self.advance()
                offers = self.parse_rights()
            self.expect_end(f"after '{word} {interface.text} {name.text}'")
            return syntax.InterfaceDecl(word, interface, name, offers)
        if word == "ioports":
            name = self.expect_name("a name after 'ioports'")
            first = self.expect_number("the first port")
            self.expect_punct("..", "between the first and the last port")
            last = self.expect_number("the last port")
            self.expect_end("after the port range")
            return syntax.IoPortsDecl(name, first, last)
        if word == "irq":
            name = self.expect_name("a name after 'irq'")
            line = self.expect_number("an interrupt line")
            self.expect_end("after the interrupt line")
            return syntax.IrqDecl(name, line)
        if word == "mmio":
            name = self.expect_name("a name after 'mmio'")
            address = self.expect_number("a physical address")
            size = self.expect_number("a size after the physical address")
            self.expect_end("after the MMIO size")
            return syntax.MmioDecl(name, address, size)
        if word == "dma":
            name = self.expect_name("a name after 'dma'")
            size = self.expect_number("a size")
            self.expect_end("after the DMA size")
            return syntax.DmaDecl(name, size)
        if word == "shared":
            name = self.expect_name("a name after 'shared'")
            size = self.expect_number("a size")
            readonly = bool(self.current.is_keyword("readonly") and self.advance())
            self.expect_end("after the shared mapping")
            return syntax.SharedDecl(name, size, readonly)
        if word == "untyped":
            name = self.expect_name("a name after 'untyped'")
            size = self.expect_number("the size of the untyped memory")
            self.expect_end("after the untyped size")
            return syntax.UntypedDecl(name, size)
        if word == "module":
            return self.parse_module()
        if word == "notification":
            name = self.expect_name("a name after 'notification'")
            self.expect_end(f"after 'notification {name.text}'")
            return syntax.NotificationDecl(name)
        fail(token.location, "expected 'program', 'foreign_abi', 'uses', 'provides', 'ioports', "
             "'irq', 'mmio', 'dma', 'shared', 'untyped', 'module', 'notification' or '}', "
             f"found {token.describe()}")

    def parse_module(self):
        """module NAME "file" max SIZE;  -- the max is required: it is the
        address range the component reserves, and the root task refuses a
        larger file at boot."""
        name = self.expect_name("a name after 'module'")
        file = self.expect_string(f"the file name of module '{name.text}'")
        if not self.current.is_keyword("max"):
            fail(self.current.location, f"expected 'max' and a size after the file name of "
                 f"module '{name.text}' (the most bytes the file may have), found "
                 f"{self.current.describe()}")
        self.advance()
        max_size = self.expect_number(f"the largest size of module '{name.text}' after 'max'")
        self.expect_end(f"after the size of module '{name.text}'")
        return syntax.ModuleDecl(name, file, max_size)

    def parse_rights(self):
        start = self.current.location
        words = [self.expect_right()]
        while self.accept_punct("+"):
            words.append(self.expect_right())
        return syntax.Rights(words, start)

    def expect_right(self):
        token = self.current
        if token.kind != NAME:
            fail(token.location, f"expected a right (call, send or grant), found {token.describe()}")
        self.advance()
        return syntax.Name(token.text, token.location)

    # Instances.

    def parse_instance(self):
        self.advance()
        name = self.expect_name("an instance name after 'instance'")
        self.expect_punct(":", f"after instance name '{name.text}'")
        component = self.expect_name("a component name after ':'")
        instance = syntax.Instance(name, component)
        if self.accept_punct(";"):
            return instance
        self.expect_punct("{", f"or ';' after 'instance {name.text} : {component.text}'")
        while not self.current.is_punct("}"):
            if self.current.kind == EOF:
                fail(name.location, f"instance '{name.text}' has no closing '}}' before the "
                     "end of the file")
            instance.settings.append(self.parse_setting())
        self.advance()
        return instance

    def parse_setting(self):
        token = self.advance()
        key = syntax.Name(token.text, token.location)
        if token.kind == NAME and token.text in ("priority", "memory", "cspace"):
            value = self.expect_number(f"a number after '{token.text}'")
        elif token.is_keyword("restart"):
            word = self.current
            if word.text == "never" and word.kind == NAME:
                self.advance()
                value = syntax.Name("never", word.location)
            elif word.text == "on" and word.kind == NAME:
                self.advance()
                if not (self.current.kind == NAME and self.current.text == "fault"):
                    fail(self.current.location,
                         f"expected 'fault' after 'restart on', found {self.current.describe()}")
                self.advance()
                value = syntax.Name("on fault", word.location)
            else:
                fail(word.location,
                     f"expected 'never' or 'on fault' after 'restart', found {word.describe()}")
        elif token.is_keyword("args"):
            value = self.expect_string("the argument string")
        else:
            fail(token.location, "expected 'priority', 'memory', 'cspace', 'restart', 'args' "
                 f"or '}}', found {token.describe()}")
        self.expect_end(f"after the '{token.text}' setting")
        return syntax.Setting(key, value)

    # Connections and shared regions.

    def parse_member_ref(self, what):
        instance = self.expect_name(f"an instance name ({what})")
        self.expect_punct(".", f"after instance name '{instance.text}' ({what} is "
                          "instance.name)")
        member = self.expect_name(f"a name after '{instance.text}.'")
        return syntax.Ref(instance, member)

    def parse_connection(self):
        keyword = self.advance()
        client = self.parse_member_ref("the client side")
        self.expect_keyword("to", f"after '{client}'")
        server = self.parse_member_ref("the server side")
        badge = rights = None
        while not self.current.is_punct(";"):
            token = self.current
            if token.is_keyword("badge") and badge is None:
                self.advance()
                badge = self.expect_number("a badge after 'badge'")
            elif token.is_keyword("rights") and rights is None:
                self.advance()
                rights = self.parse_rights()
            elif token.is_keyword("badge") or token.is_keyword("rights"):
                fail(token.location, f"the connection already has its {token.text}")
            else:
                fail(token.location, f"expected 'badge', 'rights' or ';' after '{client} to "
                     f"{server}', found {token.describe()}")
        self.advance()
        return syntax.Connection(client, server, badge, rights, keyword.location)

    def parse_region(self):
        self.advance()
        name = self.expect_name("a region name after 'shared'")
        size = self.expect_number(f"the size of shared region '{name.text}'")
        self.expect_keyword("between", f"after the size of shared region '{name.text}'")
        members = [self.parse_member_ref("a sharer")]
        while self.accept_punct(","):
            members.append(self.parse_member_ref("a sharer"))
        self.expect_end(f"after the sharers of region '{name.text}'")
        return syntax.SharedRegion(name, size, members)

    # Policy assertions.

    def parse_target(self):
        instance = self.expect_name("an instance name")
        member = self.expect_name(f"an interface name after '{instance.text}.'") \
            if self.accept_punct(".") else None
        return syntax.Ref(instance, member)

    def parse_assertion(self):
        keyword = self.advance()
        token = self.current
        if token.is_keyword("only"):
            self.advance()
            holders = [self.expect_name("an instance name after 'only'")]
            while self.accept_punct(","):
                holders.append(self.expect_name("an instance name after ','"))
            self.expect_keyword("holds", "after the instances of 'assert only'")
            result = syntax.OnlyHolds(holders, self.parse_resource(), keyword.location)
        elif token.is_keyword("nothing"):
            self.advance()
            self.expect_keyword("reaches", "after 'assert nothing'")
            self.expect_keyword("both", "after 'assert nothing reaches'")
            first = self.parse_target()
            self.expect_keyword("and", f"after 'both {first}'")
            result = syntax.NothingReachesBoth(first, self.parse_target(), keyword.location)
        elif token.kind == NAME and token.text not in KEYWORDS:
            instance = self.expect_name("an instance name")
            self.expect_keyword("may", f"after 'assert {instance.text}'")
            self.expect_keyword("not", f"after 'assert {instance.text} may'")
            self.expect_keyword("reach", f"after 'assert {instance.text} may not'")
            result = syntax.MayNotReach(instance, self.parse_target(), keyword.location)
        else:
            fail(token.location, "expected 'only', 'nothing' or an instance name after "
                 f"'assert', found {token.describe()}")
        self.expect_end("after the assertion")
        return result

    def parse_resource(self):
        token = self.advance()
        if token.is_keyword("ioports"):
            first = self.expect_number("the first port")
            self.expect_punct("..", "between the first and the last port")
            return syntax.Resource("ioports", token.location, first,
                                   self.expect_number("the last port"))
        if token.is_keyword("irq"):
            return syntax.Resource("irq", token.location, self.expect_number("an interrupt line"))
        if token.is_keyword("mmio"):
            address = self.expect_number("a physical address")
            return syntax.Resource("mmio", token.location, address,
                                   self.expect_number("a size after the physical address"))
        if token.is_keyword("dma"):
            return syntax.Resource("dma", token.location)
        fail(token.location, "expected 'ioports', 'irq', 'mmio' or 'dma' after 'holds', "
             f"found {token.describe()}")


def parse(text, path):
    """The syntax tree of one deployment file; raises IdlError."""
    return _Parser(tokenize(text, path), path).parse_file()
