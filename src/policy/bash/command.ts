/**
 * Judges one simple command with its prefix assignments: the judge sees through wrappers, interpreters
 * and builtins; this adds the forms allow rules are matched against (the whole command first, with the
 * indexes of code-carrying words).
 */
import { isSafeAssignment } from './assignments.js';
import { notReadOnly, type Assignment, type CommandVerdict } from './command-verdict.js';
import { Judge } from './judge.js';
import type { BashWord } from './words.js';

/**
 * Judges a simple command: `words` (name first) after its prefix `assignments`.
 *
 * @example
 * const verdict = judgeCommand(words, [{ name: 'LANG', value: 'C', text: 'LANG=C' }]);
 * verdict.forms.map((f) => f.words.length); // the whole command, then without `LANG=C`
 */
export function judgeCommand(
  words: readonly BashWord[],
  assignments: readonly Assignment[] = [],
  stdin = '',
): CommandVerdict {
  const verdict: CommandVerdict = {
    readOnly: true,
    reasons: [],
    dangerous: [],
    reads: [],
    recursiveReads: [],
    possibleReads: [],
    writes: [],
    unknownReads: false,
    forms: [],
    denyForms: [],
    inline: [],
    nested: [],
    opaque: false,
  };
  const prefix = assignments.map((a) => ({
    value: a.value === undefined ? undefined : `${a.name}=${a.value}`,
    text: a.text,
    glob: false,
    brace: false,
  }));
  for (const a of assignments)
    if (!isSafeAssignment(a.name, a.value))
      notReadOnly(verdict, `${a.name}=… changes how ${words[0]?.text ?? 'the command'} runs`);
  const judge = new Judge(verdict, stdin);
  const codeArgs = judge.level(words, 0, prefix, true);
  // The whole command comes first, before the forms with wrappers removed (usually there are none).
  const whole = {
    words: [...prefix, ...words],
    prefix: prefix.length,
    codeArgs: codeArgs.map((i) => i + prefix.length),
  };
  if (verdict.forms.length === 0) verdict.forms.push(whole);
  else verdict.forms.unshift(whole);
  // Assignments that only change formatting (`LANG=C`) do not stop a rule from matching the command.
  if (assignments.length > 0 && assignments.every((a) => isSafeAssignment(a.name, a.value) && /^[A-Z]/.test(a.name)))
    for (const form of [...verdict.forms])
      verdict.forms.push({
        words: form.words.slice(form.prefix),
        prefix: 0,
        codeArgs: form.codeArgs.map((i) => i - form.prefix).filter((i) => i >= 0),
      });
  return verdict;
}
