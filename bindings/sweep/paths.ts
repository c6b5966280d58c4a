/**
 * Axis paths: "optimizer.lr", "model.layers[0].units", "schedule". Reading and
 * writing a value at a path of a plain-JSON spec, creating objects on the way.
 */
import { LrlabError } from '../errors.js';

type Key = string | number;

export function parsePath(path: string, field: string): Key[] {
  if (typeof path !== 'string' || !/^[A-Za-z_][\w]*(\.[A-Za-z_]\w*|\[\d+\])*$/.test(path)) {
    throw new LrlabError('INVALID_OPTION', field, path, 'must be a path like "optimizer.lr" or "model.layers[0].units"');
  }
  const keys = path.split(/\.|(?=\[)/).map((part) => (part.startsWith('[') ? Number(part.slice(1, -1)) : part));
  // These would reach Object.prototype (or a constructor) and change every object of the process.
  const bad = keys.find((k) => typeof k === 'string' && FORBIDDEN_KEYS.includes(k));
  if (bad !== undefined) throw new LrlabError('INVALID_OPTION', field, path, `must not go through "${bad}"`);
  return keys;
}

/** Keys no spec path or spec key may use. */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

export function setAtPath(target: Record<string, unknown>, keys: Key[], value: unknown, field: string): void {
  let node: Record<Key, unknown> = target;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) {
      node[key] = structuredClone(value);
      return;
    }
    let next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (next === undefined) {
      next = typeof keys[i + 1] === 'number' ? [] : {};
      node[key] = next;
    }
    if (typeof next !== 'object' || next === null) {
      throw new LrlabError('INVALID_OPTION', field, keys.slice(0, i + 1).join('.'), 'must lead through objects and arrays of the base spec');
    }
    node = next as Record<Key, unknown>;
  });
}

export function getAtPath(target: unknown, keys: Key[]): unknown {
  let node = target as Record<Key, unknown> | undefined;
  for (const key of keys) {
    if (node === undefined || node === null || typeof node !== 'object') return undefined;
    node = (Object.hasOwn(node, key) ? node[key] : undefined) as Record<Key, unknown> | undefined;
  }
  return node;
}
