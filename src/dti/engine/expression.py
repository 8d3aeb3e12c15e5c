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
from typing import Any, NoReturn

Value = Decimal | bool  # what a part of a formula yields (a comparison yields a bool)
Values = Mapping[str, object]  # the inputs a formula reads, by name
Compiled = Callable[[Values, Decimal | None], Value]  # a compiled part: (values, max_points) → its value
MAX_POINTS = "max_points"  # the item's maximum, given apart from the inputs
MAX_LENGTH = 2000  # characters: a scoring rule, not a program

FUNCTIONS: dict[str, Callable[..., Decimal]] = {"min": min, "max": max, "abs": abs}
_ARITHMETIC: dict[type[ast.operator], Callable[[Decimal, Decimal], Decimal]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_COMPARISONS: dict[type[ast.cmpop], Callable[[Decimal, Decimal], bool]] = {
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
    _compiled: Compiled

    def evaluate(self, values: Values, max_points: Decimal | None = None) -> Decimal:
        """The value; raises MissingName, NegativeValue, ZeroDivisionError or FormulaError."""
        try:
            result = self._compiled(values, max_points)
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
        compiled, _ = _compiler_for(tree.body)(tree.body, source, names)
    except SyntaxError as exc:
        raise FormulaError(f"công thức '{source}' sai cú pháp") from exc
    except (RecursionError, MemoryError) as exc:
        raise FormulaError("công thức lồng nhau quá sâu") from exc
    return Formula(source, frozenset(names), compiled)


def _as_number(node: Compiled, is_bool: bool) -> Callable[[Values, Decimal | None], Decimal]:
    """A node that yields a Decimal, converting a comparison's True/False to 1/0."""
    if not is_bool:
        return node  # type: ignore[return-value]
    return lambda values, max_points: Decimal(1) if node(values, max_points) else Decimal(0)


def _name(name: str) -> Compiled:
    if name == MAX_POINTS:

        def read_max(values: Values, max_points: Decimal | None) -> Value:
            if max_points is None:
                raise MissingName(name)
            return max_points

        return read_max

    def read(values: Values, max_points: Decimal | None) -> Value:
        value = values.get(name)
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


# The formula compiler: one function per allowed node type, (node, source, names) → a closure
# evaluating the node and whether it yields a bool; `names` collects the names read. A node
# of a type not in _COMPILERS, or outside what its compiler allows, is refused. A child is
# compiled as `_compiler_for(child)(child, source, names)`, with no dispatching function in
# between: each level of nesting costs one Python frame, so a long formula ("1+1+…+1") is
# refused as too deeply nested ("công thức lồng nhau quá sâu") only near the recursion limit.
_Compiler = Callable[[Any, str, set[str]], tuple[Compiled, bool]]  # Any: the node type its key in _COMPILERS names


def _compiler_for(node: ast.AST) -> _Compiler:
    """The compiler of `node`'s type; one that refuses it if the type is not allowed."""
    return _COMPILERS.get(type(node), _refuse)


def _refuse(node: ast.AST, source: str, names: set[str]) -> NoReturn:
    shown = ast.get_source_segment(source, node) or type(node).__name__
    raise FormulaError(f"công thức '{source}' dùng '{shown}', không được phép")


def _compile_constant(node: ast.Constant, source: str, names: set[str]) -> tuple[Compiled, bool]:
    if type(node.value) not in (int, float):
        _refuse(node, source, names)
    constant = Decimal(repr(node.value))
    return (lambda values, max_points: constant), False


def _compile_name(node: ast.Name, source: str, names: set[str]) -> tuple[Compiled, bool]:
    if node.id in FUNCTIONS:
        raise FormulaError(f"'{node.id}' là hàm, cần dấu ngoặc: {node.id}(...)")
    names.add(node.id)
    return _name(node.id), False


def _compile_arithmetic(node: ast.BinOp, source: str, names: set[str]) -> tuple[Compiled, bool]:
    if type(node.op) not in _ARITHMETIC:
        _refuse(node, source, names)
    operation = _ARITHMETIC[type(node.op)]
    left = _as_number(*_compiler_for(node.left)(node.left, source, names))
    right = _as_number(*_compiler_for(node.right)(node.right, source, names))
    return (lambda values, max_points: operation(left(values, max_points), right(values, max_points))), False


def _compile_unary(node: ast.UnaryOp, source: str, names: set[str]) -> tuple[Compiled, bool]:
    operand, is_bool = _compiler_for(node.operand)(node.operand, source, names)
    if isinstance(node.op, ast.Not):
        return (lambda values, max_points: not operand(values, max_points)), True
    number = _as_number(operand, is_bool)
    if isinstance(node.op, ast.USub):
        return (lambda values, max_points: -number(values, max_points)), False
    if isinstance(node.op, ast.UAdd):
        return number, False
    _refuse(node, source, names)


def _compile_comparison(node: ast.Compare, source: str, names: set[str]) -> tuple[Compiled, bool]:
    if not all(type(comparison) in _COMPARISONS for comparison in node.ops):
        _refuse(node, source, names)
    first = _as_number(*_compiler_for(node.left)(node.left, source, names))
    rest = [
        (_COMPARISONS[type(comparison)], _as_number(*_compiler_for(comparator_node)(comparator_node, source, names)))
        for comparison, comparator_node in zip(node.ops, node.comparators, strict=True)
    ]
    if len(rest) == 1:
        ((compare, second),) = rest
        return (lambda values, max_points: compare(first(values, max_points), second(values, max_points))), True

    def chain(values: Values, max_points: Decimal | None) -> bool:
        left = first(values, max_points)
        for compare, comparator in rest:
            right = comparator(values, max_points)
            if not compare(left, right):
                return False
            left = right
        return True

    return chain, True


def _compile_and_or(node: ast.BoolOp, source: str, names: set[str]) -> tuple[Compiled, bool]:
    parts = [_compiler_for(value_node)(value_node, source, names)[0] for value_node in node.values]
    if isinstance(node.op, ast.And):
        return (lambda values, max_points: all(part(values, max_points) for part in parts)), True
    return (lambda values, max_points: any(part(values, max_points) for part in parts)), True


def _compile_if_else(node: ast.IfExp, source: str, names: set[str]) -> tuple[Compiled, bool]:
    test = _compiler_for(node.test)(node.test, source, names)[0]
    body, body_bool = _compiler_for(node.body)(node.body, source, names)
    orelse, else_bool = _compiler_for(node.orelse)(node.orelse, source, names)
    if body_bool != else_bool:
        body, orelse = _as_number(body, body_bool), _as_number(orelse, else_bool)
    return (
        lambda values, max_points: body(values, max_points) if test(values, max_points) else orelse(values, max_points)
    ), body_bool and else_bool


def _compile_function_call(node: ast.Call, source: str, names: set[str]) -> tuple[Compiled, bool]:
    if not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS and not node.keywords and node.args):
        _refuse(node, source, names)
    function = FUNCTIONS[node.func.id]
    arguments = [_as_number(*_compiler_for(argument)(argument, source, names)) for argument in node.args]
    if node.func.id == "abs" and len(arguments) != 1:
        raise FormulaError("abs(...) nhận đúng một giá trị")
    if node.func.id != "abs" and len(arguments) < 2:
        raise FormulaError(f"{node.func.id}(...) cần ít nhất hai giá trị")
    if len(arguments) == 2:
        first_argument, second_argument = arguments
        return (
            lambda values, max_points: function(first_argument(values, max_points), second_argument(values, max_points))
        ), False
    return (lambda values, max_points: function(*[argument(values, max_points) for argument in arguments])), False


_COMPILERS: dict[type[ast.AST], _Compiler] = {
    ast.Constant: _compile_constant,
    ast.Name: _compile_name,
    ast.BinOp: _compile_arithmetic,
    ast.UnaryOp: _compile_unary,
    ast.Compare: _compile_comparison,
    ast.BoolOp: _compile_and_or,
    ast.IfExp: _compile_if_else,
    ast.Call: _compile_function_call,
}
