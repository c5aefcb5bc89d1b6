"""Walking a token list: what kidl's parser and tools/kdeploy's share.

A parser subclasses TokenStream and sets `keywords` (the words that can
never be names); the expect_* helpers stop at the first mismatch with a
file:line:column diagnostic (diagnostics.fail).
"""
from .diagnostics import fail
from .lexer import EOF, NAME


class TokenStream:
    keywords = frozenset()

    def __init__(self, tokens, path):
        self.tokens = tokens
        self.index = 0
        self.path = path

    @property
    def current(self):
        return self.tokens[self.index]

    def advance(self):
        token = self.tokens[self.index]
        if token.kind != EOF:
            self.index += 1
        return token

    def accept_punct(self, text):
        if self.current.is_punct(text):
            return self.advance()
        return None

    def expect_punct(self, text, context):
        if not self.current.is_punct(text):
            fail(self.current.location,
                 f"expected '{text}' {context}, found {self.current.describe()}")
        return self.advance()

    def expect_keyword(self, word, context):
        if not self.current.is_keyword(word):
            fail(self.current.location,
                 f"expected '{word}' {context}, found {self.current.describe()}")
        return self.advance()

    def expect_name_token(self, what):
        """A NAME token that is not a keyword: the name of a new thing."""
        token = self.current
        if token.kind != NAME:
            fail(token.location, f"expected {what}, found {token.describe()}")
        if token.text in self.keywords:
            fail(token.location,
                 f"'{token.text}' is a keyword and cannot be used as a name")
        return self.advance()
