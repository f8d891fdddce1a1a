import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { listFiles } from './files.ts';
import { runJava } from './java.ts';
import { getObject, type ProjectSchema } from './schema.ts';
import type { CheckInput, Problem } from './types.ts';
import { tempWorkspace } from './workspace.ts';

interface ApexLsMessage {
  start: { line: number; offset: number };
  category: string;
  message: string;
}
interface ApexLsOutput {
  files: { path: string; messages: ApexLsMessage[] }[];
}

/** apex-ls categories that fail the gate; the rest (Warning, Unused) are printed as warnings. */
const ERROR_CATEGORIES = new Set(['Syntax', 'Error', 'Missing']);

/** What a library-gap rule may look at: the tree's schema, its DataWeave scripts, the flagged source line. */
export interface GapContext {
  schema?: ProjectSchema;
  /** DataWeave script names of the tree (dw/<name>.dwl), lower-case */
  dataWeave: Set<string>;
  /** the source line apex-ls points at */
  line: string;
}

// prettier-ignore
const QUIDDITY = new Set(['ANONYMOUS', 'AURA', 'BATCH_ACS', 'BATCH_APEX', 'BATCH_CHUNK_PARALLEL', 'BATCH_CHUNK_SERIAL', 'BULK_API', 'COMMERCE_INTEGRATION', 'DISCOVERABLE_LOGIN', 'EXTERNAL_SERVICE_CALLBACK', 'FUNCTION_CALLBACK', 'FUTURE', 'INBOUND_EMAIL_SERVICE', 'INVOCABLE_ACTION', 'IOT', 'PLATFORM_EVENT_PUBLISH_CALLBACK', 'POST_INSTALL_SCRIPT', 'QUEUEABLE', 'QUICK_ACTION', 'REMOTE_ACTION', 'REST', 'RUNTEST_ASYNC', 'RUNTEST_DEPLOY', 'RUNTEST_SYNC', 'SCHEDULED', 'SOAP', 'SYNCHRONOUS', 'TRANSACTION_FINALIZER_QUEUEABLE', 'UNDEFINED', 'VF']);

/**
 * apex-ls's platform library (standard-types/sobject-types 65.0) lags the platform. Each rule names one class
 * of its findings on valid code and returns the reason it is not an error, or undefined when the finding
 * stands (the evidence is checked: a DataWeave class needs its .dwl, a field must be in the schema).
 */
export const LIBRARY_GAPS: {
  pattern: RegExp;
  reason: (m: RegExpExecArray, ctx: GapContext) => string | undefined;
  /** what to change when the finding stands */
  hint?: (m: RegExpExecArray) => string;
}[] = [
  {
    pattern:
      /No type declaration found for '(?:System\.)?(FormulaValidationException|DataWeaveScriptException)'/i,
    reason: (m) => `System.${m[1]} is a platform exception missing from apex-ls's library`,
  },
  {
    pattern:
      /No type declaration found for 'Cache\.(?:Org\.OrgCacheException|Session\.SessionCacheException)'/i,
    reason: () => "Platform Cache's nested exception classes are missing from apex-ls's library",
  },
  {
    pattern: /Incompatible .*'cache\.(?:Org|Session)Partition'.*'cache\.Partition'/i,
    reason: () =>
      "Cache.OrgPartition and Cache.SessionPartition extend Cache.Partition; apex-ls's library omits that",
  },
  {
    pattern: /No type declaration found for 'DataWeaveScriptResource\.(\w+)'/i,
    reason: (m, ctx) =>
      ctx.dataWeave.has(m[1].toLowerCase())
        ? `Salesforce generates DataWeaveScriptResource.${m[1]} from dw/${m[1]}.dwl in the tree`
        : undefined,
    hint: (m) => `add dw/${m[1]}.dwl with its -meta.xml, or fix the script name`,
  },
  {
    pattern: /Unknown field or type '(\w+)' on 'System\.Quiddity'/i,
    reason: (m) =>
      QUIDDITY.has(m[1]) ? `Quiddity.${m[1]} is a platform value newer than apex-ls's library` : undefined,
  },
  {
    pattern: /Unknown field '(\w+)' on SObject 'Schema\.(\w+)'/i,
    reason: (m, ctx) => {
      const obj = ctx.schema ? getObject(ctx.schema, m[2]) : undefined;
      const name = m[1].toLowerCase();
      const known =
        obj &&
        [...obj.fields.values()].some(
          (f) => f.name.toLowerCase() === name || f.relationshipName?.toLowerCase() === name,
        );
      return known
        ? `${m[2]}.${m[1]} exists (the tree or standardSchema.ts defines it); apex-ls's library lacks it`
        : undefined;
    },
  },
  {
    pattern: /Constructor not defined: .*\(.*\bObject\b.*\)/,
    reason: (_m, ctx) =>
      /\.ChangeEventHeader\b/.test(ctx.line)
        ? "apex-ls types a change event's ChangeEventHeader field as Object (it is an EventBus.ChangeEventHeader)"
        : undefined,
  },
];

/** A finding of apex-ls on valid code becomes a warning that names why; every other finding is kept. */
export function applyLibraryGaps(p: Problem, ctx: GapContext): Problem {
  if (p.severity !== 'error') return p;
  for (const gap of LIBRARY_GAPS) {
    const m = gap.pattern.exec(p.message);
    if (!m) continue;
    const reason = gap.reason(m, ctx);
    if (reason) return { ...p, severity: 'warning', message: `${p.message} (not an error: ${reason})` };
    return gap.hint ? { ...p, message: `${p.message}: ${gap.hint(m)}.` } : p;
  }
  return p;
}

/** Parse CheckForIssues `-f json` output into problems (paths mapped through `toSource`). */
export function parseApexLsOutput(stdout: string, toSource: (p: string) => string = (p) => p): Problem[] {
  const start = stdout.indexOf('{');
  if (start < 0) return [];
  const out = JSON.parse(stdout.slice(start)) as ApexLsOutput;
  return out.files.flatMap((f) =>
    f.messages.map((m): Problem => ({
      check: 'apex',
      file: toSource(f.path),
      line: m.start.line,
      message: `${m.category}: ${m.message}`,
      severity: ERROR_CATEGORIES.has(m.category) ? 'error' : 'warning',
      // apex-ls's own warnings (a local hiding a field, unused code) are style, not deployability
      ...(ERROR_CATEGORIES.has(m.category) ? {} : { kind: 'policy' as const }),
    })),
  );
}

/**
 * Type-check every Apex class and trigger under root against the platform library and the tree's own
 * objects and fields, with apex-ls (`io.github.apexdevtools.apexls.CheckForIssues`). Findings that are gaps
 * of apex-ls's library (LIBRARY_GAPS) are warnings naming the reason.
 */
export async function checkApexSemantics(
  input: CheckInput,
  getSchema?: () => ProjectSchema,
): Promise<Problem[]> {
  const ws = tempWorkspace(input.root);
  try {
    const run = await runJava(input.repoDir, 'io.github.apexdevtools.apexls.CheckForIssues', [
      '-w',
      ws.dir,
      '-d',
      'warnings',
      '-f',
      'json',
      '-n',
    ]);
    // exit codes: 0 clean, 4 issues found; anything else is apex-ls failing
    if (run.code !== 0 && run.code !== 4) {
      return [
        {
          check: 'apex',
          file: input.root,
          line: 1,
          severity: 'error',
          message: `apex-ls failed (exit ${run.code}): ${(run.stderr || run.stdout).trim().slice(0, 500)}`,
        },
      ];
    }
    const files = listFiles(input.root);
    const dataWeave = new Set(
      files.filter((f) => f.endsWith('.dwl')).map((f) => basename(f, '.dwl').toLowerCase()),
    );
    const lines = new Map<string, string[]>();
    const lineOf = (file: string, line: number): string => {
      if (!lines.has(file)) {
        let text = '';
        try {
          text = readFileSync(file, 'utf8');
        } catch {
          // removed while the gate ran
        }
        lines.set(file, text.split('\n'));
      }
      return lines.get(file)?.[line - 1] ?? '';
    };
    const schema = getSchema?.();
    return parseApexLsOutput(run.stdout, ws.toSource).map((p) =>
      applyLibraryGaps(p, { schema, dataWeave, line: lineOf(p.file, p.line) }),
    );
  } finally {
    ws.dispose();
  }
}
