/**
 * Constructs the walker does not model, judged one syntax node at a time: each makes the command not
 * read-only with a reason (arithmetic that evaluates variables, C-style loops, risky tests, subscripts
 * and expansions).
 */
import { expansionProblem, isConstantArithmetic, subscriptProblem, testProblem } from './expansions.js';
import type { SyntaxNode } from './syntax-node.js';

/**
 * The problem of one syntax node on its own, or `undefined` when it has none (or is judged elsewhere).
 *
 * @example
 * constructProblem(node); // `$((x + 1))` → '$((x + 1)) evaluates variables as arithmetic'
 */
export function constructProblem(node: SyntaxNode): string | undefined {
  switch (node.type) {
    case 'c_style_for_statement':
      return 'a C-style for loop evaluates arithmetic';
    case 'test_command':
      return testProblem(node);
    case 'arithmetic_expansion':
      return isConstantArithmetic(node) ? undefined : `${node.text} evaluates variables as arithmetic`;
    case 'compound_statement':
      return node.text.startsWith('((') && !isConstantArithmetic(node)
        ? `${node.text.slice(0, 40)} evaluates variables as arithmetic`
        : undefined;
    case 'subscript':
      return node.parent?.type === 'expansion' ? undefined : subscriptProblem(node);
    case 'expansion':
      return expansionProblem(node);
  }
  return undefined;
}
