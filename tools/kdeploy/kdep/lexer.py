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
from kidl.lexer import EOF, INTEGER, NAME, PUNCT, STRING, Token, _Scanner, parse_integer

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

UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


class _DeploymentScanner(_Scanner):
    """kidl's scanner with a deployment's punctuation and sizes."""

    # Single-character punctuation; '.' followed by '.' is the one two-character token.
    punctuation = frozenset("{};:,.+")

    def scan_integer(self):
        where = self.location()
        text = self.scan_word()
        number, unit = text, 1
        if text[-1] in UNITS and len(text) > 1:
            number, unit = text[:-1], UNITS[text[-1]]
        value = parse_integer(number, text, where, " (a size's unit is K, M or G)")
        return Token(INTEGER, text, where, value=value * unit)

    def scan_punct(self):
        if self.peek() == "." and self.peek(1) == ".":
            token = Token(PUNCT, "..", self.location())
            self.advance(2)
            return token
        return super().scan_punct()


def tokenize(text, path):
    """All tokens of text, ending with an EOF token; raises IdlError."""
    return _DeploymentScanner(text, path).tokens()
