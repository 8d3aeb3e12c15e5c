"""Safe arithmetic formulas for the `expression` method and for points like "max_points / 2".

A formula is parsed with Python's `ast` and compiled into closures from a whitelist of node
types: numbers, names, + - * /, comparisons, and/or/not, `x if c else y`, and the functions
min, max, abs. Nothing is ever passed to `eval`.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation

Value = Decimal | bool
Env = Mapping[str, object]
Node = Callable[[Env, Decimal | None], Value]
MAX_POINTS = "max_points"  # the item's maximum, given apart from the inputs
MAX_LENGTH = 2000  # characters: a scoring rule, not a program

FUNCTIONS: dict[str, Callable[..., Decimal]] = {"min": min, "max": max, "abs": abs}
_BINARY: dict[type[ast.operator], Callable[[Decimal, Decimal], Decimal]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Decimal, Decimal], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


class FormulaError(ValueError):
    """A formula that is malformed or uses something outside the whitelist (Vietnamese)."""


class MissingName(LookupError):
    """A formula needed a value that the unit has not provided."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class NegativeValue(ValueError):
    """A formula read a negative input (inputs are counts and amounts)."""

    def __init__(self, name: str, value: Decimal) -> None:
        super().__init__(name)
        self.name, self.value = name, value


@dataclass(frozen=True, slots=True)
class Formula:
    """A compiled formula: its text, the names it reads, and a function of the values."""

    text: str
    names: frozenset[str]
    _run: Node

    def evaluate(self, env: Env, max_points: Decimal | None = None) -> Decimal:
        """The value; raises MissingName, NegativeValue, ZeroDivisionError or FormulaError."""
        try:
            result = self._run(env, max_points)
        except (DivisionByZero, InvalidOperation, ZeroDivisionError) as exc:
            raise ZeroDivisionError(self.text) from exc
        if isinstance(result, bool):
            return Decimal(int(result))
        return result


def compile_formula(text: str) -> Formula:
    """Parse and check `text`; raise FormulaError with a Vietnamese message if it is not allowed."""
    source = str(text).strip()
    if len(source) > MAX_LENGTH:
        raise FormulaError(f"công thức dài quá {MAX_LENGTH} ký tự")
    try:
        tree = ast.parse(source, mode="eval")
        names: set[str] = set()
        run, _ = _compile(tree.body, source, names)
    except SyntaxError as exc:
        raise FormulaError(f"công thức '{source}' sai cú pháp") from exc
    except (RecursionError, MemoryError) as exc:
        raise FormulaError("công thức lồng nhau quá sâu") from exc
    return Formula(source, frozenset(names), run)


def _as_number(node: Node, is_bool: bool) -> Callable[[Env, Decimal | None], Decimal]:
    """A node that yields a Decimal, converting a comparison's True/False to 1/0."""
    if not is_bool:
        return node  # type: ignore[return-value]
    return lambda env, mx: Decimal(1) if node(env, mx) else Decimal(0)


def _name(name: str) -> Node:
    if name == MAX_POINTS:

        def read_max(env: Env, mx: Decimal | None) -> Value:
            if mx is None:
                raise MissingName(name)
            return mx

        return read_max

    def read(env: Env, mx: Decimal | None) -> Value:
        value = env.get(name)
        if value is None:
            raise MissingName(name)
        if value.__class__ is Decimal:
            if value < 0:
                raise NegativeValue(name, value)
            return value
        if isinstance(value, bool):
            return value
        raise FormulaError(f"'{name}' không phải là số")

    return read


def _compile(node: ast.AST, source: str, names: set[str]) -> tuple[Node, bool]:
    """A closure evaluating `node`, and whether it yields a bool."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        constant = Decimal(repr(node.value))
        return (lambda env, mx: constant), False
    if isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise FormulaError(f"'{node.id}' là hàm, cần dấu ngoặc: {node.id}(...)")
        names.add(node.id)
        return _name(node.id), False
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        op = _BINARY[type(node.op)]
        left, right = _as_number(*_compile(node.left, source, names)), _as_number(*_compile(node.right, source, names))
        return (lambda env, mx: op(left(env, mx), right(env, mx))), False
    if isinstance(node, ast.UnaryOp):
        operand, is_bool = _compile(node.operand, source, names)
        if isinstance(node.op, ast.Not):
            return (lambda env, mx: not operand(env, mx)), True
        value = _as_number(operand, is_bool)
        if isinstance(node.op, ast.USub):
            return (lambda env, mx: -value(env, mx)), False
        if isinstance(node.op, ast.UAdd):
            return value, False
    if isinstance(node, ast.Compare) and all(type(op) in _COMPARE for op in node.ops):
        first = _as_number(*_compile(node.left, source, names))
        rest = [
            (_COMPARE[type(op)], _as_number(*_compile(c, source, names)))
            for op, c in zip(node.ops, node.comparators, strict=True)
        ]
        if len(rest) == 1:
            ((cmp, second),) = rest
            return (lambda env, mx: cmp(first(env, mx), second(env, mx))), True

        def chain(env: Env, mx: Decimal | None) -> bool:
            left = first(env, mx)
            for cmp, comparator in rest:
                right = comparator(env, mx)
                if not cmp(left, right):
                    return False
                left = right
            return True

        return chain, True
    if isinstance(node, ast.BoolOp):
        parts = [_compile(v, source, names)[0] for v in node.values]
        if isinstance(node.op, ast.And):
            return (lambda env, mx: all(p(env, mx) for p in parts)), True
        return (lambda env, mx: any(p(env, mx) for p in parts)), True
    if isinstance(node, ast.IfExp):
        test = _compile(node.test, source, names)[0]
        body, body_bool = _compile(node.body, source, names)
        orelse, else_bool = _compile(node.orelse, source, names)
        if body_bool != else_bool:
            body, orelse = _as_number(body, body_bool), _as_number(orelse, else_bool)
        return (lambda env, mx: body(env, mx) if test(env, mx) else orelse(env, mx)), body_bool and else_bool
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in FUNCTIONS
        and not node.keywords
        and node.args
    ):
        func = FUNCTIONS[node.func.id]
        args = [_as_number(*_compile(a, source, names)) for a in node.args]
        if node.func.id == "abs" and len(args) != 1:
            raise FormulaError("abs(...) nhận đúng một giá trị")
        if node.func.id != "abs" and len(args) < 2:
            raise FormulaError(f"{node.func.id}(...) cần ít nhất hai giá trị")
        if len(args) == 2:
            first_arg, second_arg = args
            return (lambda env, mx: func(first_arg(env, mx), second_arg(env, mx))), False
        return (lambda env, mx: func(*[a(env, mx) for a in args])), False
    shown = ast.get_source_segment(source, node) or type(node).__name__
    raise FormulaError(f"công thức '{source}' dùng '{shown}', không được phép")
