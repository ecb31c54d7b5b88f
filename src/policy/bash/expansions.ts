/**
 * Expansions bash evaluates as code: arithmetic (`$((x))`, `((x))`, `[[ $x -eq 0 ]]`, array subscripts)
 * evaluates attacker strings such as `a[$(cmd)]`; indirect and operator expansions (`${!x}`, `${x:$y}`,
 * `${x:=…}`, `${x:-'…'}`) are where the parser and bash disagree. Only the plain forms are read-only.
 */
import type { SyntaxNode } from './syntax-node.js';

/** Node types allowed inside a constant arithmetic expression. */
const CONSTANT_ARITHMETIC = new Set([
  'number',
  'binary_expression',
  'unary_expression',
  'parenthesized_expression',
  'ternary_expression',
]);

/** Whether an arithmetic expression uses only number literals (no variable, no expansion, no string). */
export function isConstantArithmetic(node: SyntaxNode): boolean {
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (!CONSTANT_ARITHMETIC.has(child.type)) return false;
    if (child.type === 'number' && !/^(0x[0-9a-fA-F]+|[0-9]+(#[0-9a-zA-Z@_]+)?)$/.test(child.text)) return false;
    if (!isConstantArithmetic(child)) return false;
  }
  return true;
}

/** A word bash uses as it is, with nothing to expand (the default of `${x:-word}`). */
const PLAIN_WORD = /^[A-Za-z0-9_.,/@%+:=-]*$/;

/** The operators of `${x OP word}` that neither assign nor evaluate. */
const DEFAULT_OPERATORS = new Set([':-', '-', ':+', '+', ':?', '?']);

/**
 * Why an expansion `${…}` is not read-only; `undefined` for `${x}`, `${#x}`, `${x[N]}`, `${x[@]}` and
 * `${x:-word}` (also `-`, `+`, `:+`, `?`, `:?`) with a plain literal word.
 */
export function expansionProblem(node: SyntaxNode): string | undefined {
  const inner = node.children.filter((c) => c && c.type !== '${' && c.type !== '}');
  const types = inner.map((c) => c!.type);
  const isName = (t: string | undefined): boolean => t === 'variable_name' || t === 'special_variable_name';
  if (inner.length === 1 && isName(types[0])) return undefined;
  if (inner.length === 2 && types[0] === '#' && isName(types[1])) return undefined;
  if (inner.length === 1 && types[0] === 'subscript') return subscriptProblem(inner[0]!);
  if (
    inner.length === 3 &&
    isName(types[0]) &&
    DEFAULT_OPERATORS.has(types[1]!) &&
    types[2] === 'word' &&
    PLAIN_WORD.test(inner[2]!.text)
  )
    return undefined;
  if (inner.length === 2 && isName(types[0]) && DEFAULT_OPERATORS.has(types[1]!)) return undefined;
  return `the expansion ${node.text} is evaluated in ways the analysis does not model`;
}

/** Why an array subscript is not read-only: bash evaluates any index but a number, `@` or `*` as arithmetic. */
export function subscriptProblem(node: SyntaxNode): string | undefined {
  const index = node.childForFieldName('index') ?? node.namedChildren.find((c, i) => i > 0 && c);
  const text = index?.text ?? '';
  if (/^([0-9]+|@|\*)$/.test(text)) return undefined;
  return `the subscript ${node.text} is evaluated as arithmetic`;
}

/** Test operators `[[ … ]]` evaluates as arithmetic on both sides. */
const ARITHMETIC_TESTS = new Set(['-eq', '-ne', '-lt', '-le', '-gt', '-ge']);

/** Why a `[[ … ]]` test is not read-only: arithmetic comparisons of anything but numbers, `-v`/`-R`. */
export function testProblem(node: SyntaxNode): string | undefined {
  for (const expression of node.descendantsOfType(['binary_expression', 'unary_expression'])) {
    if (!expression) continue;
    const operator =
      expression.childForFieldName('operator')?.text ??
      expression.children.find((c) => c?.type === 'test_operator')?.text;
    if (operator === '-v' || operator === '-R') return `[[ ${operator} ]] evaluates a subscript`;
    if (operator && ARITHMETIC_TESTS.has(operator)) {
      const sides = [expression.childForFieldName('left'), expression.childForFieldName('right')];
      if (sides.some((side) => !side || !/^-?[0-9]+$/.test(side.text)))
        return `[[ … ${operator} … ]] evaluates its operands as arithmetic`;
    }
  }
  return undefined;
}
