"""Turns IDL source text into tokens.

Comments: "// ..." and "/* ... */" are ignored.  Doc comments, "/// ..." and
"/** ... */", are not tokens: their text is attached to the next token (the
parser picks it up when that token starts a declaration, member, method or
parameter) and is copied into the generated headers.
"""
from dataclasses import dataclass
from typing import Optional

from .diagnostics import Location, fail

# Words with a meaning in the language; they cannot name things.
KEYWORDS = frozenset({
    "import", "const", "enum", "struct", "interface", "in", "out", "raises",
    "string", "bytes", "cap", "bool",
    "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64",
})

PUNCTUATION = frozenset("{}()[]<>;,=+-*")

NAME, INTEGER, STRING, PUNCT, EOF = "name", "integer", "string", "punct", "eof"


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    location: Location
    value: Optional[int] = None  # INTEGER tokens: the number
    doc: Optional[str] = None    # doc comment written just before the token

    def describe(self):
        """How the token is named in "expected X, found Y" messages."""
        if self.kind == EOF:
            return "end of file"
        if self.kind == STRING:
            return f'string "{self.text}"'
        return f"'{self.text}'"

    def is_punct(self, text):
        return self.kind == PUNCT and self.text == text

    def is_keyword(self, word):
        return self.kind == NAME and self.text == word


def _is_name_start(ch):
    return ch.isascii() and (ch.isalpha() or ch == "_")


def _is_name_char(ch):
    return ch.isascii() and (ch.isalnum() or ch == "_")


class _Scanner:
    def __init__(self, text, path):
        self.text = text
        self.path = path
        self.pos = 0
        self.line = 1
        self.column = 1
        self.pending_doc = []

    def location(self):
        return Location(self.path, self.line, self.column)

    def peek(self, ahead=0):
        index = self.pos + ahead
        return self.text[index] if index < len(self.text) else ""

    def advance(self, count=1):
        for _ in range(count):
            if self.text[self.pos] == "\n":
                self.line += 1
                self.column = 1
            else:
                self.column += 1
            self.pos += 1

    def take_doc(self):
        if not self.pending_doc:
            return None
        doc = "\n".join(self.pending_doc).strip("\n")
        self.pending_doc = []
        return doc or None

    def skip_line_comment(self):
        start = self.pos
        while self.peek() not in ("", "\n"):
            self.advance()
        comment = self.text[start:self.pos]
        if comment.startswith("///") and not comment.startswith("////"):
            line = comment[3:]
            self.pending_doc.append(line[1:] if line.startswith(" ") else line)

    def skip_block_comment(self):
        where = self.location()
        start = self.pos
        self.advance(2)
        while not (self.peek() == "*" and self.peek(1) == "/"):
            if self.peek() == "":
                fail(where, "unterminated comment: '/*' has no matching '*/'")
            self.advance()
        self.advance(2)
        comment = self.text[start:self.pos]
        if comment.startswith("/**") and comment != "/**/" and not comment.startswith("/***"):
            self.pending_doc.extend(_block_doc_lines(comment[3:-2]))

    # Languages built on this scanner (tools/kdeploy) set their own
    # single-character punctuation and override scan_punct and scan_integer.
    punctuation = PUNCTUATION

    def scan_word(self):
        """The name or number text at the current position (letters, digits, '_')."""
        start = self.pos
        while _is_name_char(self.peek()):
            self.advance()
        return self.text[start:self.pos]

    def scan_integer(self):
        where = self.location()
        text = self.scan_word()
        return Token(INTEGER, text, where, value=parse_integer(text, text, where), doc=self.take_doc())

    def scan_punct(self):
        """The punctuation token at the current position, or None."""
        ch = self.peek()
        if ch not in self.punctuation:
            return None
        token = Token(PUNCT, ch, self.location(), doc=self.take_doc())
        self.advance()
        return token

    def scan_string(self):
        where = self.location()
        self.advance()
        start = self.pos
        while self.peek() != '"':
            if self.peek() in ("", "\n"):
                fail(where, "unterminated string: missing closing '\"'")
            if self.peek() == "\\":
                fail(self.location(), "escape sequences are not supported in strings")
            self.advance()
        text = self.text[start:self.pos]
        self.advance()
        return Token(STRING, text, where, doc=self.take_doc())

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
                result.append(Token(NAME, self.scan_word(), where, doc=self.take_doc()))
            elif ch.isdigit():
                result.append(self.scan_integer())
            elif ch == '"':
                result.append(self.scan_string())
            elif (token := self.scan_punct()) is not None:
                result.append(token)
            else:
                shown = ch if ch.isprintable() else f"\\x{ord(ch):02x}"
                fail(self.location(), f"unexpected character '{shown}'")


def parse_integer(digits_text, text, where, hint=""):
    """The value of an integer literal's digits (decimal, 0x hex, 0b binary, '_' between digits);
    text is the whole literal for messages, hint is added to the invalid-literal one."""
    if "__" in digits_text or digits_text.endswith("_"):
        fail(where, f"invalid integer literal '{text}'")
    digits = digits_text.replace("_", "")
    try:
        if digits[:2] in ("0x", "0X"):
            return int(digits[2:], 16)
        if digits[:2] in ("0b", "0B"):
            return int(digits[2:], 2)
        if len(digits) > 1 and digits[0] == "0":
            fail(where, f"integer literal '{text}' has a leading zero (octal is not supported)")
        return int(digits, 10)
    except ValueError:
        fail(where, f"invalid integer literal '{text}'{hint}")


def _block_doc_lines(body):
    """The lines of a /** ... */ body without the usual leading " * "."""
    lines = []
    for line in body.split("\n"):
        stripped = line.strip()
        if stripped.startswith("*"):
            stripped = stripped[1:]
            if stripped.startswith(" "):
                stripped = stripped[1:]
        lines.append(stripped.rstrip())
    return lines


def tokenize(text, path):
    """All tokens of text, ending with an EOF token; raises IdlError."""
    return _Scanner(text, path).tokens()
