/**
 * Judges one program's arguments against its table entry: every option must be known and safe, values and
 * operands become the paths it reads and writes.
 */
import { parseArgs, type ParsedArgs } from '../options.js';
import type { BashWord } from '../words.js';
import { emptyVerdict, type ProgramSpec, type ProgramVerdict } from './spec.js';

/** Applies what each option does to the verdict. */
function applyOptions(name: string, parsed: ParsedArgs, verdict: ProgramVerdict): boolean {
  let recursive = false;
  for (const option of parsed.options) {
    const value = option.value;
    if (option.def.effect === 'safe') continue;
    const label = `${name} --${option.def.name}`;
    switch (option.def.effect) {
      case 'recursive':
        recursive = true;
        break;
      case 'read':
        if (value) verdict.reads.push(value);
        break;
      case 'list':
        verdict.problems.push(`${label} reads a list of files named only when it runs`);
        if (value) verdict.reads.push(value);
        verdict.unknownReads = true;
        break;
      case 'write':
        verdict.problems.push(`${label} writes ${value?.text ?? 'a file'}`);
        if (value) verdict.writes.push(value);
        break;
      case 'code':
        verdict.problems.push(`${label} runs code or a program`);
        verdict.codeArgs.push(option.valueIndex ?? option.index);
        if (option.valueIndex !== undefined && option.valueIndex !== option.index) verdict.codeArgs.push(option.index);
        verdict.opaque = true;
        if (value) verdict.possibleReads.push(value);
        break;
      case 'unsafe':
        verdict.problems.push(`${label} is not a read`);
        if (value) verdict.possibleReads.push(value);
        break;
    }
  }
  return recursive;
}

/** Parses and judges `args` of a program with a table entry. */
export function judgeWithSpec(name: string, spec: ProgramSpec, args: readonly BashWord[]): ProgramVerdict {
  const verdict = emptyVerdict();
  if (spec.readOnly === false) verdict.problems.push(`${name} is not a read-only program`);
  if (spec.anyArgs) {
    const parsed: ParsedArgs = {
      options: [],
      operands: args.map((word, index) => ({ word, index })),
      problems: [],
      hiddenReads: false,
    };
    spec.check?.({ name, args, parsed, verdict });
    return verdict;
  }
  const parsed = parseArgs(spec.options, args, { label: name, stopAtOperand: spec.stopAtOperand === true });
  verdict.problems.push(...parsed.problems);
  if (parsed.hiddenReads) verdict.unknownReads = true;
  const recursive = applyOptions(name, parsed, verdict);
  const operands = parsed.operands.map((o) => o.word);
  const role = spec.operands ?? 'files';
  if (role !== 'none') {
    const patternGiven = parsed.options.some((o) => (spec.patternOptions ?? []).includes(o.def.name));
    const files = role === 'pattern' && !patternGiven ? operands.slice(1) : operands;
    (recursive ? verdict.recursiveReads : verdict.reads).push(...files);
  }
  spec.check?.({ name, args, parsed, verdict });
  return verdict;
}
