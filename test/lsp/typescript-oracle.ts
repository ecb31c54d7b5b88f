/**
 * What TypeScript itself says about a project, from its own language service (the one tsserver runs):
 * the reference the LSP tools' answers are checked against.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** A 1-based position in a workspace-relative file. */
export interface Where {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export class TypeScriptOracle {
  readonly #service: ts.LanguageService;

  constructor(readonly root: string) {
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(root, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => undefined,
      },
    )!;
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => config.options,
      getScriptFileNames: () => config.fileNames,
      getScriptVersion: () => '1',
      getScriptSnapshot: (file) => {
        try {
          return ts.ScriptSnapshot.fromString(readFileSync(file, 'utf8'));
        } catch {
          return undefined;
        }
      },
      getCurrentDirectory: () => root,
      getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
      fileExists: ts.sys.fileExists,
      readFile: ts.sys.readFile,
    };
    this.#service = ts.createLanguageService(host);
  }

  /** The offset of a 1-based line and column. */
  offset(file: string, line: number, column: number): number {
    const source = this.#source(file);
    return source.getPositionOfLineAndCharacter(line - 1, column - 1);
  }

  /** The quick info (hover) text at a position. */
  hover(file: string, line: number, column: number): string {
    const info = this.#service.getQuickInfoAtPosition(this.#abs(file), this.offset(file, line, column));
    return ts.displayPartsToString(info?.displayParts);
  }

  /** Definitions at a position. */
  definitions(file: string, line: number, column: number): Where[] {
    const found = this.#service.getDefinitionAtPosition(this.#abs(file), this.offset(file, line, column)) ?? [];
    return found.map((entry) => this.#where(entry.fileName, entry.textSpan.start));
  }

  /** References at a position, declaration included. */
  references(file: string, line: number, column: number): Where[] {
    const found = this.#service.getReferencesAtPosition(this.#abs(file), this.offset(file, line, column)) ?? [];
    return found.map((entry) => this.#where(entry.fileName, entry.textSpan.start));
  }

  /** The names in a file's navigation tree, depth first. */
  symbolNames(file: string): string[] {
    const names: string[] = [];
    const visit = (item: ts.NavigationTree): void => {
      for (const child of item.childItems ?? []) {
        names.push(child.text);
        visit(child);
      }
    };
    visit(this.#service.getNavigationTree(this.#abs(file)));
    return names;
  }

  /** Declarations matching a name across the project ("navigate to"). */
  navigateTo(query: string): Where[] {
    return this.#service.getNavigateToItems(query).map((item) => this.#where(item.fileName, item.textSpan.start));
  }

  /** Syntactic and semantic errors of a file: 1-based start, code and message text. */
  errors(file: string): { line: number; column: number; code: number; message: string }[] {
    const abs = this.#abs(file);
    return [...this.#service.getSyntacticDiagnostics(abs), ...this.#service.getSemanticDiagnostics(abs)]
      .filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error)
      .map((diagnostic) => {
        const at = ts.getLineAndCharacterOfPosition(diagnostic.file!, diagnostic.start!);
        return {
          line: at.line + 1,
          column: at.character + 1,
          code: diagnostic.code,
          message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
        };
      });
  }

  #abs(file: string): string {
    return path.join(this.root, file);
  }

  #source(file: string): ts.SourceFile {
    return this.#service.getProgram()!.getSourceFile(this.#abs(file))!;
  }

  #where(fileName: string, start: number): Where {
    const source = this.#service.getProgram()!.getSourceFile(fileName)!;
    const at = source.getLineAndCharacterOfPosition(start);
    return {
      file: path.relative(this.root, fileName).split(path.sep).join('/'),
      line: at.line + 1,
      column: at.character + 1,
    };
  }
}
