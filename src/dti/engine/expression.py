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
Node = Callable[[Env], Value]

FUNCTIONS: dict[str, Callable[..., Value]] = {"min": min, "max": max, "abs": abs}
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


@dataclass(frozen=True, slots=True)
class Formula:
    """A compiled formula: its text, the names it reads, and a function of the values."""

    text: str
    names: frozenset[str]
    _run: Node

    def evaluate(self, env: Env) -> Decimal:
        """The formula's value; raises MissingName, ZeroDivisionError or FormulaError."""
        try:
            result = self._run(env)
        except (DivisionByZero, InvalidOperation, ZeroDivisionError) as exc:
            raise ZeroDivisionError(self.text) from exc
        if isinstance(result, bool):
            return Decimal(int(result))
        return result


def compile_formula(text: str) -> Formula:
    """Parse and check `text`; raise FormulaError with a Vietnamese message if it is not allowed."""
    source = str(text).strip()
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"công thức '{source}' sai cú pháp") from exc
    names: set[str] = set()
    run = _compile(tree.body, source, names)
    return Formula(source, frozenset(names), run)


def _compile(node: ast.AST, source: str, names: set[str]) -> Node:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        number = Decimal(repr(node.value))
        return lambda env: number
    if isinstance(node, ast.Name):
        name = node.id
        if name in FUNCTIONS:
            raise FormulaError(f"'{name}' là hàm, cần dấu ngoặc: {name}(...)")
        names.add(name)

        def read(env: Env) -> Value:
            value = env.get(name)
            if value is None:
                raise MissingName(name)
            if isinstance(value, bool | Decimal):
                return value
            raise FormulaError(f"'{name}' không phải là số")

        return read
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        op = _BINARY[type(node.op)]
        left, right = _compile(node.left, source, names), _compile(node.right, source, names)
        return lambda env: op(_num(left(env)), _num(right(env)))
    if isinstance(node, ast.UnaryOp):
        operand = _compile(node.operand, source, names)
        if isinstance(node.op, ast.USub):
            return lambda env: -_num(operand(env))
        if isinstance(node.op, ast.UAdd):
            return lambda env: _num(operand(env))
        if isinstance(node.op, ast.Not):
            return lambda env: not operand(env)
    if isinstance(node, ast.Compare) and all(type(op) in _COMPARE for op in node.ops):
        first = _compile(node.left, source, names)
        rest = [
            (_COMPARE[type(op)], _compile(c, source, names)) for op, c in zip(node.ops, node.comparators, strict=True)
        ]

        def compare(env: Env) -> bool:
            left = _num(first(env))
            for op, comparator in rest:
                right = _num(comparator(env))
                if not op(left, right):
                    return False
                left = right
            return True

        return compare
    if isinstance(node, ast.BoolOp):
        parts = [_compile(v, source, names) for v in node.values]
        if isinstance(node.op, ast.And):
            return lambda env: all(p(env) for p in parts)
        return lambda env: any(p(env) for p in parts)
    if isinstance(node, ast.IfExp):
        test = _compile(node.test, source, names)
        body, orelse = _compile(node.body, source, names), _compile(node.orelse, source, names)
        return lambda env: body(env) if test(env) else orelse(env)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in FUNCTIONS
        and not node.keywords
        and node.args
    ):
        func = FUNCTIONS[node.func.id]
        args = [_compile(a, source, names) for a in node.args]
        if node.func.id == "abs" and len(args) != 1:
            raise FormulaError("abs(...) nhận đúng một giá trị")
        return lambda env: func(*(_num(a(env)) for a in args))
    shown = ast.get_source_segment(source, node) or type(node).__name__
    raise FormulaError(f"công thức '{source}' dùng '{shown}', không được phép")


def _num(value: Value) -> Decimal:
    return Decimal(int(value)) if isinstance(value, bool) else value
