"""Safe user formulas: a whitelist over Python's `ast`, evaluated with NumPy, differentiated symbolically.

    >>> import numpy as np
    >>> from surfaces.formula import parse_formula
    >>> f = parse_formula("sin(x)*cos(y) + 0.1*(x**2 + y**2)")
    >>> f(x=np.array([0.0, 1.0]), y=0.0)
    array([0.        , 0.94147098])
    >>> str(f.diff("y"))
    '-(sin(x) * sin(y)) + 0.1 * (2 * y)'

Security model: the text is only ever handed to ``ast.parse(text, mode="eval")``
to obtain a syntax tree; it is never compiled, ``eval``-ed or ``exec``-ed. The
tree is walked here and every node that is not on the whitelist (numbers, the
variables, ``pi``, ``e``, ``+ - * / **``, unary ``-``/``+`` and the functions in
`FUNCTIONS`) is rejected with a `FormulaError` naming the column. The length,
the number of syntax nodes, the nesting depth and constant exponents are
bounded *before* anything is evaluated, so that inputs like ``9**9**9**9`` or
``'(' * 500`` fail in microseconds. Constants become floats (no Python big
integers), and evaluation runs under ``np.errstate(all="ignore")``: overflow
gives ``inf`` and domain errors give ``nan``, but evaluation never raises.

Derivatives are symbolic: `Expr.diff` builds a new tree with the usual rules
(product, quotient, chain, ``f**g``), simplifying ``0`` and ``1`` terms and
folding constants. Trees are hash-consed (equal subtrees are one shared node),
so the Hessian's trees reuse the gradient's subtrees and each shared node is
computed once per evaluation.
"""
from __future__ import annotations

import ast
import math
import warnings
from typing import Callable

import numpy as np

__all__ = ["FormulaError", "Expr", "parse_formula", "node_count", "evaluate_together", "FUNCTIONS", "CONSTANTS",
           "MAX_LENGTH", "MAX_NODES", "MAX_DEPTH", "MAX_EXPONENT"]

MAX_LENGTH = 300     # characters
MAX_NODES = 200      # expression nodes (numbers, names, operations, calls)
MAX_DEPTH = 64       # nesting levels of the syntax tree (a sum of n terms nests n deep)
MAX_EXPONENT = 100   # largest |p| of a constant exponent in a ** p
MAX_PRINT = 20_000   # str() of a derived expression larger than this prints a summary

# name -> (number of arguments, NumPy implementation)
FUNCTIONS: dict[str, tuple[int, Callable]] = {
    "sin": (1, np.sin), "cos": (1, np.cos), "tan": (1, np.tan),
    "exp": (1, np.exp), "log": (1, np.log), "log10": (1, np.log10), "sqrt": (1, np.sqrt),
    "abs": (1, np.abs), "sign": (1, np.sign),
    "tanh": (1, np.tanh), "sinh": (1, np.sinh), "cosh": (1, np.cosh), "arctan": (1, np.arctan),
    "min": (2, np.minimum), "max": (2, np.maximum),
}
ALIASES = {"atan": "arctan"}
CONSTANTS = {"pi": math.pi, "e": math.e}

_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
_SYMBOLS = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.BitXor: "^", ast.BitAnd: "&",
            ast.BitOr: "|", ast.LShift: "<<", ast.RShift: ">>", ast.Invert: "~", ast.Not: "not"}
_HINTS = {"^": "; use ** for powers", "//": "; use / for division", "%": ""}
_FORBIDDEN = {
    ast.Attribute: "attribute access ('.')", ast.Subscript: "indexing ('[...]')",
    ast.Slice: "a slice", ast.Lambda: "lambda", ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension", ast.DictComp: "a comprehension", ast.GeneratorExp: "a comprehension",
    ast.List: "a list", ast.Tuple: "a tuple (a comma)", ast.Dict: "a dict", ast.Set: "a set",
    ast.JoinedStr: "an f-string", ast.FormattedValue: "an f-string", ast.NamedExpr: "assignment (':=')",
    ast.Starred: "a starred expression ('*')", ast.Compare: "a comparison", ast.BoolOp: "'and'/'or'",
    ast.IfExp: "'if'/'else'", ast.Await: "'await'", ast.Yield: "'yield'", ast.YieldFrom: "'yield'",
}


class FormulaError(ValueError):
    """A formula was rejected. ``str(err)`` says what and where; ``column`` is 1-based (or None).

    Attributes:
      reason: the message without the position.
      column: 1-based character column of the offending part, or ``None``.
    """

    def __init__(self, reason: str, column: int | None = None):
        self.reason = reason
        self.column = column
        super().__init__(reason if column is None else f"{reason} at column {column}")


# ---------------------------------------------------------------------------- trees

class _Node:
    """One node of a hash-consed expression DAG; build them only through `_Builder`."""

    __slots__ = ("op", "args", "value", "uid")

    def __init__(self, op: str, args: tuple, value, uid: int):
        self.op, self.args, self.value, self.uid = op, args, value, uid

    def is_const(self, v: float | None = None) -> bool:
        return self.op == "const" and (v is None or self.value == v)


def _apply(op: str, vals: list):
    """NumPy semantics of one node (shared by evaluation and constant folding)."""
    if op == "add":
        return np.add(vals[0], vals[1])
    if op == "sub":
        return np.subtract(vals[0], vals[1])
    if op == "mul":
        return np.multiply(vals[0], vals[1])
    if op == "div":
        return np.divide(vals[0], vals[1])
    if op == "pow":
        return np.power(vals[0], vals[1])
    if op == "neg":
        return np.negative(vals[0])
    if op == "where_le":  # only in derivatives of min/max: where(a <= b, p, q)
        return np.where(np.less_equal(vals[0], vals[1]), vals[2], vals[3])
    return FUNCTIONS[op][1](*vals)


class _Builder:
    """Makes nodes, sharing equal subtrees and simplifying 0/1 terms and constants."""

    def __init__(self):
        self._table: dict[tuple, _Node] = {}

    def _make(self, op: str, args: tuple = (), value=None) -> _Node:
        key = (op, value, tuple(a.uid for a in args))
        node = self._table.get(key)
        if node is None:
            node = self._table[key] = _Node(op, args, value, len(self._table))
        return node

    def const(self, v) -> _Node:
        v = float(v)
        return self._make("const", value=0.0 if v == 0 else v)  # one zero: -0.0 == 0.0

    def var(self, name: str) -> _Node:
        return self._make("var", value=name)

    def _fold(self, op: str, args: tuple) -> _Node | None:
        if all(a.op == "const" for a in args):
            with np.errstate(all="ignore"):
                return self.const(_apply(op, [a.value for a in args]))
        return None

    def neg(self, a: _Node) -> _Node:
        if a.op == "neg":
            return a.args[0]
        return self._fold("neg", (a,)) or self._make("neg", (a,))

    def add(self, a: _Node, b: _Node) -> _Node:
        if a.is_const(0):
            return b
        if b.is_const(0):
            return a
        if b.op == "neg":
            return self.sub(a, b.args[0])
        return self._fold("add", (a, b)) or self._make("add", (a, b))

    def sub(self, a: _Node, b: _Node) -> _Node:
        if b.is_const(0):
            return a
        if a.is_const(0):
            return self.neg(b)
        if b.op == "neg":
            return self.add(a, b.args[0])
        return self._fold("sub", (a, b)) or self._make("sub", (a, b))

    def mul(self, a: _Node, b: _Node) -> _Node:
        if a.is_const(0) or b.is_const(0):
            return self.const(0.0)
        if a.is_const(1):
            return b
        if b.is_const(1):
            return a
        if a.is_const(-1):
            return self.neg(b)
        if b.is_const(-1):
            return self.neg(a)
        if a.op == "neg" and b.op == "neg":
            return self.mul(a.args[0], b.args[0])
        if a.op == "neg":
            return self.neg(self.mul(a.args[0], b))
        if b.op == "neg":
            return self.neg(self.mul(a, b.args[0]))
        if b.op == "const" and a.op != "const":  # constants first: 2 * x
            a, b = b, a
        return self._fold("mul", (a, b)) or self._make("mul", (a, b))

    def div(self, a: _Node, b: _Node) -> _Node:
        if a.is_const(0):
            return self.const(0.0)
        if b.is_const(1):
            return a
        if a.op == "neg":
            return self.neg(self.div(a.args[0], b))
        return self._fold("div", (a, b)) or self._make("div", (a, b))

    def pow(self, a: _Node, b: _Node) -> _Node:
        if b.is_const(1):
            return a
        if b.is_const(0):
            return self.const(1.0)
        return self._fold("pow", (a, b)) or self._make("pow", (a, b))

    def call(self, fn: str, *args: _Node) -> _Node:
        return self._fold(fn, args) or self._make(fn, args)

    def where_le(self, a: _Node, b: _Node, p: _Node, q: _Node) -> _Node:
        if p is q:
            return p
        return self._fold("where_le", (a, b, p, q)) or self._make("where_le", (a, b, p, q))

    # ------------------------------------------------------------ differentiation

    def diff(self, node: _Node, var: str, memo: dict) -> _Node:
        """d node / d var, memoized per shared subtree."""
        hit = memo.get(node.uid)
        if hit is not None:
            return hit
        out = self._diff(node, var, memo)
        memo[node.uid] = out
        return out

    def _diff(self, n: _Node, var: str, memo: dict) -> _Node:
        op, args = n.op, n.args
        if op == "const":
            return self.const(0.0)
        if op == "var":
            return self.const(1.0 if n.value == var else 0.0)
        d = [self.diff(a, var, memo) for a in args]
        if all(x.is_const(0) for x in d):
            return self.const(0.0)
        a = args[0]
        da = d[0]
        if op == "neg":
            return self.neg(da)
        if op == "add":
            return self.add(da, d[1])
        if op == "sub":
            return self.sub(da, d[1])
        if op == "mul":
            return self.add(self.mul(da, args[1]), self.mul(a, d[1]))
        if op == "div":  # (a/b)' = a'/b - a b'/b²
            b = args[1]
            return self.sub(self.div(da, b), self.div(self.mul(a, d[1]), self.pow(b, self.const(2))))
        if op == "pow":
            b = args[1]
            if b.op == "const":  # (a^c)' = c a^(c-1) a'
                return self.mul(self.mul(b, self.pow(a, self.const(b.value - 1.0))), da)
            # (a^b)' = a^b (b' log a + b a'/a)
            inner = self.add(self.mul(d[1], self.call("log", a)), self.div(self.mul(b, da), a))
            return self.mul(n, inner)
        if op == "where_le":
            return self.where_le(args[0], args[1], d[2], d[3])
        if op == "min":  # where(a <= b, a', b'): one subgradient at ties
            return self.where_le(args[0], args[1], da, d[1])
        if op == "max":
            return self.where_le(args[1], args[0], da, d[1])
        return self.mul(self._outer(op, a, n), da)

    def _outer(self, fn: str, a: _Node, n: _Node) -> _Node:
        """f'(a) for a one-argument function f (``n`` is f(a) itself, for reuse)."""
        c = self.const
        if fn == "sin":
            return self.call("cos", a)
        if fn == "cos":
            return self.neg(self.call("sin", a))
        if fn == "tan":
            return self.add(c(1), self.pow(n, c(2)))
        if fn == "exp":
            return n
        if fn == "log":
            return self.div(c(1), a)
        if fn == "log10":
            return self.div(c(1), self.mul(c(math.log(10.0)), a))
        if fn == "sqrt":
            return self.div(c(0.5), n)
        if fn == "abs":
            return self.call("sign", a)
        if fn == "sign":
            return c(0)
        if fn == "tanh":
            return self.sub(c(1), self.pow(n, c(2)))
        if fn == "sinh":
            return self.call("cosh", a)
        if fn == "cosh":
            return self.call("sinh", a)
        if fn == "arctan":
            return self.div(c(1), self.add(c(1), self.pow(a, c(2))))
        raise AssertionError(f"no derivative rule for {fn}")  # pragma: no cover


# ---------------------------------------------------------------------------- printing

_PRECEDENCE = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4}
_INFIX = {"add": " + ", "sub": " - ", "mul": " * ", "div": " / ", "pow": "**"}


def _number(v: float) -> str:
    if math.isfinite(v) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def _to_str(n: _Node) -> str:
    if n.op == "const":
        return _number(n.value) if n.value >= 0 or math.isnan(n.value) else f"({_number(n.value)})"
    if n.op == "var":
        return n.value
    if n.op == "neg":
        inner = n.args[0]
        s = _to_str(inner)
        return f"-{s}" if _PRECEDENCE.get(inner.op, 5) > 3 else f"-({s})"
    if n.op in _INFIX:
        p = _PRECEDENCE[n.op]
        a, b = n.args
        sa, sb = _to_str(a), _to_str(b)
        pa, pb = _PRECEDENCE.get(a.op, 5), _PRECEDENCE.get(b.op, 5)
        left_assoc = n.op != "pow"
        if pa < p or (not left_assoc and pa == p):
            sa = f"({sa})"
        # A right operand of equal precedence keeps its parentheses for every operator: floating
        # point is not associative, so `a + (b + c)` must not print as `a + b + c`.
        if pb < p or (left_assoc and pb == p) or (n.op == "pow" and pb == 3):
            sb = f"({sb})"
        return f"{sa}{_INFIX[n.op]}{sb}"
    if n.op == "where_le":
        a, b, p, q = (_to_str(x) for x in n.args)
        return f"where({a} <= {b}, {p}, {q})"
    return f"{n.op}({', '.join(_to_str(x) for x in n.args)})"


# ---------------------------------------------------------------------------- Expr

class Expr:
    """A parsed formula: call it with the variables as keyword arrays.

    Attributes:
      text: the formula printed from its parsed (and simplified) tree, e.g. ``"x**2 + 10 * y**2"``:
        valid Python over the variables, ``pi``-free numbers and the functions of `FUNCTIONS`,
        never the user's raw text (no comments, no look-alike characters, no layout).
      variables: the variable names it may use, e.g. ``("x", "y")``.
    """

    def __init__(self, node: _Node, variables: tuple[str, ...], builder: _Builder):
        self._node, self.variables, self._builder = node, variables, builder

    @property
    def text(self) -> str:
        return str(self)

    def __call__(self, **arrays) -> np.ndarray:
        """Evaluate elementwise; returns a float64 array broadcast to the inputs' shape.

        Never raises for numeric reasons: overflow gives ``inf``, domain errors ``nan``.

        Raises:
          TypeError: a variable is missing or an unknown keyword is given.
        """
        missing = [v for v in self.variables if v not in arrays]
        extra = [k for k in arrays if k not in self.variables]
        if missing or extra:
            raise TypeError(f"formula takes the variables {', '.join(self.variables)}; "
                            f"missing {missing}, unexpected {extra}")
        env = {k: np.asarray(v, dtype=np.float64) for k, v in arrays.items()}
        shape = np.broadcast_shapes(*(a.shape for a in env.values()))
        with np.errstate(all="ignore"):
            out = _evaluate(self._node, env, {})
        return np.array(np.broadcast_to(np.asarray(out, dtype=np.float64), shape))

    def diff(self, var: str) -> "Expr":
        """The symbolic partial derivative with respect to ``var`` (itself an `Expr`)."""
        if var not in self.variables:
            raise ValueError(f"Unknown variable {var!r}; the formula's variables are {self.variables}")
        return Expr(self._builder.diff(self._node, var, {}), self.variables, self._builder)

    @property
    def is_constant(self) -> bool:
        return self._node.op == "const"

    def uses(self, var: str) -> bool:
        """Whether the simplified tree mentions ``var``."""
        seen, stack = set(), [self._node]
        while stack:
            n = stack.pop()
            if n.uid in seen:
                continue
            seen.add(n.uid)
            if n.op == "var" and n.value == var:
                return True
            stack.extend(n.args)
        return False

    def __str__(self) -> str:
        size = _tree_size(self._node, {})
        if size > MAX_PRINT:  # shared subtrees print once per use: the text can be exponential
            return f"<expression of {size} terms>"
        return _to_str(self._node)

    def __repr__(self) -> str:
        return f"Expr({str(self)!r}, variables={self.variables})"


def evaluate_together(exprs: tuple[Expr, ...] | list[Expr], **arrays) -> list[np.ndarray]:
    """Evaluate several expressions of one builder (a formula and its derivatives) in one pass:
    a subtree they share is computed once, so the cost is `node_count` of them together."""
    first = exprs[0]
    missing = [v for v in first.variables if v not in arrays]
    extra = [k for k in arrays if k not in first.variables]
    if missing or extra or any(e._builder is not first._builder for e in exprs):
        raise TypeError(f"formula takes the variables {', '.join(first.variables)}; "
                        f"missing {missing}, unexpected {extra} (or expressions of other formulas)")
    env = {k: np.asarray(v, dtype=np.float64) for k, v in arrays.items()}
    shape = np.broadcast_shapes(*(a.shape for a in env.values()))
    memo: dict = {}
    with np.errstate(all="ignore"):
        outs = [_evaluate(e._node, env, memo) for e in exprs]
    return [np.array(np.broadcast_to(np.asarray(o, dtype=np.float64), shape)) for o in outs]


def node_count(*exprs: Expr) -> int:
    """Distinct nodes of one or more expressions together: the NumPy operations one evaluation of
    all of them makes (shared subtrees are computed once), a measure of their cost."""
    seen: set[int] = set()
    stack = [e._node for e in exprs]
    while stack:
        n = stack.pop()
        if n.uid not in seen:
            seen.add(n.uid)
            stack.extend(n.args)
    return len(seen)


def _tree_size(node: _Node, memo: dict) -> int:
    """Number of nodes once shared subtrees are expanded (what `_to_str` would print)."""
    hit = memo.get(node.uid)
    if hit is None:
        hit = memo[node.uid] = 1 + sum(_tree_size(a, memo) for a in node.args)
    return hit


def _evaluate(node: _Node, env: dict, memo: dict):
    hit = memo.get(node.uid)
    if hit is not None:
        return hit
    if node.op == "const":
        out = node.value
    elif node.op == "var":
        out = env[node.value]
    else:
        out = _apply(node.op, [_evaluate(a, env, memo) for a in node.args])
    memo[node.uid] = out
    return out


# ---------------------------------------------------------------------------- parsing

def parse_formula(text: str, variables: tuple[str, ...] = ("x", "y")) -> Expr:
    """Parse ``text`` into an `Expr` over ``variables``, or raise `FormulaError`.

    Allowed: numbers, the variables, ``pi``, ``e``; ``+ - * / **`` and unary
    ``-``/``+``; the functions in `FUNCTIONS` (``atan`` is an alias of
    ``arctan``; ``min``/``max`` take two arguments and act elementwise).

    Args:
      text: the formula, at most `MAX_LENGTH` characters on one line.
      variables: names the formula may use, e.g. ``("t",)`` for a schedule.

    Raises:
      FormulaError: (a ``ValueError``) with a message naming the column.
      ValueError: ``variables`` are not plain identifiers or clash with a function/constant.
    """
    variables = tuple(variables)
    for v in variables:
        if not isinstance(v, str) or not v.isidentifier() or v in FUNCTIONS or v in ALIASES or v in CONSTANTS:
            raise ValueError(f"Invalid variable name {v!r}")
    if not isinstance(text, str):
        raise FormulaError(f"the formula must be text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is too long ({len(text)} characters; the limit is {MAX_LENGTH})",
                           MAX_LENGTH + 1)
    for i, ch in enumerate(text):
        if (ord(ch) < 32 and ch != "\t") or ord(ch) == 127:
            raise FormulaError("line breaks and control characters are not allowed", i + 1)
    if not text.strip():
        raise FormulaError("the formula is empty")
    if "#" in text:   # strings are rejected anyway, so any '#' starts a comment that ast would drop
        raise FormulaError("comments ('#') are not allowed", text.index("#") + 1)
    try:
        with warnings.catch_warnings():       # e.g. "invalid decimal literal" for `1if`: an error below
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(text, mode="eval")
    except SyntaxError as err:
        col = err.offset if err.offset and 0 < err.offset <= len(text) else len(text) + 1
        detail = "" if (err.msg or "").startswith("invalid syntax") else f" ({err.msg})"
        if col > len(text):
            raise FormulaError(f"unexpected end of formula{detail}", col) from None
        raise FormulaError(f"syntax error{detail}", col) from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError("the formula is nested too deeply") from None
    _check_size(tree, text)
    builder = _Builder()
    node = _Converter(text, variables, builder).convert(tree.body, 1)
    return Expr(node, variables, builder)


def _char_column(text: str, offset: int) -> int:
    """1-based character column of an ast offset (ast counts UTF-8 bytes)."""
    return len(text.encode("utf-8")[:offset].decode("utf-8", errors="ignore")) + 1


def _check_size(tree: ast.Expression, text: str) -> None:
    """Bound the nesting depth and the number of expression nodes, iteratively (no recursion)."""
    found = []  # (column, depth) of every expression node
    stack = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr):
            found.append((node.col_offset, depth))
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    found.sort()
    for offset, depth in found:
        if depth > MAX_DEPTH:
            raise FormulaError(f"the formula is nested too deeply (more than {MAX_DEPTH} levels)",
                               _char_column(text, offset))
    if len(found) > MAX_NODES:
        raise FormulaError(f"the formula has too many parts (more than {MAX_NODES} numbers, names "
                           f"and operations)", _char_column(text, found[MAX_NODES][0]))


class _Converter:
    """Walks Python's syntax tree, accepting only whitelisted nodes."""

    def __init__(self, text: str, variables: tuple[str, ...], builder: _Builder):
        self.text, self.variables, self.b = text, variables, builder

    def column(self, node: ast.AST) -> int | None:
        offset = getattr(node, "col_offset", None)
        return None if offset is None else _char_column(self.text, offset)

    def operator_column(self, node: ast.BinOp, symbol: str) -> int | None:
        """Column of the operator between the two operands (ast does not record it)."""
        start, end = self.column_end(node.left), self.column(node.right)
        if start is not None and end is not None:
            pos = self.text.find(symbol, start - 1, end - 1)
            if pos >= 0:
                return pos + 1
        return self.column(node)

    def column_end(self, node: ast.AST) -> int | None:
        offset = getattr(node, "end_col_offset", None)
        return None if offset is None else _char_column(self.text, offset)

    def fail(self, reason: str, node: ast.AST):
        raise FormulaError(reason, self.column(node))

    def convert(self, node: ast.AST, depth: int) -> _Node:
        if depth > MAX_DEPTH:
            self.fail(f"the formula is nested too deeply (more than {MAX_DEPTH} levels)", node)
        b = self.b
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            name = node.id
            if name in self.variables:
                return b.var(name)
            if name in CONSTANTS:
                return b.const(CONSTANTS[name])
            if name in FUNCTIONS or name in ALIASES:
                self.fail(f"'{name}' is a function; call it like {name}(...)", node)
            self.fail(f"unknown name '{name}'", node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return b.neg(self.convert(node.operand, depth + 1))
            if isinstance(node.op, ast.UAdd):
                return self.convert(node.operand, depth + 1)
            self.fail(f"the operator '{_SYMBOLS.get(type(node.op), '?')}' is not allowed", node)
        if isinstance(node, ast.BinOp):
            op = _BINARY.get(type(node.op))
            if op is None:
                symbol = _SYMBOLS.get(type(node.op), "?")
                raise FormulaError(f"the operator '{symbol}' is not allowed{_HINTS.get(symbol, '')}",
                                   self.operator_column(node, symbol))
            left = self.convert(node.left, depth + 1)
            right = self.convert(node.right, depth + 1)
            if op == "pow" and right.op == "const" and not abs(right.value) <= MAX_EXPONENT:
                self.fail(f"the exponent {_number(right.value)} is too large (the limit is {MAX_EXPONENT})",
                          node.right)
            return getattr(b, op)(left, right)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        what = _FORBIDDEN.get(type(node), f"'{type(node).__name__}'")
        self.fail(f"{what} is not allowed", node)

    def constant(self, node: ast.Constant) -> _Node:
        v = node.value
        if isinstance(v, bool) or v is None or v is Ellipsis:
            self.fail(f"'{v}' is not allowed", node)
        if isinstance(v, (str, bytes)):
            self.fail("text in quotes is not allowed", node)
        if isinstance(v, complex):
            self.fail("complex numbers are not allowed", node)
        if not isinstance(v, (int, float)):
            self.fail(f"the constant {type(v).__name__} is not allowed", node)
        try:
            f = float(v)
        except OverflowError:
            f = math.inf
        if not math.isfinite(f):
            self.fail("the number is too large", node)
        return self.b.const(f)

    def call(self, node: ast.Call, depth: int) -> _Node:
        func = node.func
        if not isinstance(func, ast.Name):
            self.fail("only the listed functions can be called, by plain name like sin(x)", node)
        name = ALIASES.get(func.id, func.id)
        if name not in FUNCTIONS:
            allowed = ", ".join(sorted([*FUNCTIONS, *ALIASES]))
            self.fail(f"function calls like '{func.id}' are not allowed (allowed: {allowed})", func)
        if node.keywords:
            kw = node.keywords[0]
            raise FormulaError("keyword arguments are not allowed", self.column(kw) or self.column(node))
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                self.fail("a starred expression ('*') is not allowed", arg)
        arity = FUNCTIONS[name][0]
        if len(node.args) != arity:
            plural = "argument" if arity == 1 else "arguments"
            self.fail(f"{func.id} takes {arity} {plural}, got {len(node.args)}", node)
        args = [self.convert(a, depth + 1) for a in node.args]
        return self.b.call(name, *args)
