/**
 * Paths between the model, the sandbox and the servers: the model's paths are resolved through the
 * sandbox (so a path out of the workspace is refused with `WORKSPACE_ESCAPE`), servers get `file://` URIs,
 * and answers are shown with workspace-relative paths.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { localSandbox } from '../sandbox/local-sandbox.js';
import type { Sandbox } from '../sandbox/types.js';
import { displayPath, errorCode } from '../tools/builtin/files/file-access.js';
import { decodeText } from '../tools/builtin/files/text-encoding.js';

/** Largest file sent to a server. */
export const MAX_LSP_FILE_BYTES = 8 * 1024 * 1024;

/** The workspace of an `lspTools` toolset. */
export class LspWorkspace {
  constructor(readonly sandbox: Sandbox) {}

  /** A workspace on `root` (a `localSandbox`: only its path checks and file reads are used), or on `sandbox`. */
  static create(options: { readonly root?: string; readonly sandbox?: Sandbox }): LspWorkspace {
    return new LspWorkspace(options.sandbox ?? localSandbox({ root: options.root ?? process.cwd() }));
  }

  get root(): string {
    return this.sandbox.root;
  }

  /**
   * The canonical absolute path of a path the model gave.
   *
   * @throws WorkspaceEscapeError for a path outside the workspace.
   */
  resolve(file: string): Promise<string> {
    return this.sandbox.resolve(file, 'read');
  }

  /** Whether an absolute path lies inside the workspace root. */
  contains(absolute: string): boolean {
    const relative = path.relative(this.root, absolute);
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  }

  /**
   * A path as the model should see it: workspace-relative, or for a file outside the workspace (a library's
   * declarations) its part from `node_modules/` on, or its name (see {@link LspWorkspace.contains}).
   */
  display(absolute: string): string {
    if (this.contains(absolute) || absolute === this.root) return displayPath(this.sandbox, absolute);
    const parts = absolute.split(path.sep);
    const modules = parts.lastIndexOf('node_modules');
    return modules >= 0 ? parts.slice(modules).join('/') : path.basename(absolute);
  }

  /** The `file://` URI of an absolute path. */
  uri(absolute: string): string {
    return pathToFileURL(absolute).href;
  }

  /** The absolute path of a `file://` URI, or `undefined` for another scheme. */
  pathOf(uri: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    try {
      return fileURLToPath(uri);
    } catch {
      return undefined;
    }
  }

  /**
   * The text of a file in the workspace, or `undefined` when it does not exist.
   *
   * @throws Error for a file too large to send, or one the sandbox refuses.
   */
  async read(absolute: string): Promise<string | undefined> {
    try {
      const bytes = await this.sandbox.readFile(absolute, { maxBytes: MAX_LSP_FILE_BYTES });
      return decodeText(bytes).text;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      if (errorCode(error) === 'EFBIG') {
        throw new Error(`${this.display(absolute)} is over ${MAX_LSP_FILE_BYTES / 1024 / 1024} MB, too large for LSP.`);
      }
      throw error;
    }
  }
}
