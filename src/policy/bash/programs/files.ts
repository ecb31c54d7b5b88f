/**
 * Programs that read files and print (coreutils, util-linux, file, tree, jq…), and programs that print
 * facts about the system. Every option of each is listed, safe or not, so an abbreviation resolves as the
 * program itself would resolve it.
 */
import { optionTable } from '../options.js';
import { mayMultiply } from '../words.js';
import type { ProgramContext, ProgramSpec } from './spec.js';

const HV = 'help version';
const SUMS = `b|binary c|check tag t|text z|zero ignore-missing quiet status strict w|warn ${HV}`;

/** A read-only program whose options are all listed in `safe` (plus `read`/`list`/`write`/`code`/`unsafe`). */
const reader = (
  lists: Parameters<typeof optionTable>[0],
  extra: Omit<ProgramSpec, 'options'> & { digits?: boolean } = {},
): ProgramSpec => {
  const { digits, ...rest } = extra;
  return { options: optionTable(lists, { digits: digits === true }), ...rest };
};

/** `uniq IN OUT` writes OUT. */
function uniqCheck({ parsed, verdict }: ProgramContext): void {
  const out = parsed.operands[1];
  if (out) {
    verdict.problems.push(`uniq writes its second operand ${out.word.text}`);
    verdict.writes.push(out.word);
    verdict.reads.splice(verdict.reads.indexOf(out.word), 1);
  }
}

/** `date MMDDhhmm` sets the clock; only `+FORMAT` operands print. */
function dateCheck({ parsed, verdict }: ProgramContext): void {
  verdict.reads.length = 0;
  for (const { word } of parsed.operands)
    if (word.value === undefined || !word.value.startsWith('+'))
      verdict.problems.push(`date ${word.text} sets the clock`);
  for (const option of parsed.options)
    if (option.def.effect === 'read' && option.value) verdict.reads.push(option.value);
}

/** `hostname NAME` sets the host name. */
function hostnameCheck({ parsed, verdict }: ProgramContext): void {
  if (parsed.operands.length > 0) verdict.problems.push('hostname with a name sets the host name');
}

/** `shuf -e` takes its operands as lines, not files. */
function shufCheck({ parsed, verdict }: ProgramContext): void {
  if (parsed.options.some((o) => o.def.name === 'echo')) verdict.reads.length = 0;
}

/** `jq FILTER FILE…`: with `--args`/`--jsonargs` the operands after the filter are values, not files. */
function jqCheck({ parsed, verdict }: ProgramContext): void {
  if (parsed.options.some((o) => o.def.name === 'args' || o.def.name === 'jsonargs')) {
    const fromFile = parsed.options.some((o) => o.def.name === 'from-file');
    verdict.reads.length = 0;
    for (const option of parsed.options)
      if (option.def.effect === 'read' && option.value) verdict.reads.push(option.value);
    if (fromFile) verdict.problems.push('jq --args with --from-file: the operands are ambiguous');
  }
}

/**
 * `test`/`[`: `-v NAME` and `-R NAME` evaluate array subscripts (`a[$(cmd)]`). A word that is only known at
 * run time must not be able to become such an operator: it must sit next to a literal operator.
 */
function testCheck({ name, args, verdict }: ProgramContext): void {
  const words = name === '[' && args.at(-1)?.value === ']' ? args.slice(0, -1) : args;
  const isOperator = (value: string | undefined): boolean =>
    value !== undefined && (/^-[a-zA-Z]{1,2}$/.test(value) || ['=', '==', '!=', '<', '>', '!'].includes(value));
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word.value === '-v' || word.value === '-R') verdict.problems.push(`${name} ${word.value} evaluates subscripts`);
    if (mayMultiply(word)) verdict.problems.push(`${name}: ${word.text} may become several words`);
    else if (word.value === undefined && words.length > 1) {
      const before = words[i - 1]?.value;
      const after = words[i + 1]?.value;
      if (!isOperator(before) && !(after !== undefined && isOperator(after) && after !== '!'))
        verdict.problems.push(`${name}: ${word.text} may become an operator`);
    }
  }
}

/** Programs that read the files named by their operands, or print facts. */
export const FILE_PROGRAMS: Readonly<Record<string, ProgramSpec>> = {
  cat: reader({
    safe: `A|show-all b|number-nonblank e E|show-ends n|number s|squeeze-blank t T|show-tabs u v|show-nonprinting ${HV}`,
  }),
  head: reader({ safe: `c|bytes= n|lines= q|quiet|silent v|verbose z|zero-terminated ${HV}` }, { digits: true }),
  tail: reader(
    {
      safe: `c|bytes= f follow? F n|lines= max-unchanged-stats= pid= q|quiet|silent retry s|sleep-interval= v|verbose z|zero-terminated ${HV}`,
    },
    { digits: true },
  ),
  wc: reader({ safe: `c|bytes m|chars l|lines L|max-line-length w|words total= ${HV}`, list: 'files0-from=' }),
  ls: reader({
    safe: `a|all A|almost-all author b|escape block-size= B|ignore-backups c C color? d|directory D|dired f F classify? file-type format= full-time g group-directories-first G|no-group h|human-readable si H|dereference-command-line dereference-command-line-symlink-to-dir hide= hyperlink? indicator-style= i|inode I|ignore= k|kibibytes l L|dereference m n|numeric-uid-gid N|literal o p q|hide-control-chars show-control-chars Q|quote-name quoting-style= r|reverse R|recursive s|size S sort= time= time-style= t T|tabsize= u U v w|width= x X Z|context zero 1 ${HV}`,
  }),
  sort: reader({
    safe: `b|ignore-leading-blanks d|dictionary-order f|ignore-case g|general-numeric-sort i|ignore-nonprinting M|month-sort h|human-numeric-sort n|numeric-sort R|random-sort r|reverse sort= V|version-sort batch-size= c C check? k|key= m|merge s|stable S|buffer-size= t|field-separator= parallel= u|unique z|zero-terminated debug ${HV}`,
    read: 'random-source=',
    list: 'files0-from=',
    write: 'o|output=',
    code: 'compress-program=',
    unsafe: 'T|temporary-directory=',
  }),
  uniq: reader(
    {
      safe: `c|count d|repeated D all-repeated? f|skip-fields= group? i|ignore-case s|skip-chars= u|unique z|zero-terminated w|check-chars= ${HV}`,
    },
    { check: uniqCheck },
  ),
  cut: reader({
    safe: `b|bytes= c|characters= d|delimiter= f|fields= n complement s|only-delimited output-delimiter= z|zero-terminated ${HV}`,
  }),
  tr: reader({ safe: `c|C|complement d|delete s|squeeze-repeats t|truncate-set1 ${HV}` }, { operands: 'none' }),
  nl: reader({
    safe: `b|body-numbering= d|section-delimiter= f|footer-numbering= h|header-numbering= i|line-increment= l|join-blank-lines= n|number-format= p|no-renumber s|number-separator= v|starting-line-number= w|number-width= ${HV}`,
  }),
  tac: reader({ safe: `b|before r|regex s|separator= ${HV}` }),
  rev: reader({ safe: 'h|help V|version' }),
  paste: reader({ safe: `d|delimiters= s|serial z|zero-terminated ${HV}` }),
  fold: reader({ safe: `b|bytes s|spaces w|width= ${HV}` }),
  fmt: reader({
    safe: `c|crown-margin p|prefix= s|split-only t|tagged-paragraph u|uniform-spacing w|width= g|goal= ${HV}`,
  }),
  column: reader({
    safe: 't|table n|table-name= O|table-order= N|table-columns= l|table-columns-limit= E|table-noextreme= d|table-noheadings e|table-header-repeat H|table-hide= R|table-right= T|table-truncate= W|table-wrap= L|keep-empty-lines J|json r|tree= i|tree-id= p|tree-parent= c|output-width= o|output-separator= s|separator= x|fillrows C|table-column= S|use-spaces= h|help V|version',
  }),
  comm: reader({
    safe: `1 2 3 check-order nocheck-order output-delimiter= total z|zero-terminated ${HV}`,
  }),
  join: reader({
    safe: `a= e= i|ignore-case j= o= t= v= 1= 2= check-order nocheck-order header z|zero-terminated ${HV}`,
  }),
  diff: reader({
    safe: `normal q|brief s|report-identical-files c C= context? u U= unified? e|ed n|rcs y|side-by-side W|width= left-column suppress-common-lines p|show-c-function F|show-function-line= label= t|expand-tabs T|initial-tab tabsize= suppress-blank-empty l|paginate no-dereference N|new-file unidirectional-new-file ignore-file-name-case no-ignore-file-name-case x|exclude= S|starting-file= i|ignore-case E|ignore-tab-expansion Z|ignore-trailing-space b|ignore-space-change w|ignore-all-space B|ignore-blank-lines I|ignore-matching-lines= a|text strip-trailing-cr D|ifdef= old-group-format= new-group-format= unchanged-group-format= changed-group-format= line-format= old-line-format= new-line-format= unchanged-line-format= d|minimal horizon-lines= speed-large-files color? palette= help v|version`,
    read: 'X|exclude-from= from-file= to-file=',
    recursive: 'r|recursive',
  }),
  cmp: reader({ safe: 'b|print-bytes i|ignore-initial= l|verbose n|bytes= s|quiet|silent help v|version' }),
  expand: reader({ safe: `i|initial t|tabs= ${HV}` }, { digits: true }),
  unexpand: reader({ safe: `a|all first-only t|tabs= ${HV}` }, { digits: true }),
  md5sum: reader({ safe: SUMS }),
  sha1sum: reader({ safe: SUMS }),
  sha224sum: reader({ safe: SUMS }),
  sha256sum: reader({ safe: SUMS }),
  sha384sum: reader({ safe: SUMS }),
  sha512sum: reader({ safe: SUMS }),
  b2sum: reader({ safe: `${SUMS} l|length=` }),
  cksum: reader({
    safe: `a|algorithm= c|check l|length= tag untagged z|zero ignore-missing quiet status strict w|warn debug raw base64 ${HV}`,
  }),
  sum: reader({ safe: `r s|sysv ${HV}` }),
  od: reader({
    safe: `A|address-radix= endian= j|skip-bytes= N|read-bytes= S= strings? t|format= v|output-duplicates w? width? traditional a b c d f i l o s x ${HV}`,
  }),
  hexdump: reader({
    safe: 'b|one-byte-octal X|one-byte-hex c|one-byte-char C|canonical d|two-bytes-decimal o|two-bytes-octal x|two-bytes-hex L color? e|format= n|length= s|skip= v|no-squeezing h|help V|version',
    read: 'f|format-file=',
  }),
  strings: reader(
    {
      safe: 'a|all d|data f|print-file-name n|bytes= min-len= t|radix= w|include-all-whitespace o T|target= e|encoding= unicode= U= s|output-separator= h|help v|V|version',
    },
    { digits: true },
  ),
  base64: reader({ safe: `d|decode i|ignore-garbage w|wrap= ${HV}` }),
  base32: reader({ safe: `d|decode i|ignore-garbage w|wrap= ${HV}` }),
  stat: reader({ safe: `L|dereference f|file-system cached= c|format= printf= t|terse ${HV}` }),
  readlink: reader({
    safe: `f|canonicalize e|canonicalize-existing m|canonicalize-missing n|no-newline q|quiet s|silent v|verbose z|zero ${HV}`,
  }),
  realpath: reader({
    safe: `e|canonicalize-existing m|canonicalize-missing L|logical P|physical q|quiet relative-to= relative-base= s|strip|no-symlinks z|zero ${HV}`,
  }),
  du: reader({
    safe: `0|null a|all apparent-size B|block-size= b|bytes c|total D|dereference-args d|max-depth= H h|human-readable inodes k L|dereference l|count-links m P|no-dereference S|separate-dirs si s|summarize t|threshold= time? time-style= exclude= x|one-file-system ${HV}`,
    read: 'X|exclude-from=',
    list: 'files0-from=',
  }),
  df: reader({
    safe: `a|all B|block-size= h|human-readable H|si i|inodes k l|local no-sync output? P|portability sync total t|type= T|print-type x|exclude-type= v ${HV}`,
  }),
  file: reader({
    safe: 'b|brief c|checking-printout e|exclude= exclude-quiet= F|separator= i|mime mime-type mime-encoding apple extension k|keep-going l|list L|dereference h|no-dereference n|no-buffer N|no-pad 0|print0 P|parameter= r|raw s|special-files d|debug E help v|version',
    read: 'm|magic-file=',
    list: 'f|files-from=',
    unsafe: 'C|compile z|uncompress Z|uncompress-noreport S|no-sandbox p|preserve-date',
  }),
  tree: reader({
    safe: 'a d l f x L= P= I= gitignore ignore-case matchdirs metafirst prune info noreport charset= filelimit= timefmt= q N Q p u g s h si du D F r t c U v dirsfirst filesfirst sort= i A S n C J X help version',
    write: 'o=',
    unsafe: 'R H= T= fromfile infofile= fflinks',
  }),
  jq: reader(
    {
      safe: 'c|compact-output n|null-input e|exit-status s|slurp r|raw-output j|join-output a|ascii-output S|sort-keys C|color-output M|monochrome-output tab indent= unbuffered stream stream-errors seq arg# argjson# args jsonargs R|raw-input raw-output0 h|help V|version build-configuration',
      read: 'f|from-file= slurpfile# rawfile# L=',
    },
    { operands: 'pattern', patternOptions: ['from-file'], check: jqCheck },
  ),
  shuf: reader(
    {
      safe: `e|echo i|input-range= n|head-count= r|repeat z|zero-terminated ${HV}`,
      read: 'random-source=',
      write: 'o|output=',
    },
    { check: shufCheck },
  ),
  // Programs whose operands are not files.
  echo: { options: optionTable({}), anyArgs: true },
  printf: reader({ unsafe: 'v=' }, { operands: 'none', stopAtOperand: true }),
  true: { options: optionTable({}), anyArgs: true },
  false: { options: optionTable({}), anyArgs: true },
  ':': { options: optionTable({}), anyArgs: true },
  expr: { options: optionTable({}), anyArgs: true },
  test: { options: optionTable({}), anyArgs: true, check: testCheck },
  '[': { options: optionTable({}), anyArgs: true, check: testCheck },
  pwd: reader({ safe: `L|logical P|physical ${HV}` }, { operands: 'none' }),
  basename: reader({ safe: `a|multiple s|suffix= z|zero ${HV}` }, { operands: 'none' }),
  dirname: reader({ safe: `z|zero ${HV}` }, { operands: 'none' }),
  seq: reader({ safe: `f|format= s|separator= w|equal-width ${HV}` }, { operands: 'none' }),
  sleep: reader({ safe: HV }, { operands: 'none' }),
  whoami: reader({ safe: HV }, { operands: 'none' }),
  id: reader({ safe: `a Z|context g|group G|groups n|name r|real u|user z|zero ${HV}` }, { operands: 'none' }),
  groups: reader({ safe: HV }, { operands: 'none' }),
  uname: reader(
    {
      safe: `a|all s|kernel-name n|nodename r|kernel-release v|kernel-version m|machine p|processor i|hardware-platform o|operating-system ${HV}`,
    },
    { operands: 'none' },
  ),
  arch: reader({ safe: HV }, { operands: 'none' }),
  nproc: reader({ safe: `all ignore= ${HV}` }, { operands: 'none' }),
  tty: reader({ safe: `s|silent|quiet ${HV}` }, { operands: 'none' }),
  locale: reader(
    { safe: `a|all-locales m|charmaps c|category-name k|keyword-name v|verbose ${HV} usage` },
    { operands: 'none' },
  ),
  uptime: reader({ safe: 'p|pretty s|since h|help V|version' }, { operands: 'none' }),
  free: reader(
    {
      safe: 'b|bytes k|kibi m|mebi g|gibi tebi pebi kilo mega giga tera peta h|human si l|lohi t|total v|committed w|wide c|count= s|seconds= help V|version',
    },
    { operands: 'none' },
  ),
  printenv: reader({ safe: `0|null ${HV}` }, { operands: 'none' }),
  which: reader({ safe: 'a s' }, { operands: 'none' }),
  type: reader({ safe: 'a f p P t' }, { operands: 'none' }),
  ps: { options: optionTable({}), anyArgs: true },
  date: reader(
    {
      safe: `d|date= debug I? iso-8601? R|rfc-email rfc-3339= resolution u|utc|universal ${HV}`,
      read: 'r|reference= f|file=',
      unsafe: 's|set=',
    },
    { check: dateCheck },
  ),
  hostname: reader(
    {
      safe: 'a|alias A|all-fqdns d|domain f|fqdn|long i|ip-address I|all-ip-addresses s|short y|yp|nis help V|version',
      unsafe: 'F|file= b|boot',
    },
    { operands: 'none', check: hostnameCheck },
  ),
};
