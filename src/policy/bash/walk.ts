/**
 * The walker of `analyzeBash`: visits every node of the syntax tree, judges each simple command, and
 * collects what is read, written and dangerous. Constructs it does not model make the command not
 * read-only (`structural` reasons).
 */
import type { SyntaxNode } from './syntax-node.js';
import type { BashCommandInfo, BashPathRef } from './analysis.js';
import { CD_CHANGING, isSafeAssignment } from './assignments.js';
import { judgeCommand } from './command.js';
import type { Assignment, CommandVerdict } from './command-verdict.js';
import { FETCH_WORD, downloadThenRun, pipelineDangers } from './compound-dangers.js';
import { isDangerousWritePath } from './danger-paths.js';
import { judgeFileRedirect } from './file-redirect.js';
import { INTERPRETERS } from './interpreters.js';
import { constructProblem } from './node-problems.js';
import { UNUSUAL, heredocAsString, hiddenSubstitution } from './source-checks.js';
import { evalWord, type BashWord } from './words.js';

/** Commands longer than this are not analysed (they are judged not read-only). */
const MAX_COMMAND_LENGTH = 100_000;

const display = (list: readonly BashWord[]): string[] => list.map((w) => w.value ?? w.text);

/** Walks a parsed command and judges every simple command in it. */
export class Walker {
  readonly commands: BashCommandInfo[] = [];
  /** The words of each command in {@link commands}, as evaluated. */
  private readonly commandWords: BashWord[][] = [];
  readonly reads: BashPathRef[] = [];
  readonly writes: { path: BashPathRef; by: number[] }[] = [];
  readonly structural: string[] = [];
  readonly reasons: string[] = [];
  readonly dangerous: string[] = [];
  parseError = false;
  compoundDanger = false;
  private readonly bases: string[] = [];
  private cwdUnknown = false;
  /** Something may have changed `CDPATH`/`HOME`: relative `cd` targets and `~` are unknown. */
  private cdTainted = false;
  private readonly collectors: number[][] = [];
  /** Here-document and here-string text of the enclosing redirections (SQL fed to `psql`). */
  private readonly stdin: string[] = [];

  constructor(
    private readonly parse: (source: string) => SyntaxNode | undefined,
    private readonly depth = 0,
  ) {}

  run(source: string): void {
    if (source.length > MAX_COMMAND_LENGTH) {
      this.parseError = true;
      this.structural.push(`the command is longer than ${MAX_COMMAND_LENGTH} characters`);
      return;
    }
    const root = this.parse(source);
    if (!root) {
      this.parseError = true;
      this.structural.push('the command could not be parsed');
      return;
    }
    // Bash reads CR, NUL, other control and invisible characters as part of words where the parser (or a
    // person) may see a separator or nothing at all.
    if (UNUSUAL.test(source)) this.structural.push('the command contains control or invisible characters');
    if (root.hasError) {
      this.parseError = true;
      this.structural.push('the command has a syntax error or a construct the parser does not understand');
    }
    if (hiddenSubstitution(source, root)) this.structural.push('a command substitution the parser did not recognise');
    this.walk(root);
    // `curl -o x.sh … && bash x.sh`: something is downloaded and a script or a file is run.
    if (downloadThenRun(this.commands)) this.danger('downloaded code may be run');
  }

  private danger(reason: string): void {
    this.dangerous.push(reason);
    this.compoundDanger = true;
  }

  /** A path reference; `kind` marks a recursive read or a possible one. */
  private pathRef(word: BashWord, unknownBase = false, kind?: 'recursive' | 'possible'): BashPathRef {
    const value = word.value ?? '';
    const absolute = value.startsWith('/');
    const home = value.startsWith('~');
    const unknown = (this.cwdUnknown && !absolute && !home) || (home && this.cdTainted) || unknownBase;
    const ref = {
      value: unknown ? undefined : word.value,
      text: word.text,
      glob: word.glob || word.brace,
      bases: [...this.bases],
    };
    if (kind === 'recursive')
      return { value: ref.value, text: ref.text, glob: ref.glob, bases: ref.bases, recursive: true };
    if (kind === 'possible')
      return { value: ref.value, text: ref.text, glob: ref.glob, bases: ref.bases, possible: true };
    return ref;
  }

  private walk(node: SyntaxNode): void {
    switch (node.type) {
      case 'command':
        return this.command(node);
      case 'redirected_statement':
        return this.redirected(node);
      case 'pipeline':
        return this.pipeline(node);
      case 'function_definition':
        return this.functionDefinition(node);
      case 'declaration_command':
        this.structural.push(`${node.child(0)?.text ?? 'declare'} changes shell variables`);
        this.cdTainted = true;
        break;
      case 'unset_command':
        this.structural.push('unset changes shell variables or functions');
        this.cdTainted = true;
        break;
      case 'variable_assignment':
        if (node.parent?.type !== 'command') this.assignment(node);
        break;
      case 'for_statement':
        this.loop(node);
        break;
      case 'file_redirect':
        this.fileRedirect(node);
        break;
      case 'heredoc_redirect':
        this.heredoc(node);
        break;
      case 'ERROR':
        this.parseError = true;
        break;
      default: {
        const problem = constructProblem(node);
        if (problem) this.structural.push(problem);
      }
    }
    if (node.isMissing) this.parseError = true;
    for (const child of node.children) if (child) this.walk(child);
  }

  /** `for NAME in …` assigns NAME; `select` reads the terminal. */
  private loop(node: SyntaxNode): void {
    if (node.child(0)?.type === 'select') this.structural.push('select reads from the terminal');
    const name = node.childForFieldName('variable')?.text ?? '';
    if (!isSafeAssignment(name, undefined))
      this.structural.push(`the loop assigns ${name}, which changes how later commands run`);
    if (CD_CHANGING.has(name)) this.cdTainted = true;
  }

  /**
   * An unquoted here-document expands `$(…)`, backticks and `${…}` in its body; the grammar does not find
   * all of them (backticks, `<<-` bodies), so the body is analysed again as a double-quoted string.
   */
  private heredoc(node: SyntaxNode): void {
    const start = node.children.find((child) => child?.type === 'heredoc_start')?.text ?? '';
    if (/['"\\]/.test(start)) return;
    const body = node.children.find((child) => child?.type === 'heredoc_body');
    if (!body || !/[`$]/.test(body.text)) return;
    this.merge(`: "${heredocAsString(body.text)}"`, this.collectors.at(-1)?.[0]);
  }

  private assignment(node: SyntaxNode): void {
    const nameNode = node.childForFieldName('name') ?? node.child(0);
    const name = nameNode?.text ?? node.text;
    const valueNode = node.childForFieldName('value');
    const value = valueNode ? evalWord(valueNode).value : '';
    if (nameNode?.type === 'subscript') this.structural.push(`assigning ${name} evaluates the subscript`);
    else if (!isSafeAssignment(name, value)) this.structural.push(`assigning ${name} changes how later commands run`);
    if (CD_CHANGING.has(name)) this.cdTainted = true;
  }

  private functionDefinition(node: SyntaxNode): void {
    const name = node.childForFieldName('name')?.text ?? '';
    this.structural.push(`defines the function ${name}, which can shadow a command`);
    const body = node.childForFieldName('body');
    // A function that calls itself in a pipeline or in the background multiplies processes: a fork bomb.
    if (body) {
      const calls = body.descendantsOfType('command').filter((c) => c?.childForFieldName('name')?.text === name);
      if (calls.length > 0 && /[|&]/.test(body.text))
        this.danger(`the function ${name} calls itself in a pipeline or background job (fork bomb)`);
    }
    const nameId = node.childForFieldName('name')?.id;
    for (const child of node.children) if (child && child.id !== nameId) this.walk(child);
  }

  private redirected(node: SyntaxNode): void {
    this.collectors.push([]);
    const body = node.childForFieldName('body');
    const input = node.children
      .filter((c) => c && c.id !== body?.id && (c.type === 'heredoc_redirect' || c.type === 'herestring_redirect'))
      .map((c) => c!.text)
      .join('\n');
    this.stdin.push(input);
    if (body) this.walk(body);
    this.stdin.pop();
    for (const child of node.children) if (child && child.id !== body?.id) this.walk(child);
    const collected = this.collectors.pop()!;
    this.collectors.at(-1)?.push(...collected);
    // `sh < <(curl …)`, `bash <<< "$(curl …)"`: downloaded code fed to an interpreter's input.
    const redirects = node.children
      .filter((child) => child && child.id !== body?.id)
      .map((child) => child!.text)
      .join(' ');
    if (
      FETCH_WORD.test(redirects) &&
      collected.some((i) => INTERPRETERS.has(this.commands[i]?.forms.at(-1)?.words[0] ?? ''))
    )
      this.danger('downloaded code is fed to an interpreter');
  }

  private pipeline(node: SyntaxNode): void {
    const start = this.commands.length;
    for (const child of node.children) if (child) this.walk(child);
    const dangers = pipelineDangers(this.commands.slice(start), this.commandWords.slice(start));
    for (const reason of dangers) this.danger(reason);
  }

  private fileRedirect(node: SyntaxNode): void {
    const by = [...(this.collectors.at(-1) ?? [])];
    const found = judgeFileRedirect(node, this.commands, by);
    if (!found) return;
    for (const reason of found.dangers) this.danger(reason);
    this.structural.push(...found.structural);
    if (found.effect === 'read') this.reads.push(this.pathRef(found.target));
    if (found.effect !== 'write') return;
    if (found.operator === '<>') this.reads.push(this.pathRef(found.target));
    this.writes.push({ path: this.pathRef(found.target), by });
    this.reasons.push(`redirection ${found.operator} ${found.target.text} writes a file`);
  }

  private command(node: SyntaxNode): void {
    const words: BashWord[] = [];
    const assignments: Assignment[] = [];
    const redirects: string[] = [];
    const children = node.children;
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      const field = node.fieldNameForChild(i);
      if (field === 'redirect') redirects.push(child.text);
      if (child.type === 'variable_assignment') {
        const nameNode = child.childForFieldName('name') ?? child.child(0);
        const valueNode = child.childForFieldName('value');
        if (nameNode?.type === 'subscript') this.structural.push(`assigning ${nameNode.text} evaluates the subscript`);
        const name = nameNode?.text ?? child.text;
        if (CD_CHANGING.has(name)) this.cdTainted = true;
        assignments.push({ name, value: valueNode ? evalWord(valueNode).value : '', text: child.text });
      } else if (field === 'name' || field === 'argument') {
        words.push(evalWord(child));
      } else if (child.type === 'subshell' && field === null) {
        this.structural.push('an unrecognised construct');
      }
    }
    if (words.length === 0) {
      // Only assignments (`A=1 B=2`): judged like standalone assignments.
      for (const a of assignments)
        if (!isSafeAssignment(a.name, a.value))
          this.structural.push(`assigning ${a.name} changes how later commands run`);
      for (const child of node.children) if (child) this.walk(child);
      return;
    }
    const input = this.stdin.length === 0 && redirects.length === 0 ? '' : [...this.stdin, ...redirects].join('\n');
    const verdict = judgeCommand(words, assignments, input);
    const index = this.record(words, verdict, false);
    const runs = verdict.denyForms.at(-1)?.[0]?.value ?? verdict.forms.at(-1)?.words[0]?.value ?? '';
    if (INTERPRETERS.has(runs) && redirects.some((text) => FETCH_WORD.test(text)))
      this.danger('downloaded code is fed to an interpreter');
    for (const collector of this.collectors) collector.push(index);
    if (verdict.cd !== undefined) this.changeDirectory(verdict.cd);
    // Own redirections and substitutions inside the words.
    this.collectors.push([index]);
    for (const child of node.children) if (child) this.walk(child);
    this.collectors.pop();
  }

  /** Adds a judged command, its paths and what it runs; returns its index. */
  private record(words: BashWord[], verdict: CommandVerdict, openEnded: boolean): number {
    const index = this.commands.length;
    const dangerous = [...verdict.dangerous];
    for (const written of verdict.writes) {
      const value = written.value ?? written.text;
      if (isDangerousWritePath(value)) dangerous.push(`writes ${value}`);
    }
    const forms = verdict.forms.map((form) => ({
      words: display(form.words),
      literal: form.words.every((w) => w.value !== undefined),
      codeArgs: form.codeArgs,
    }));
    this.commandWords.push(words);
    this.commands.push({
      argv: display(words),
      forms,
      denyForms: verdict.denyForms.map((form) => ({ words: display(form) })),
      readOnly: verdict.readOnly,
      dangerous: dangerous.length > 0,
      openEnded,
      dynamicName: words[0]?.value === undefined,
      opaque: verdict.opaque,
    });
    for (const reason of verdict.reasons) this.reasons.push(openEnded ? `${reason} (run by another command)` : reason);
    if (dangerous.length > 0) this.dangerous.push(...dangerous);
    // Paths with `{}` are filled in by the runner (`find -exec cat {} ;`): unknown.
    const ref = (word: BashWord, kind?: 'recursive' | 'possible'): BashPathRef =>
      this.pathRef(word, (word.value ?? '').includes('{}'), kind);
    for (const read of verdict.reads) this.reads.push(ref(read));
    for (const read of verdict.recursiveReads) this.reads.push(ref(read, 'recursive'));
    for (const read of verdict.possibleReads) this.reads.push(ref(read, 'possible'));
    // Code no rule can see may read and write anything: path deny rules cannot be passed by it.
    if (verdict.opaque) {
      const what = `files ${words[0]?.text ?? 'the command'} may touch when it runs`;
      this.reads.push({ value: undefined, text: what, glob: false, bases: [] });
      this.writes.push({ path: { value: undefined, text: what, glob: false, bases: [] }, by: [index] });
    }
    if (verdict.unknownReads || openEnded)
      this.reads.push({
        value: undefined,
        text: `paths given to ${words[0]?.text ?? 'the command'} when it runs`,
        glob: false,
        bases: [],
      });
    for (const written of verdict.writes) this.writes.push({ path: ref(written), by: [index] });
    for (const nested of verdict.nested) this.record(nested.words, judgeCommand(nested.words), nested.openEnded);
    for (const inline of verdict.inline) {
      const inner = this.merge(inline.script, index, inline.dangerOnly);
      if (inner && !inline.dangerOnly && !inner.readOnly()) {
        this.commands[index] = { ...this.commands[index]!, readOnly: false };
        this.reasons.push(`inline script: ${[...inner.structural, ...inner.reasons].join('; ') || 'not read-only'}`);
      }
      if (inner && inner.dangerous.length > 0) this.commands[index] = { ...this.commands[index]!, dangerous: true };
    }
    return index;
  }

  private changeDirectory(target: BashWord | null): void {
    if (target === null || target.value === undefined) {
      this.cwdUnknown = true;
      return;
    }
    const value = target.value;
    // `CDPATH` applies to relative targets that do not start with `.`: once it may have changed, unknown.
    const viaCdpath = !/^(\/|~|\.)/.test(value);
    this.reads.push(this.pathRef(target, viaCdpath && this.cdTainted));
    if (viaCdpath && this.cdTainted) this.cwdUnknown = true;
    else if (!this.cwdUnknown) this.bases.push(value);
  }

  /**
   * Analyses a nested script and adds what it found; its writes are charged to `outerIndex`. With
   * `dangerOnly` (a string inside another language's code), only its dangers are kept.
   */
  private merge(script: string, outerIndex: number | undefined, dangerOnly = false): Walker | undefined {
    if (this.depth >= 4) {
      this.structural.push('shell scripts nested too deeply');
      return undefined;
    }
    const inner = new Walker(this.parse, this.depth + 1);
    inner.cdTainted = this.cdTainted;
    inner.run(script);
    this.dangerous.push(...inner.dangerous);
    this.compoundDanger ||= inner.compoundDanger;
    if (dangerOnly) return inner;
    this.commands.push(...inner.commands);
    this.commandWords.push(...inner.commandWords);
    this.reads.push(...inner.reads);
    this.writes.push(
      ...inner.writes.map((write) => ({ path: write.path, by: outerIndex === undefined ? [] : [outerIndex] })),
    );
    this.reasons.push(...inner.reasons);
    this.structural.push(...inner.structural);
    if (inner.parseError) this.parseError = true;
    return inner;
  }

  readOnly(): boolean {
    return (
      !this.parseError &&
      this.structural.length === 0 &&
      this.writes.length === 0 &&
      this.commands.every((command) => command.readOnly)
    );
  }
}

/** Parses and walks one command. */
export function walk(parse: (source: string) => SyntaxNode | undefined, command: string): Walker {
  const walker = new Walker(parse);
  try {
    walker.run(command);
  } catch (error) {
    // A pathological input (thousands of nested substitutions) can exhaust the stack: not read-only.
    if (!(error instanceof RangeError)) throw error;
    walker.parseError = true;
    walker.structural.push('the command is nested too deeply to analyse');
  }
  return walker;
}
