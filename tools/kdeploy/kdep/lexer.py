"""Turns deployment source text into tokens.

The tokens, comments, strings and positions are kidl's (ipc-idl/kidl/lexer.py):
the scanner below is kidl's with the three things a deployment needs and an
interface file never has:
  - '.' joins an instance and one of its declarations (client.srv),
    '..' writes an inclusive range (0x3f0..0x3f7), ':' gives an instance its
    component (fdc : floppy_driver);
  - a size may carry a binary unit: 8K, 4M, 1G (K = 1024 bytes).
Comments are "// ..." and "/* ... */", as in IDL files.
"""
from kidl.diagnostics import fail
from kidl.lexer import EOF, INTEGER, NAME, PUNCT, STRING, Token, _Scanner

__all__ = ["tokenize", "KEYWORDS", "EOF", "INTEGER", "NAME", "PUNCT", "STRING", "Token"]

# Words with a meaning in the language; they cannot name things.
KEYWORDS = frozenset({
    "deployment", "import", "component", "program", "foreign_abi", "uses", "provides",
    "offers", "ioports", "irq", "mmio", "dma", "shared", "readonly", "untyped", "module",
    "max", "notification", "instance",
    "priority", "memory", "cspace", "restart", "args", "connect", "to", "badge",
    "rights", "between", "assert", "only", "holds", "may", "not", "reach", "nothing",
    "reaches", "both", "and",
})

# Single-character punctuation; '.' followed by '.' is the one two-character token.
PUNCTUATION = frozenset("{};:,.+")

UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def _is_name_start(ch):
    return ch.isascii() and (ch.isalpha() or ch == "_")


def _is_name_char(ch):
    return ch.isascii() and (ch.isalnum() or ch == "_")


class _DeploymentScanner(_Scanner):
    """kidl's scanner (comment skipping, strings, positions), other tokens."""

    def scan_integer(self):
        where = self.location()
        start = self.pos
        while _is_name_char(self.peek()):
            self.advance()
        text = self.text[start:self.pos]
        number, unit = text, 1
        if text[-1] in UNITS and len(text) > 1:
            number, unit = text[:-1], UNITS[text[-1]]
        digits = number.replace("_", "")
        if "__" in number or number.endswith("_"):
            fail(where, f"invalid integer literal '{text}'")
        try:
            if digits[:2] in ("0x", "0X"):
                value = int(digits[2:], 16)
            elif digits[:2] in ("0b", "0B"):
                value = int(digits[2:], 2)
            elif len(digits) > 1 and digits[0] == "0":
                fail(where, f"integer literal '{text}' has a leading zero "
                     "(octal is not supported)")
            else:
                value = int(digits, 10)
        except ValueError:
            fail(where, f"invalid integer literal '{text}' (a size's unit is K, M or G)")
        return Token(INTEGER, text, where, value=value * unit)

    def tokens(self):
        result = []
        while True:
            ch = self.peek()
            if ch == "":
                result.append(Token(EOF, "", self.location()))
                return result
            if ch in " \t\r\n":
                self.advance()
            elif ch == "/" and self.peek(1) == "/":
                self.skip_line_comment()
            elif ch == "/" and self.peek(1) == "*":
                self.skip_block_comment()
            elif _is_name_start(ch):
                where = self.location()
                start = self.pos
                while _is_name_char(self.peek()):
                    self.advance()
                result.append(Token(NAME, self.text[start:self.pos], where))
            elif ch.isdigit():
                result.append(self.scan_integer())
            elif ch == '"':
                result.append(self.scan_string())
            elif ch == "." and self.peek(1) == ".":
                result.append(Token(PUNCT, "..", self.location()))
                self.advance(2)
            elif ch in PUNCTUATION:
                result.append(Token(PUNCT, ch, self.location()))
                self.advance()
            else:
                shown = ch if ch.isprintable() else f"\\x{ord(ch):02x}"
                fail(self.location(), f"unexpected character '{shown}'")


def tokenize(text, path):
    """All tokens of text, ending with an EOF token; raises IdlError."""
    return _DeploymentScanner(text, path).tokens()
