import { CAMEO_CODES } from './cameo-codes.data.js';

/**
 * The whole CAMEO event vocabulary (cameo-codes.data.ts, generated from the reference CSV):
 * names and Goldstein values by code. Codes are hierarchical — "1821" is under "182", under "18".
 */
interface CameoCode {
  name: string;
  /** The code's own value, or — for the few extension codes the reference leaves without one (cyber, precision-guided munitions) — its nearest ancestor's. */
  goldstein: number;
}

const CODES = new Map<string, CameoCode>();
for (const [code, name, own] of CAMEO_CODES) {
  CODES.set(code, { name, goldstein: own ?? inherited(code) });
}

function inherited(code: string): number {
  for (let parent = code.slice(0, -1); parent.length >= 2; parent = parent.slice(0, -1)) {
    const value = CAMEO_CODES.find(([c]) => c === parent)?.[2];
    if (value !== undefined && value !== null) return value;
  }
  throw new Error(`CAMEO code ${code} has no Goldstein value and no ancestor with one`);
}

export function isCameoCode(code: unknown): code is string {
  return typeof code === 'string' && CODES.has(code);
}

export function cameoName(code: string): string {
  return CODES.get(code)?.name ?? code;
}

export function cameoGoldstein(code: string): number {
  const entry = CODES.get(code);
  if (!entry) throw new Error(`unknown CAMEO code ${code}`);
  return entry.goldstein;
}

/** The root category ("18") of a code ("1821"). */
export function cameoRoot(code: string): string {
  return code.slice(0, 2);
}

/** Every code of a root category, the root itself first. */
export function cameoCodesUnder(root: string): string[] {
  return [...CODES.keys()].filter((code) => cameoRoot(code) === root);
}

export const CAMEO_ROOTS: readonly string[] = [...CODES.keys()].filter((code) => code.length === 2);
