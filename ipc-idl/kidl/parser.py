"""Recursive-descent parser: tokens to a syntax tree.

The grammar (see docs/idl.md for the full description):

    file        = { import } { declaration } ;
    import      = "import" STRING ";" ;
    declaration = const | enum | struct | interface ;
    const       = "const" NAME "=" expr ";" ;
    enum        = "enum" NAME "{" [ enumerator { "," enumerator } [ "," ] ] "}" [ ";" ] ;
    enumerator  = NAME [ "=" expr ] ;
    struct      = "struct" NAME "{" { type NAME ";" } "}" [ ";" ] ;
    interface   = "interface" NAME "{" { method } "}" [ ";" ] ;
    method      = NAME "(" [ param { "," param } ] ")" [ "raises" NAME ] "=" expr ";" ;
    param       = ( "in" | "out" ) type NAME ;
    type        = base { "[" expr "]" } ;
    base        = "u8" | ... | "i64" | "bool" | "cap"
                | "string" "<" expr ">" | "bytes" "<" expr ">" | NAME ;
    expr        = term { ( "+" | "-" ) term } ;
    term        = unary { "*" unary } ;
    unary       = "-" unary | INTEGER | NAME | "(" expr ")" ;

The parser stops at the first syntax error: what follows a syntax error is
rarely worth reporting.
"""
from . import syntax
from .diagnostics import fail
from .lexer import EOF, INTEGER, KEYWORDS, NAME, STRING, tokenize
from .token_stream import TokenStream

SCALAR_NAMES = ("u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "bool")


class _Parser(TokenStream):
    keywords = KEYWORDS

    def expect_name(self, what):
        return self.expect_name_token(what)

    # File level.

    def parse_file(self):
        result = syntax.IdlFile(self.path)
        while self.current.is_keyword("import"):
            result.imports.append(self.parse_import())
        while self.current.kind != EOF:
            result.declarations.append(self.parse_declaration())
        return result

    def parse_import(self):
        self.advance()
        token = self.current
        if token.kind != STRING:
            fail(token.location,
                 f"expected a file name in quotes after 'import', found {token.describe()}")
        self.advance()
        self.expect_punct(";", "after the import")
        return syntax.Import(token.text, token.location)

    def parse_declaration(self):
        token = self.current
        if token.is_keyword("const"):
            return self.parse_const()
        if token.is_keyword("enum"):
            return self.parse_enum()
        if token.is_keyword("struct"):
            return self.parse_struct()
        if token.is_keyword("interface"):
            return self.parse_interface()
        if token.is_keyword("import"):
            fail(token.location, "imports must come before all declarations")
        fail(token.location, "expected 'const', 'enum', 'struct' or 'interface', "
             f"found {token.describe()}")

    def parse_const(self):
        doc = self.advance().doc
        name = self.expect_name("a constant name after 'const'")
        self.expect_punct("=", f"after constant name '{name.text}'")
        value = self.parse_expr()
        self.expect_punct(";", "after the constant's value")
        return syntax.ConstDecl(name.text, value, name.location, doc)

    def end_of_block(self):
        """Consumes "}" and the optional ";" C programmers type after it."""
        self.advance()
        self.accept_punct(";")

    def parse_enum(self):
        doc = self.advance().doc
        name = self.expect_name("an enum name after 'enum'")
        self.expect_punct("{", f"after enum name '{name.text}'")
        members = []
        while not self.current.is_punct("}"):
            member = self.expect_name("an enumerator name or '}'")
            value = None
            if self.accept_punct("="):
                value = self.parse_expr()
            members.append(syntax.EnumeratorDecl(member.text, value,
                                                 member.location, member.doc))
            if not self.accept_punct(","):
                if not self.current.is_punct("}"):
                    fail(self.current.location, "expected ',' or '}' after enumerator "
                         f"'{member.text}', found {self.current.describe()}")
        self.end_of_block()
        return syntax.EnumDecl(name.text, members, name.location, doc)

    def parse_struct(self):
        doc = self.advance().doc
        name = self.expect_name("a struct name after 'struct'")
        self.expect_punct("{", f"after struct name '{name.text}'")
        fields = []
        while not self.current.is_punct("}"):
            if self.current.kind == EOF:
                fail(name.location, f"struct '{name.text}' has no closing '}}' before the end "
                     "of the file")
            field_doc = self.current.doc
            field_type = self.parse_type()
            field_name = self.expect_name("a field name after the field type")
            self.expect_punct(";", f"after field '{field_name.text}'")
            fields.append(syntax.FieldDecl(field_type, field_name.text,
                                           field_name.location, field_doc))
        self.end_of_block()
        return syntax.StructDecl(name.text, fields, name.location, doc)

    def parse_interface(self):
        doc = self.advance().doc
        name = self.expect_name("an interface name after 'interface'")
        self.expect_punct("{", f"after interface name '{name.text}'")
        methods = []
        while not self.current.is_punct("}"):
            if self.current.kind == EOF:
                fail(name.location, f"interface '{name.text}' has no closing '}}' before the "
                     "end of the file")
            methods.append(self.parse_method())
        self.end_of_block()
        return syntax.InterfaceDecl(name.text, methods, name.location, doc)

    def parse_method(self):
        name = self.expect_name("a procedure name or '}'")
        self.expect_punct("(", f"after procedure name '{name.text}'")
        params = []
        if not self.current.is_punct(")"):
            params.append(self.parse_param())
            while self.accept_punct(","):
                params.append(self.parse_param())
        self.expect_punct(")", "after the parameters")
        raises = None
        if self.current.is_keyword("raises"):
            self.advance()
            error_type = self.expect_name("an error enum name after 'raises'")
            raises = syntax.NameRef(error_type.text, error_type.location)
        if not self.current.is_punct("="):
            fail(self.current.location, "expected '= <ordinal>' after procedure "
                 f"'{name.text}', found {self.current.describe()}"
                 " (every procedure needs an explicit, stable ordinal)")
        self.advance()
        ordinal = self.parse_expr()
        self.expect_punct(";", f"after the ordinal of procedure '{name.text}'")
        return syntax.MethodDecl(name.text, params, raises, ordinal,
                                 name.location, name.doc)

    def parse_param(self):
        token = self.current
        if not (token.is_keyword("in") or token.is_keyword("out")):
            fail(token.location,
                 f"expected 'in' or 'out' before a parameter, found {token.describe()}")
        self.advance()
        param_type = self.parse_type()
        name = self.expect_name("a parameter name after the parameter type")
        return syntax.ParamDecl(token.text, param_type, name.text,
                                name.location, token.doc)

    # Types.

    def parse_type(self):
        base = self.parse_base_type()
        # T[a][b] means what it means in C: a arrays of b elements of T.
        dimensions = []
        while self.current.is_punct("["):
            bracket = self.advance()
            dimensions.append((self.parse_expr(), bracket.location))
            self.expect_punct("]", "after the array length")
        result = base
        for length, where in reversed(dimensions):
            result = syntax.ArrayTypeRef(result, length, where)
        return result

    def parse_base_type(self):
        token = self.current
        if token.kind != NAME:
            fail(token.location, f"expected a type, found {token.describe()}")
        self.advance()
        if token.text in SCALAR_NAMES:
            return syntax.ScalarTypeRef(token.text, token.location)
        if token.text == "cap":
            return syntax.CapTypeRef(token.location)
        if token.text in ("string", "bytes"):
            self.expect_punct("<", f"after '{token.text}' (write {token.text}<max>)")
            bound = self.parse_expr()
            self.expect_punct(">", f"after the maximum length of '{token.text}'")
            if token.text == "string":
                return syntax.StringTypeRef(bound, token.location)
            return syntax.BytesTypeRef(bound, token.location)
        if token.text in KEYWORDS:
            fail(token.location, f"expected a type, found {token.describe()}")
        return syntax.NamedTypeRef(token.text, token.location)

    # Integer expressions.

    def parse_expr(self):
        left = self.parse_term()
        while self.current.is_punct("+") or self.current.is_punct("-"):
            operator = self.advance()
            right = self.parse_term()
            left = syntax.BinaryOp(operator.text, left, right, operator.location)
        return left

    def parse_term(self):
        left = self.parse_unary()
        while self.current.is_punct("*"):
            operator = self.advance()
            right = self.parse_unary()
            left = syntax.BinaryOp("*", left, right, operator.location)
        return left

    def parse_unary(self):
        token = self.current
        if token.is_punct("-"):
            self.advance()
            return syntax.Negate(self.parse_unary(), token.location)
        if token.kind == INTEGER:
            self.advance()
            return syntax.IntLiteral(token.value, token.location)
        if token.kind == NAME and token.text not in KEYWORDS:
            self.advance()
            return syntax.NameRef(token.text, token.location)
        if token.is_punct("("):
            self.advance()
            inner = self.parse_expr()
            self.expect_punct(")", "to close the parenthesis")
            return inner
        fail(token.location, f"expected a number or a constant name, found {token.describe()}")


def parse(text, path):
    """The syntax tree of one file; raises IdlError on the first syntax error."""
    return _Parser(tokenize(text, path), path).parse_file()
