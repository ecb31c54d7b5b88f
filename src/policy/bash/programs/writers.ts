/**
 * Programs that are never read-only but whose written (and read) files are computed, so protected paths
 * and `Edit(…)`/`Read(…)` rules see them in every mode: `cp`, `mv`, `tee`, `dd`, `tar`, `curl`, `wget`…
 * Each lists its options so abbreviations resolve (`--targ=` is `--target-directory=`).
 */
import { optionTable } from '../options.js';
import type { BashWord } from '../words.js';
import { literal, type ProgramContext, type ProgramSpec } from './spec.js';

const HV = 'help version';
const unknownPath = (text: string): BashWord => ({ value: undefined, text, glob: false, brace: false });

const writer = (lists: Parameters<typeof optionTable>[0], check: (context: ProgramContext) => void): ProgramSpec => ({
  options: optionTable(lists),
  readOnly: false,
  operands: 'none',
  check,
});

/** Every operand is written. */
const allWritten = ({ parsed, verdict }: ProgramContext): void => {
  verdict.writes.push(...parsed.operands.map((o) => o.word));
};

/** Every operand but the first (a mode, an owner) is written. */
const afterFirstWritten = ({ parsed, verdict }: ProgramContext): void => {
  const reference = parsed.options.some((o) => o.def.name === 'reference');
  verdict.writes.push(...parsed.operands.slice(reference ? 0 : 1).map((o) => o.word));
};

/** `cp`/`install`/`ln`/`mv`: sources are read (trees with `-r`), the target (`-t DIR` or the last) written. */
function copyLike(move: boolean) {
  return ({ parsed, verdict }: ProgramContext): void => {
    const ops = parsed.operands.map((o) => o.word);
    const target = parsed.options.find((o) => o.def.name === 'target-directory')?.value;
    const directoryMode = parsed.options.some((o) => o.def.name === 'directory' && o.def.effect === 'unsafe');
    if (directoryMode) {
      verdict.writes.push(...ops);
      return;
    }
    const sources = target ? ops : ops.slice(0, -1);
    const destination = target ?? ops.at(-1);
    if (destination) verdict.writes.push(destination);
    const recursive = parsed.options.some((o) => ['recursive', 'archive', 'R'].includes(o.def.name));
    if (move) verdict.writes.push(...sources);
    (recursive || move ? verdict.recursiveReads : verdict.reads).push(...sources);
  };
}

const CP = `a|archive attributes-only backup? b copy-contents d f|force i|interactive H l|link L|dereference n|no-clobber P|no-dereference p preserve? no-preserve= parents R|r|recursive reflink? remove-destination sparse= strip-trailing-slashes s|symbolic-link S|suffix= t|target-directory= T|no-target-directory u|update? v|verbose x|one-file-system Z context? keep-directory-symlink debug ${HV}`;

/** `dd if=F of=G`: operands, not options. */
function ddCheck({ args, verdict }: ProgramContext): void {
  for (const word of args) {
    const value = word.value;
    if (value === undefined) {
      verdict.writes.push(unknownPath(word.text));
      continue;
    }
    if (value.startsWith('of=')) verdict.writes.push({ ...word, value: value.slice(3), lead: value.slice(3) });
    if (value.startsWith('if=')) verdict.reads.push({ ...word, value: value.slice(3), lead: value.slice(3) });
  }
}

/**
 * `tar`: `-c`/`-r`/`-u` write the archive (`-f`) and read the operands (trees); `-x` writes files named in
 * the archive (unknown), `-t`/`-d` read it. The first word may be old-style bundled letters (`tar xzf a`).
 */
function tarCheck({ parsed, verdict }: ProgramContext): void {
  const has = (...names: string[]): boolean => parsed.options.some((o) => names.includes(o.def.name));
  const archive = parsed.options.find((o) => o.def.name === 'file')?.value;
  const ops = parsed.operands.map((o) => o.word);
  const directory = parsed.options.find((o) => o.def.name === 'directory')?.value;
  if (has('create', 'append', 'update', 'catenate', 'delete')) {
    verdict.writes.push(archive ?? unknownPath('the tar archive'));
    verdict.recursiveReads.push(...ops);
  } else if (has('extract', 'get')) {
    if (archive) verdict.reads.push(archive);
    verdict.writes.push(unknownPath(`files extracted ${directory ? `into ${directory.text}` : 'from the archive'}`));
    if (directory) verdict.writes.push(directory);
  } else if (archive) verdict.reads.push(archive);
}

/** `unzip A`: extracts files named in the archive (unknown paths) unless it only lists or tests. */
function unzipCheck({ args, verdict }: ProgramContext): void {
  const archive = args.find((w) => w.value !== undefined && !w.value.startsWith('-'));
  if (archive) verdict.reads.push(archive);
  const flags = args
    .filter((w) => w.value?.startsWith('-'))
    .map((w) => w.value!)
    .join('');
  if (!/[lptvZ]/.test(flags)) verdict.writes.push(unknownPath('files extracted from the archive'));
}

/** `patch`: writes the files named in the patch (unknown), or `-o FILE`. */
function patchCheck({ parsed, verdict }: ProgramContext): void {
  const ops = parsed.operands.map((o) => o.word);
  if (ops[0]) verdict.writes.push(ops[0]);
  else verdict.writes.push(unknownPath('files named in the patch'));
  if (ops[1]) verdict.reads.push(ops[1]);
}

/** `split IN PREFIX`, `csplit IN PATTERN…`: write files named after a prefix. */
function splitCheck({ name, parsed, verdict }: ProgramContext): void {
  const ops = parsed.operands.map((o) => o.word);
  if (ops[0] && ops[0].value !== '-') verdict.reads.push(ops[0]);
  const prefix = name === 'split' ? ops[1] : parsed.options.find((o) => o.def.name === 'prefix')?.value;
  verdict.writes.push({
    ...(prefix ?? literal(name === 'split' ? 'x' : 'xx')),
    glob: true,
    value: `${prefix?.value ?? (name === 'split' ? 'x' : 'xx')}*`,
  });
}

/** Programs that write. */
export const WRITER_PROGRAMS: Readonly<Record<string, ProgramSpec>> = {
  tee: writer({ unsafe: `a|append i|ignore-interrupts p output-error? ${HV}` }, allWritten),
  touch: writer(
    { unsafe: `a c|no-create d|date= f h|no-dereference m t= time= ${HV}`, read: 'r|reference=' },
    allWritten,
  ),
  rm: writer(
    {
      unsafe: `f|force i I interactive? one-file-system no-preserve-root preserve-root? r|R|recursive d|dir v|verbose ${HV}`,
    },
    allWritten,
  ),
  rmdir: writer({ unsafe: `ignore-fail-on-non-empty p|parents v|verbose ${HV}` }, allWritten),
  unlink: writer({ unsafe: HV }, allWritten),
  mkdir: writer({ unsafe: `m|mode= p|parents v|verbose Z context? ${HV}` }, allWritten),
  mkfifo: writer({ unsafe: `m|mode= Z context? ${HV}` }, allWritten),
  shred: writer(
    { unsafe: `f|force n|iterations= random-source= s|size= u remove? v|verbose x|exact z|zero ${HV}` },
    allWritten,
  ),
  truncate: writer({ unsafe: `c|no-create o|io-blocks s|size= ${HV}`, read: 'r|reference=' }, allWritten),
  fallocate: writer(
    {
      unsafe:
        'c|collapse-range d|dig-holes i|insert-range l|length= n|keep-size o|offset= p|punch-hole z|zero-range x|posix v|verbose h|help V|version',
    },
    allWritten,
  ),
  chmod: writer(
    {
      unsafe: `c|changes f|silent|quiet v|verbose no-preserve-root preserve-root R|recursive ${HV}`,
      read: 'reference=',
    },
    afterFirstWritten,
  ),
  chown: writer(
    {
      unsafe: `c|changes f|silent|quiet v|verbose dereference h|no-dereference from= no-preserve-root preserve-root R|recursive H L P ${HV}`,
      read: 'reference=',
    },
    afterFirstWritten,
  ),
  chgrp: writer(
    {
      unsafe: `c|changes f|silent|quiet v|verbose dereference h|no-dereference no-preserve-root preserve-root R|recursive H L P ${HV}`,
      read: 'reference=',
    },
    afterFirstWritten,
  ),
  cp: writer({ unsafe: CP }, copyLike(false)),
  mv: writer(
    {
      unsafe: `backup? b f|force i|interactive n|no-clobber strip-trailing-slashes S|suffix= t|target-directory= T|no-target-directory u|update? v|verbose Z|context exchange no-copy debug ${HV}`,
    },
    copyLike(true),
  ),
  ln: writer(
    {
      unsafe: `backup? b d|F|directory-hard f|force i|interactive L|logical n|no-dereference P|physical r|relative s|symbolic S|suffix= t|target-directory= T|no-target-directory v|verbose ${HV}`,
    },
    copyLike(false),
  ),
  install: writer(
    {
      unsafe: `backup? b c C|compare d|directory D g|group= m|mode= o|owner= p|preserve-timestamps s|strip S|suffix= t|target-directory= T|no-target-directory v|verbose preserve-context Z context? debug ${HV}`,
      code: 'strip-program=',
    },
    copyLike(false),
  ),
  dd: { options: optionTable({}), readOnly: false, anyArgs: true, check: ddCheck },
  tar: writer(
    {
      unsafe:
        'A|catenate|concatenate c|create delete d|diff|compare r|append t|list u|update x|extract|get g|listed-incremental= G|incremental level= n|seek S|sparse C|directory= exclude= exclude-vcs exclude-caches no-recursion recursion null T|files-from= X|exclude-from= k|keep-old-files overwrite remove-files skip-old-files U|unlink-first W|verify O|to-stdout m|touch p|preserve-permissions|same-permissions s|preserve-order|same-order f|file= a|auto-compress j|bzip2 J|xz z|gzip|gunzip|ungzip Z|compress|uncompress zstd lzma lzip lzop h|dereference P|absolute-names strip-components= transform|xform= v|verbose w|interactive|confirmation owner= group= mode= mtime= numeric-owner b|blocking-factor= i|ignore-zeros B|read-full-records H|format= V|label= l|check-links R|block-number totals? checkpoint? show-transformed-names one-top-level? wildcards no-wildcards anchored no-anchored sort= K|starting-file= N|newer|after-date= newer-mtime= L|tape-length= M|multi-volume force-local acls xattrs selinux',
      code: 'to-command= I|use-compress-program= rsh-command= rmt-command= F|info-script|new-volume-script= checkpoint-action=',
    },
    tarCheck,
  ),
  unzip: { options: optionTable({}), readOnly: false, anyArgs: true, check: unzipCheck },
  patch: writer(
    {
      unsafe:
        'p|strip= F|fuzz= l|ignore-whitespace c|context e|ed n|normal u|unified N|forward R|reverse D|ifdef= merge? E|remove-empty-files Z|set-utc T|set-time quoting-style= b|backup backup-if-mismatch no-backup-if-mismatch V|version-control= B|prefix= Y|basename-prefix= z|suffix= g|get= t|batch f|force s|quiet|silent verbose dry-run posix d|directory= reject-format= binary read-only= follow-symlinks v|version help',
      read: 'i|input=',
      write: 'o|output= r|reject-file=',
    },
    patchCheck,
  ),
  split: writer(
    {
      unsafe: `a|suffix-length= additional-suffix= b|bytes= C|line-bytes= d numeric-suffixes? x hex-suffixes? e|elide-empty-files l|lines= n|number= t|separator= u|unbuffered verbose ${HV}`,
      code: 'filter=',
    },
    splitCheck,
  ),
  csplit: writer(
    {
      unsafe: `b|suffix-format= f|prefix= k|keep-files suppress-matched n|digits= s|quiet|silent z|elide-empty-files ${HV}`,
    },
    splitCheck,
  ),
};
