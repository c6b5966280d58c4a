/**
 * The command line: each command declares its flags once (type, placeholder,
 * help line), and both the parser and the command's --help are made from that
 * declaration, so the help can never list a flag the parser does not take, or
 * give it another meaning. Turning flag text into spec values, with the
 * project's errors, is here too.
 *
 * Unlike node:util parseArgs, a value may start with "-" ("--lr -1" gives the
 * text "-1", which lrlab's own validation then judges), and an unknown flag is
 * refused with the closest known one suggested.
 */
import { LrlabError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import type { AxisSpec } from '../sweep/axes.js';

export interface FlagSpec {
  /** 'string' takes a value (`--out DIR` or `--out=DIR`); 'boolean' takes none. */
  type: 'string' | 'boolean';
  /** The value's placeholder in the help (N, FILE, DIR…); string flags only. */
  arg?: string;
  /** A one-letter alias (`-h`). */
  short?: string;
  /** The help text; "\n" starts a continuation line. */
  help: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

export type FlagValues<T extends FlagSpecs> = { -readonly [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };

/** Declares a group of flags, keeping their literal types (so the parsed values are typed). */
export function defineFlags<const T extends FlagSpecs>(flags: T): T {
  return flags;
}

/** Every command takes -h / --help. */
export const HELP_FLAG = defineFlags({ help: { type: 'boolean', short: 'h', help: 'show this help' } });

type Merged<T extends FlagSpecs[]> = T extends [infer A extends FlagSpecs, ...infer R extends FlagSpecs[]] ? A & Omit<Merged<R>, keyof A> : unknown;

/**
 * A command's flags from groups, in help order: the first definition of a name
 * wins, so a command's own meaning of a shared flag (sweep's --lr is an axis of
 * learning rates) replaces the shared one.
 */
export function flagSet<const T extends FlagSpecs[]>(...groups: T): Merged<T> {
  const out: FlagSpecs = {};
  for (const group of groups) for (const [name, spec] of Object.entries(group)) if (!Object.hasOwn(out, name)) out[name] = spec;
  return out as Merged<T>;
}

export interface Parsed<T extends FlagSpecs> {
  values: FlagValues<T>;
  positionals: string[];
}

/** Parses `args` against `flags`; `command` names the command in messages ("lrlab sweep"). */
export function parseFlags<T extends FlagSpecs>(args: string[], flags: T, command: string, options: { positionals?: boolean } = {}): Parsed<T> {
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  const shorts = new Map(Object.entries(flags).filter(([, f]) => f.short).map(([name, f]) => [f.short!, name]));
  const names = Object.keys(flags);
  const seeHelp = `see ${command} --help`;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      for (const rest of args.slice(i + 1)) positionals.push(rest);
      break;
    }
    let name: string | undefined, inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      if (!Object.hasOwn(flags, name)) {
        throw new LrlabError('UNKNOWN_OPTION', `--${name}`, arg, `is not an option of ${command}${didYouMean(name, names, (s) => `--${s}`)}; ${seeHelp}`);
      }
    } else if (/^-[A-Za-z]$/.test(arg)) {
      name = shorts.get(arg.slice(1));
      if (name === undefined) throw new LrlabError('UNKNOWN_OPTION', arg, arg, `is not an option of ${command}; ${seeHelp}`);
    } else {
      positionals.push(arg);
      continue;
    }
    const flag = flags[name];
    if (flag.type === 'boolean') {
      if (inline !== undefined) throw new LrlabError('INVALID_OPTION', `--${name}`, inline, 'takes no value');
      values[name] = true;
      continue;
    }
    if (inline === undefined) {
      const next = args[i + 1];
      // A value may start with "-" (a negative number), but not look like a flag.
      if (next === undefined || next.startsWith('--') || /^-[A-Za-z]$/.test(next)) {
        throw new LrlabError('INVALID_OPTION', `--${name}`, next, `needs a value: --${name} ${flag.arg ?? 'VALUE'} (or --${name}=VALUE)`);
      }
      inline = next;
      i++;
    }
    values[name] = inline;
  }
  if (positionals.length && !options.positionals) {
    throw new LrlabError('INVALID_OPTION', 'arguments', positionals[0], `must all be flags: ${command} takes no positional arguments; ${seeHelp}`);
  }
  return { values: values as FlagValues<T>, positionals };
}

/** The "Options:" table of a command's help, from its flag declarations. */
export function flagsHelp(flags: FlagSpecs): string {
  const labels = Object.entries(flags).map(([name, f]) => {
    const long = `--${name}${f.type === 'string' ? ` ${f.arg ?? 'VALUE'}` : ''}`;
    return f.short ? `-${f.short}, ${long}` : long;
  });
  // Labels longer than 17 characters get a line of their own, so the help text starts at one column.
  const width = Math.min(17, labels.reduce((w, l) => Math.max(w, l.length), 0)) + 2;
  const pad = ' '.repeat(2 + width);
  return Object.values(flags).map((f, i) => {
    const [first, ...rest] = f.help.split('\n');
    const label = labels[i];
    const head = label.length < width ? `  ${label.padEnd(width)}${first}` : `  ${label}\n${pad}${first}`;
    return [head, ...rest.map((line) => pad + line)].join('\n');
  }).join('\n') + '\n';
}

export function flagNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new LrlabError('INVALID_OPTION', flag, text, 'must be a number');
  return value;
}

export function flagInteger(flag: string, text: string, min = 1): number {
  const value = flagNumber(flag, text);
  if (!Number.isInteger(value) || value < min) throw new LrlabError('INVALID_OPTION', flag, text, `must be an integer >= ${min}`);
  return value;
}

/**
 * An axis from a flag: "0.1,0.01,0.001" (a list), "1e0:1e-7:8" (from:to:count, log-spaced)
 * or, for names, "sgd,adam".
 */
export function flagAxis(flag: string, text: string, numeric = true): AxisSpec {
  if (text.includes(':')) {
    const parts = text.split(':');
    if (parts.length !== 3) throw new LrlabError('INVALID_OPTION', flag, text, 'must be a list "a,b,c" or a log range "from:to:count"');
    return { log: { from: flagNumber(flag, parts[0]), to: flagNumber(flag, parts[1]), count: flagInteger(flag, parts[2]) } };
  }
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new LrlabError('INVALID_OPTION', flag, text, 'must list at least one value');
  return numeric ? items.map((s) => flagNumber(flag, s)) : items;
}
