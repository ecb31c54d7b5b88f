/**
 * Programs that reach the network. None is read-only; their written files are computed, and uploads of
 * local files (`curl -d @f`, `-T`, `-F x=@f`, `wget --post-file`) are flagged as exfiltration.
 */
import { optionTable } from '../options.js';
import type { BashWord } from '../words.js';
import type { ProgramContext, ProgramSpec } from './spec.js';

const unknownPath = (text: string): BashWord => ({ value: undefined, text, glob: false, brace: false });
const valueWord = (word: BashWord, value: string): BashWord => ({ ...word, value, lead: value });

/** curl options that take a value (curl has no abbreviations, so exact names suffice). */
const CURL = optionTable({
  unsafe:
    'A|user-agent= b|cookie= connect-timeout= C|continue-at= e|referer= E|cert= cert-type= cacert= capath= ciphers= H|header= h|help m|max-time= max-filesize= proxy-header= retry= retry-delay= retry-max-time= r|range= u|user= U|proxy-user= w|write-out= x|proxy= X|request= Y|speed-limit= y|speed-time= z|time-cond= key= key-type= pass= interface= local-port= limit-rate= dns-servers= resolve= connect-to= url= oauth2-bearer= login-options= mail-from= mail-rcpt= noproxy= proto= proto-redir= tls-max= tlsv1.2 tlsv1.3 s|silent S|show-error f|fail fail-with-body L|location k|insecure v|verbose i|include I|head G|get N|no-buffer compressed J|remote-header-name q|disable 4|ipv4 6|ipv6 V|version progress-bar l|list-only n|netrc netrc-optional retry-all-errors create-dirs http1.1 http2 location-trusted no-progress-meter digest basic ntlm negotiate anyauth globoff g',
  read: 'K|config= netrc-file=',
  write: 'o|output= c|cookie-jar= D|dump-header= trace= trace-ascii= stderr= libcurl= output-dir= etag-save=',
  code: '',
});

/** Options whose value may be `@file` (or `<file` for `-F`), which uploads the file. */
const CURL_DATA = new Set([
  'data',
  'data-binary',
  'data-urlencode',
  'data-ascii',
  'form',
  'form-string',
  'json',
  'upload-file',
  'T',
  'd',
  'F',
]);

/** curl: writes `-o`/`-O` targets, uploads `-T`, `-d @f`, `-F x=@f`. */
function curlCheck({ args, verdict }: ProgramContext): void {
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    const value = word.value ?? '';
    let name: string | undefined;
    let payload: BashWord | undefined;
    if (value.startsWith('--')) {
      const eq = value.indexOf('=');
      name = eq < 0 ? value.slice(2) : value.slice(2, eq);
      if (CURL_DATA.has(name)) payload = eq < 0 ? args[++i] : valueWord(word, value.slice(eq + 1));
      if (name === 'remote-name' || name === 'remote-name-all')
        verdict.writes.push(unknownPath('the file named by the URL'));
    } else if (/^-[a-zA-Z]/.test(value)) {
      for (let k = 1; k < value.length; k++) {
        const letter = value[k]!;
        if (letter === 'O') verdict.writes.push(unknownPath('the file named by the URL'));
        if ('dFT'.includes(letter)) {
          name = letter;
          payload = k + 1 < value.length ? valueWord(word, value.slice(k + 1)) : args[++i];
          break;
        }
        if (CURL.short.get(letter)?.value === 'required') {
          if (k + 1 === value.length) i++;
          break;
        }
      }
    }
    if (!payload || name === undefined) continue;
    const text = payload.value;
    if (name === 'upload-file' || name === 'T') {
      verdict.reads.push(payload);
      verdict.dangerous.push(`curl ${word.text} uploads ${payload.text}`);
      continue;
    }
    if (text === undefined) {
      verdict.dangerous.push(`curl ${word.text} sends data only known when it runs`);
      continue;
    }
    const file =
      /^@(.+)$/.exec(text)?.[1] ??
      /^[^=@<]*=[@<]([^;]+)/.exec(text)?.[1] ??
      /^[^@=]*@(.+)$/.exec(name.startsWith('data-urlencode') ? text : '')?.[1];
    if (file !== undefined && file !== '-') {
      verdict.reads.push(valueWord(payload, file));
      verdict.dangerous.push(`curl ${word.text} uploads the file ${file}`);
    } else if (file === '-') verdict.dangerous.push(`curl ${word.text} uploads its input`);
  }
}

const WGET = optionTable({
  unsafe:
    'V|version h|help b|background d|debug q|quiet v|verbose nv|no-verbose report-speed= F|force-html B|base= no-config rejected-log= t|tries= retry-connrefused retry-on-http-error= c|continue start-pos= progress= show-progress N|timestamping no-if-modified-since no-use-server-timestamps S|server-response spider T|timeout= dns-timeout= connect-timeout= read-timeout= w|wait= waitretry= random-wait no-proxy Q|quota= bind-address= limit-rate= no-dns-cache restrict-file-names= ignore-case 4|inet4-only 6|inet6-only prefer-family= user= password= ask-password no-iri local-encoding= remote-encoding= unlink xattr nd|no-directories x|force-directories nH|no-host-directories protocol-directories cut-dirs= http-user= http-password= no-cache default-page= E|adjust-extension ignore-length header= compression= max-redirect= proxy-user= proxy-password= referer= save-headers U|user-agent= no-http-keep-alive no-cookies keep-session-cookies post-data= method= body-data= content-disposition content-on-error auth-no-challenge secure-protocol= https-only no-check-certificate certificate-type= private-key-type= ciphers= no-hsts no-glob no-passive-ftp preserve-permissions retr-symlinks r|recursive l|level= delete-after k|convert-links convert-file-only K|backup-converted m|mirror p|page-requisites strict-comments A|accept= R|reject= accept-regex= reject-regex= regex-type= D|domains= exclude-domains= follow-ftp follow-tags= ignore-tags= H|span-hosts L|relative I|include-directories= X|exclude-directories= np|no-parent backups= trust-server-names',
  read: 'i|input-file= post-file= body-file= load-cookies= certificate= private-key= ca-certificate= ca-directory= crl-file= hsts-file= config=',
  write: 'O|output-document= o|output-file= a|append-output= P|directory-prefix= save-cookies= warc-file=',
  code: 'e|execute= use-askpass=',
});

/** wget: uploads `--post-file`/`--body-file`; writes the document (`-O`, else a name from the URL). */
function wgetCheck({ parsed, verdict }: ProgramContext): void {
  const has = (name: string): boolean => parsed.options.some((o) => o.def.name === name);
  if (!has('output-document') && !has('spider')) verdict.writes.push(unknownPath('the file named by the URL'));
  for (const option of parsed.options)
    if ((option.def.name === 'post-file' || option.def.name === 'body-file') && option.value)
      verdict.dangerous.push(`wget --${option.def.name} uploads ${option.value.text}`);
}

/** Whether a word names a remote path (`host:path`, `user@host:path`, `rsync://…`). */
export function isRemote(word: BashWord): boolean {
  const value = word.value ?? word.text;
  return /^[^/:]*[A-Za-z0-9_.-]+:/.test(value) && !/^[A-Za-z]:[\\/]/.test(value) ? !value.startsWith('./') : false;
}

/** `scp`/`rsync SRC… DEST`: local sources are read; a remote destination is an upload. */
function copyRemote({ name, args, verdict }: ProgramContext): void {
  const ops = args.filter((w) => w.value === undefined || !w.value.startsWith('-'));
  const destination = ops.at(-1);
  const sources = ops.slice(0, -1);
  for (const source of sources) if (!isRemote(source)) verdict.recursiveReads.push(source);
  if (destination && !isRemote(destination)) verdict.writes.push(destination);
  if (destination && isRemote(destination) && sources.some((s) => !isRemote(s)))
    verdict.dangerous.push(`${name} copies local files to ${destination.text}`);
}

const loose = (check: (context: ProgramContext) => void): ProgramSpec => ({
  options: optionTable({}),
  readOnly: false,
  anyArgs: true,
  check,
});

/** Programs that reach the network. */
export const NETWORK_PROGRAMS: Readonly<Record<string, ProgramSpec>> = {
  curl: { options: CURL, readOnly: false, anyArgs: true, check: curlCheck },
  wget: { options: WGET, readOnly: false, operands: 'none', check: wgetCheck },
  scp: loose(copyRemote),
  rsync: loose(copyRemote),
  sftp: loose(({ verdict }) => verdict.dangerous.push('sftp transfers files to another host')),
  ftp: loose(({ verdict }) => verdict.dangerous.push('ftp transfers files to another host')),
  tftp: loose(({ verdict }) => verdict.dangerous.push('tftp transfers files to another host')),
};
