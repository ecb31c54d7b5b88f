/**
 * The walker of `analyzeBash`: visits every node of the syntax tree, judges each simple command, and
 * collects what is read, written and dangerous.
 */
import type { Node } from 'web-tree-sitter';
import type { BashCommandInfo, BashPathRef } from './analysis.js';
import { isFetcher, isSafeAssignmentName, judgeCommand } from './command.js';
import { isDangerousWritePath, isDecoder } from './danger.js';
import { INTERPRETERS } from './programs.js';
import { UNUSUAL, heredocAsString, hiddenSubstitution } from './source-checks.js';
import { evalWord, type BashWord } from './words.js';

/** Commands longer than this are not analysed (they are judged not read-only). */
const MAX_COMMAND_LENGTH = 100_000;

/** A program that downloads, named in a redirection. */
const FETCH_WORD = /\b(curl|wget|fetch|nc|ncat)\b/;

/** Writes that are not writes: the bit bucket and the process's own descriptors. */
const HARMLESS_WRITE = /^\/dev\/(null|stdout|stderr|fd\/[0-2]|tty)$/;

/** Walks a parsed command and judges every simple command in it. */
export class Walker {
  readonly commands: (BashCommandInfo & { readonly words: BashWord[] })[] = [];
  readonly reads: BashPathRef[] = [];
  readonly writes: { path: BashPathRef; by: number[] }[] = [];
  readonly structural: string[] = [];
  readonly reasons: string[] = [];
  readonly dangerous: string[] = [];
  parseError = false;
  compoundDanger = false;
  private readonly bases: string[] = [];
  private cwdUnknown = false;
  private readonly collectors: number[][] = [];

  constructor(
    private readonly parse: (source: string) => Node | undefined,
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
    const fetches = this.commands.some((c) => c.forms.some((f) => isFetcher(f.words[0] ?? '')));
    const runsFile = this.commands.some((c) =>
      c.forms.some(
        (f) =>
          (f.words[0] ?? '').includes('/') ||
          (INTERPRETERS.has(f.words[0] ?? '') && f.words.slice(1).some((w) => !w.startsWith('-'))),
      ),
    );
    if (fetches && runsFile) {
      this.dangerous.push('downloaded code may be run');
      this.compoundDanger = true;
    }
  }

  private pathRef(word: BashWord): BashPathRef {
    const unknown = this.cwdUnknown && !(word.value ?? '').startsWith('/') && !(word.value ?? '').startsWith('~');
    return {
      value: unknown ? undefined : word.value,
      text: word.text,
      glob: word.glob || word.brace,
      bases: [...this.bases],
    };
  }

  private walk(node: Node): void {
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
        break;
      case 'unset_command':
        this.structural.push('unset changes shell variables or functions');
        break;
      case 'variable_assignment':
        if (node.parent?.type !== 'command') this.assignment(node);
        break;
      case 'file_redirect':
        this.fileRedirect(node);
        break;
      case 'test_command':
      case 'arithmetic_expansion':
      case 'c_style_for_statement':
      case 'subscript':
        // Bash evaluates `a[$(cmd)]` inside arithmetic even when it comes from a quoted string.
        if (/\[/.test(node.text) && /\$\(|`/.test(node.text))
          this.structural.push('an arithmetic subscript can run a command substitution');
        break;
      case 'compound_statement':
        if (node.text.startsWith('((') && /\[/.test(node.text) && /\$\(|`/.test(node.text))
          this.structural.push('an arithmetic subscript can run a command substitution');
        break;
      case 'expansion':
        if (/@[A-Za-z]\s*}$/.test(node.text))
          this.structural.push(`${node.text} transforms a value (prompt expansion can run commands)`);
        if (/\[/.test(node.text) && /\$\(|`/.test(node.text))
          this.structural.push('an arithmetic subscript can run a command substitution');
        break;
      case 'heredoc_redirect':
        this.heredoc(node);
        break;
      case 'ERROR':
        this.parseError = true;
        break;
    }
    if (node.isMissing) this.parseError = true;
    for (const child of node.children) if (child) this.walk(child);
  }

  /**
   * An unquoted here-document expands `$(…)`, backticks and `${…}` in its body; the grammar does not find
   * all of them (backticks, `<<-` bodies), so the body is analysed again as a double-quoted string.
   */
  private heredoc(node: Node): void {
    const start = node.children.find((child) => child?.type === 'heredoc_start')?.text ?? '';
    if (/['"\\]/.test(start)) return;
    const body = node.children.find((child) => child?.type === 'heredoc_body');
    if (!body || !/[`$]/.test(body.text)) return;
    this.merge(`: "${heredocAsString(body.text)}"`, this.collectors.at(-1)?.[0]);
  }

  private assignment(node: Node): void {
    const name = node.childForFieldName('name')?.text ?? node.text;
    if (!isSafeAssignmentName(name)) this.structural.push(`assigning ${name} changes how later commands run`);
  }

  private functionDefinition(node: Node): void {
    const name = node.childForFieldName('name')?.text ?? '';
    this.structural.push(`defines the function ${name}, which can shadow a command`);
    const body = node.childForFieldName('body');
    // A function that calls itself twice in a pipeline or in the background multiplies processes: a fork bomb.
    if (body) {
      const calls = body.descendantsOfType('command').filter((c) => c?.childForFieldName('name')?.text === name);
      if (calls.length > 0 && /[|&]/.test(body.text)) this.compoundDanger = true;
      if (calls.length > 0 && /[|&]/.test(body.text))
        this.dangerous.push(`the function ${name} calls itself in a pipeline or background job (fork bomb)`);
    }
    const nameId = node.childForFieldName('name')?.id;
    for (const child of node.children) if (child && child.id !== nameId) this.walk(child);
  }

  private redirected(node: Node): void {
    this.collectors.push([]);
    const body = node.childForFieldName('body');
    if (body) this.walk(body);
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
    ) {
      this.dangerous.push('downloaded code is fed to an interpreter');
      this.compoundDanger = true;
    }
  }

  private pipeline(node: Node): void {
    const start = this.commands.length;
    for (const child of node.children) if (child) this.walk(child);
    const stages = this.commands.slice(start);
    const names = stages.map((stage) => stage.forms.at(-1)?.words[0] ?? '');
    const shellIndex = stages.findIndex((stage, i) => {
      const inner = stage.forms.at(-1)?.words ?? [];
      const program = inner[0] ?? '';
      const scriptOperand = inner.slice(1).some((arg) => !arg.startsWith('-'));
      return i > 0 && INTERPRETERS.has(program) && (!scriptOperand || inner.includes('-') || inner.includes('-s'));
    });
    const before = this.dangerous.length;
    if (shellIndex > 0) {
      const upstream = stages.slice(0, shellIndex);
      if (upstream.some((stage) => stage.forms.some((f) => isFetcher(f.words[0] ?? ''))))
        this.dangerous.push(`downloaded code is piped to ${names[shellIndex]}`);
      if (upstream.some((stage) => stage.forms.some((f) => isDecoder(f.words[0] ?? '', stage.words.slice(1)))))
        this.dangerous.push(`decoded code is piped to ${names[shellIndex]}`);
    }
    if (
      stages.some((stage) => INTERPRETERS.has(stage.forms.at(-1)?.words[0] ?? '')) &&
      names.some((n) => ['nc', 'ncat', 'netcat', 'socat', 'telnet', 'openssl'].includes(n))
    ) {
      this.dangerous.push('a shell is connected to the network (reverse shell)');
    }
    if (this.dangerous.length > before) this.compoundDanger = true;
  }

  private fileRedirect(node: Node): void {
    const destination = node.childForFieldName('destination');
    const operator = node.children.find((child) => child && !child.isNamed)?.text ?? '>';
    if (!destination) return;
    const target = evalWord(destination);
    // `2>&1`, `>&2`, `<&0`, `>&-`: descriptors, not files.
    if (operator.includes('&') && operator !== '&>' && operator !== '&>>' && /^(\d+-?|-)$/.test(target.value ?? ''))
      return;
    const by = [...(this.collectors.at(-1) ?? [])];
    if (/^\/dev\/(tcp|udp)\//.test(target.value ?? target.text)) {
      this.dangerous.push(`${target.value ?? target.text} opens a network connection (reverse shell)`);
      this.structural.push(`${target.value ?? target.text} reaches the network`);
      this.compoundDanger = true;
    }
    if (operator === '<') {
      this.reads.push(this.pathRef(target));
      return;
    }
    if (target.value !== undefined && HARMLESS_WRITE.test(target.value)) return;
    const value = target.value ?? target.text;
    if (isDangerousWritePath(value.replace(/^~/, '/home/user'))) {
      this.dangerous.push(`writes ${value}`);
      this.compoundDanger = true;
    }
    if (operator === '<>') this.reads.push(this.pathRef(target));
    this.writes.push({ path: this.pathRef(target), by });
    this.reasons.push(`redirection ${operator} ${target.text} writes a file`);
  }

  private command(node: Node): void {
    const words: BashWord[] = [];
    const prefix: string[] = [];
    const ownReasons: string[] = [];
    const nameNode = node.childForFieldName('name');
    for (let i = 0; i < node.childCount; i++) {
      const child = node.child(i);
      if (!child) continue;
      const field = node.fieldNameForChild(i);
      if (child.type === 'variable_assignment') {
        const name = child.childForFieldName('name')?.text ?? child.text;
        prefix.push(child.text);
        if (!isSafeAssignmentName(name))
          ownReasons.push(`${name}=… changes how ${nameNode?.text ?? 'the command'} runs`);
      } else if (child.id === nameNode?.id || field === 'argument') {
        words.push(evalWord(child));
      } else if (child.type === 'subshell' && field === null) {
        ownReasons.push('an unrecognised construct');
      }
    }
    if (words.length === 0) {
      // Only assignments (`A=1 B=2`): judged like standalone assignments.
      ownReasons.forEach((reason) => this.structural.push(reason));
      for (const child of node.children) if (child) this.walk(child);
      return;
    }
    const index = this.commands.length;
    const verdict = judgeCommand(words);
    const readOnly = verdict.readOnly && ownReasons.length === 0;
    const display = (list: readonly BashWord[]): string[] => list.map((w) => w.value ?? w.text);
    const dangerous = [...verdict.dangerous];
    for (const written of verdict.writes) {
      const value = written.value ?? written.text;
      if (isDangerousWritePath(value.replace(/^~/, '/home/user'))) dangerous.push(`writes ${value}`);
    }
    this.commands.push({
      words,
      argv: display(words),
      forms: verdict.forms.map((form) => ({ words: display(form), literal: form.every((w) => w.value !== undefined) })),
      denyForms: verdict.denyForms.map((form) => ({ words: display(form) })),
      readOnly,
      dangerous: dangerous.length > 0,
      openEnded: false,
      dynamicName: words[0]?.value === undefined,
      opaque: verdict.opaque,
    });
    for (const collector of this.collectors) collector.push(index);
    this.reasons.push(...ownReasons, ...verdict.reasons);
    this.dangerous.push(...dangerous);
    for (const read of verdict.reads) this.reads.push(this.pathRef(read));
    for (const read of verdict.recursiveReads) this.reads.push({ ...this.pathRef(read), recursive: true });
    for (const read of verdict.possibleReads) this.reads.push({ ...this.pathRef(read), possible: true });
    for (const written of verdict.writes) this.writes.push({ path: this.pathRef(written), by: [index] });
    if (verdict.cd !== undefined) {
      if (verdict.cd === null || verdict.cd.value === undefined) this.cwdUnknown = true;
      else {
        this.reads.push(this.pathRef(verdict.cd));
        if (!this.cwdUnknown) this.bases.push(verdict.cd.value);
      }
    }
    for (const nested of verdict.nested) this.nested(nested.words, nested.openEnded);
    if (verdict.inline !== undefined) this.inline(verdict.inline, index);
    const redirects: Node[] = [];
    for (let i = 0; i < node.childCount; i++) {
      const child = node.child(i);
      if (child && node.fieldNameForChild(i) === 'redirect') redirects.push(child);
    }
    if (
      INTERPRETERS.has(verdict.forms.at(-1)?.[0]?.value ?? '') &&
      redirects.some((child) => FETCH_WORD.test(child.text))
    ) {
      this.dangerous.push('downloaded code is fed to an interpreter');
      this.compoundDanger = true;
    }
    // Own redirections and substitutions inside the words.
    this.collectors.push([index]);
    for (const child of node.children) if (child) this.walk(child);
    this.collectors.pop();
  }

  private nested(words: BashWord[], openEnded: boolean): void {
    const verdict = judgeCommand(words);
    const display = (list: readonly BashWord[]): string[] => list.map((w) => w.value ?? w.text);
    this.commands.push({
      words,
      argv: display(words),
      forms: verdict.forms.map((form) => ({ words: display(form), literal: form.every((w) => w.value !== undefined) })),
      denyForms: verdict.denyForms.map((form) => ({ words: display(form) })),
      readOnly: verdict.readOnly,
      dangerous: verdict.dangerous.length > 0,
      openEnded,
      dynamicName: words[0]?.value === undefined,
      opaque: verdict.opaque,
    });
    this.dangerous.push(...verdict.dangerous);
    if (!verdict.readOnly) this.reasons.push(...verdict.reasons.map((reason) => `${reason} (run by another command)`));
  }

  private inline(script: string, outerIndex: number): void {
    const inner = this.merge(script, outerIndex);
    if (inner && !inner.readOnly()) {
      this.commands[outerIndex] = { ...this.commands[outerIndex]!, readOnly: false };
      this.reasons.push(`inline script: ${[...inner.structural, ...inner.reasons].join('; ') || 'not read-only'}`);
    }
  }

  /** Analyses a nested script and adds what it found; its writes are charged to `outerIndex`. */
  private merge(script: string, outerIndex: number | undefined): Walker | undefined {
    if (this.depth >= 4) {
      this.structural.push('shell scripts nested too deeply');
      return undefined;
    }
    const inner = new Walker(this.parse, this.depth + 1);
    inner.run(script);
    this.commands.push(...inner.commands);
    this.reads.push(...inner.reads);
    this.writes.push(
      ...inner.writes.map((write) => ({ path: write.path, by: outerIndex === undefined ? [] : [outerIndex] })),
    );
    this.reasons.push(...inner.reasons);
    this.dangerous.push(...inner.dangerous);
    this.compoundDanger ||= inner.compoundDanger;
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
export function walk(parse: (source: string) => Node | undefined, command: string): Walker {
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
