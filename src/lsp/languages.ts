/**
 * LSP language ids by file extension. Servers use the id to pick a grammar (`typescriptreact` turns on
 * JSX), so the usual ids matter; an extension not listed here is sent as its own id.
 */
import path from 'node:path';

const LANGUAGE_IDS: Readonly<Record<string, string>> = {
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'typescriptreact',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascriptreact',
  py: 'python',
  pyi: 'python',
  rs: 'rust',
  go: 'go',
  rb: 'ruby',
  java: 'java',
  kt: 'kotlin',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  hpp: 'cpp',
  cs: 'csharp',
  php: 'php',
  swift: 'swift',
  lua: 'lua',
  sh: 'shellscript',
  bash: 'shellscript',
  json: 'json',
  jsonc: 'jsonc',
  yaml: 'yaml',
  yml: 'yaml',
  md: 'markdown',
  html: 'html',
  css: 'css',
  scss: 'scss',
  vue: 'vue',
  svelte: 'svelte',
};

/** The extension of a path, without the dot, lower case; `''` when it has none. */
export function extensionOf(file: string): string {
  return path.extname(file).slice(1).toLowerCase();
}

/** The LSP language id of `file`, from `overrides` first, then the usual ids. */
export function languageIdOf(file: string, overrides: Readonly<Record<string, string>> = {}): string {
  const extension = extensionOf(file);
  return overrides[extension] ?? LANGUAGE_IDS[extension] ?? extension;
}
