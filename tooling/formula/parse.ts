import { ast as formulonAst } from 'formulon';
import type { FormulonNode } from 'formulon';

/** A Salesforce formula that failed to parse or evaluate. `kind` says which stage failed. */
export class FormulaError extends Error {
  constructor(
    message: string,
    readonly kind: 'syntax' | 'function' | 'reference' | 'type' | 'runtime',
  ) {
    super(message);
    this.name = 'FormulaError';
  }
}

export type FormulaAst = FormulonNode;

/**
 * Functions Salesforce formulas may call that we know about: formulon's own set, the functions this
 * package evaluates itself (ISCHANGED, PRIORVALUE, ISNEW ...), and operators as formulon names them.
 */
// prettier-ignore
export const KNOWN_FUNCTIONS = new Set([
  // operators (formulon's ids)
  'add', 'subtract', 'multiply', 'divide', 'exponentiate', 'equal', 'unequal', 'greaterThan', 'greaterThanOrEqual',
  'lessThan', 'lessThanOrEqual', 'and', 'or', 'not',
  // logical
  'if', 'case', 'isblank', 'isnull', 'blankvalue', 'nullvalue', 'ispickval', 'includes', 'ischanged', 'priorvalue',
  'isnew', 'isclone', 'isnumber',
  // text
  'begins', 'br', 'casesafeid', 'contains', 'find', 'hyperlink', 'image', 'left', 'len', 'lower', 'lpad', 'mid',
  'right', 'rpad', 'substitute', 'text', 'trim', 'upper', 'value', 'regex',
  // math
  'abs', 'ceiling', 'exp', 'floor', 'ln', 'log', 'max', 'min', 'mceiling', 'mfloor', 'mod', 'round', 'sqrt',
  'distance', 'geolocation',
  // date and time
  'addmonths', 'date', 'datevalue', 'datetimevalue', 'day', 'hour', 'millisecond', 'minute', 'month', 'now',
  'second', 'timenow', 'timevalue', 'today', 'weekday', 'year',
  // Salesforce functions formulon does not evaluate (they parse and pass the check; evaluating them throws)
  'dayofyear', 'isoweek', 'isoyear', 'unixtimestamp', 'fromunixtime', 'formatduration', 'initcap', 'reverse',
  'htmlencode', 'jsencode', 'jsinhtmlencode', 'urlencode', 'urlfor', 'linkto', 'getrecordids', 'include',
  'requirescript', 'vlookup', 'currencyrate', 'predict', 'parentgroupval', 'prevgroupval', 'getsessionid',
]);

const SF_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

/** The value of a Salesforce string literal body: \\ \" \' \n \t ... unescaped. */
function unescapeSf(body: string): string {
  return body.replace(/\\(.)/gs, (_m, c: string) => SF_ESCAPES[c] ?? c);
}

interface Preprocessed {
  text: string;
  /** string literal values by placeholder ("__str0") */
  strings: Map<string, string>;
}

/**
 * Make Salesforce syntax formulon does not read acceptable to it: comments are blanked, unary minus before a
 * name or parenthesis becomes -1*, and string literals become placeholders (formulon has no escapes) that
 * parseFormula puts back. Line breaks stay where they were.
 */
export function preprocessFormula(text: string): Preprocessed {
  let out = '';
  const strings = new Map<string, string>();
  let i = 0;
  let lastSignificant = '';
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      const body = text.slice(i + 1, j);
      const key = `__str${strings.size}`;
      strings.set(key, unescapeSf(body));
      out += `"${key}"` + '\n'.repeat((body.match(/\n/g) ?? []).length);
      lastSignificant = '"';
      i = j + 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      // comment: blank it out but keep newlines so error positions stay on the same line
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
      continue;
    }
    if (c === '-' && (lastSignificant === '' || '(,+-*/^&=<>!|'.includes(lastSignificant))) {
      const next = text.slice(i + 1).trimStart()[0] ?? '';
      if (next === '(' || /[A-Za-z_$]/.test(next)) {
        // unary minus before an identifier or a parenthesis: formulon only reads it before a number
        out += '-1*';
        lastSignificant = '*';
        i += 1;
        continue;
      }
    }
    out += c;
    if (!/\s/.test(c)) lastSignificant = c;
    i += 1;
  }
  return { text: out, strings };
}

function restoreStrings(node: FormulaAst, strings: Map<string, string>): FormulaAst {
  if (
    node.type === 'literal' &&
    node.dataType === 'text' &&
    typeof node.value === 'string' &&
    strings.has(node.value)
  ) {
    const value = strings.get(node.value) ?? '';
    return { ...node, value, options: { length: value.length } };
  }
  if (node.type === 'callExpression')
    return { ...node, arguments: node.arguments.map((a) => restoreStrings(a, strings)) };
  return node;
}

/** Parse a formula into formulon's AST. Throws FormulaError (kind 'syntax') when it does not parse. */
export function parseFormula(text: string): FormulaAst {
  if (text.trim() === '') throw new FormulaError('Formula is empty.', 'syntax');
  const pre = preprocessFormula(text);
  const tree = formulonAst(pre.text);
  if (!('type' in tree)) throw new FormulaError('Formula is empty.', 'syntax');
  if (tree.type === 'error') {
    throw new FormulaError(
      `Formula does not parse: ${tree.message} Check brackets, commas and quotes.`,
      'syntax',
    );
  }
  return restoreStrings(tree, pre.strings);
}

export interface FormulaReferences {
  /** every field or global reference, as written (e.g. "StageName", "Account.Segment__c", "$Permission.X") */
  identifiers: string[];
  /** every function called, lower-case formulon ids (operators included) */
  functions: string[];
}

/** Every identifier and function a parsed formula uses (each once, in order of appearance). */
export function formulaReferences(tree: FormulaAst): FormulaReferences {
  const identifiers: string[] = [];
  const functions: string[] = [];
  const walk = (node: FormulaAst): void => {
    if (node.type === 'identifier') {
      if (!identifiers.includes(node.name)) identifiers.push(node.name);
    } else if (node.type === 'callExpression') {
      if (!functions.includes(node.id)) functions.push(node.id);
      node.arguments.forEach(walk);
    }
  };
  walk(tree);
  return { identifiers, functions };
}

/**
 * Parse a formula and check every function it calls exists. Returns problems as messages
 * (empty when the formula is fine); never throws.
 */
export function checkFormula(text: string): string[] {
  let tree: FormulaAst;
  try {
    tree = parseFormula(text);
  } catch (err) {
    return [(err as Error).message];
  }
  return formulaReferences(tree)
    .functions.filter((fn) => !KNOWN_FUNCTIONS.has(fn))
    .map((fn) => `Unknown function ${fn.toUpperCase()}(). Check spelling.`);
}
