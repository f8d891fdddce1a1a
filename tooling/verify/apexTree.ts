// A small, read-only view of Apex source for the test and trigger-path checks (apexTests.ts, triggerSoql.ts):
// the methods of a class with their annotations, and helpers over @apexdevtools/apex-parser contexts.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  ApexErrorListener,
  AssignExpressionContext,
  ApexParserFactory,
  ClassDeclarationContext,
  CompilationUnitContext,
  ConstructorDeclarationContext,
  DotExpressionContext,
  ExpressionContext,
  FormalParameterContext,
  IdPrimaryContext,
  MethodCallExpressionContext,
  MethodDeclarationContext,
  PrimaryExpressionContext,
  VariableDeclaratorContext,
  type RunAsStatementContext,
  type ApexParserRuleContext,
  type ClassBodyDeclarationContext,
} from '@apexdevtools/apex-parser';

export type Ctx = ApexParserRuleContext;

export interface ApexMethod {
  /** the class that declares it (an inner class by its own name) */
  className: string;
  /** the top-level class of the file */
  outerName: string;
  /** method name; a constructor has its class name */
  name: string;
  /** annotation names, lower-case (istest, auraenabled, testvisible ...) */
  annotations: string[];
  /** declared return type as written ('' for void and constructors) */
  returnType: string;
  params: string[];
  /** the whole declaration, and its body block (undefined for abstract/interface methods) */
  decl: Ctx;
  body?: Ctx;
}

export interface ApexUnit {
  file: string;
  source: string;
  className: string;
  methods: ApexMethod[];
  /** class-level declarations (fields), for field initialisers */
  fields: { name: string; type: string; init?: Ctx }[];
}

class Silent extends ApexErrorListener {
  count = 0;
  apexSyntaxError(): void {
    this.count++;
  }
}

const parsed = new Map<string, { source: string; unit: ApexUnit | undefined }>();

/** Parse one .cls file; undefined when it does not parse (apex-ls reports syntax errors). Cached per content. */
export function parseApexFile(file: string): ApexUnit | undefined {
  const source = readFileSync(file, 'utf8');
  const hit = parsed.get(file);
  if (hit?.source === source) return hit.unit;
  const unit = parseSource(file, source);
  parsed.set(file, { source, unit });
  return unit;
}

/** The files that parse, as units (a file that does not parse is left out). */
export const parseApexFiles = (files: string[]): ApexUnit[] =>
  files.map(parseApexFile).filter((u): u is ApexUnit => u !== undefined);

/** SLL prediction first (several times faster), full LL only when SLL reports a syntax error. */
function parseTree(source: string): CompilationUnitContext | undefined {
  for (const mode of [SLL, LL]) {
    const errors = new Silent();
    const { parser } = ApexParserFactory.createLexerAndParser(source, errors);
    (parser as unknown as { _interp: { predictionMode: number } })._interp.predictionMode = mode;
    const tree = parser.compilationUnit();
    if (errors.count === 0) return tree;
  }
  return undefined;
}
const SLL = 0; // antlr4 PredictionMode.SLL
const LL = 1; // antlr4 PredictionMode.LL

function parseSource(file: string, source: string): ApexUnit | undefined {
  const tree = parseTree(source);
  if (!tree) return undefined;
  const unit: ApexUnit = {
    file,
    source,
    className: basename(file).replace(/\.cls$/, ''),
    methods: [],
    fields: [],
  };
  const visitClass = (cls: ClassDeclarationContext, top: boolean): void => {
    const name = cls.id().getText();
    for (const member of cls.classBody().classBodyDeclaration_list() as ClassBodyDeclarationContext[]) {
      const decl = member.memberDeclaration();
      if (!decl) continue;
      const annotations = (member.modifier_list() ?? [])
        .map((m) => m.annotation()?.id()?.getText().toLowerCase())
        .filter((a): a is string => Boolean(a));
      const method = decl.methodDeclaration();
      const ctor = decl.constructorDeclaration();
      if (method instanceof MethodDeclarationContext) {
        unit.methods.push({
          className: name,
          outerName: unit.className,
          name: method.id().getText(),
          annotations,
          returnType: method.typeRef() ? textOf(source, method.typeRef()) : '',
          params: paramsOf(method.formalParameters()),
          decl: method,
          body: method.block() ?? undefined,
        });
      } else if (ctor instanceof ConstructorDeclarationContext) {
        unit.methods.push({
          className: name,
          outerName: unit.className,
          name,
          annotations,
          returnType: '',
          params: paramsOf(ctor.formalParameters()),
          decl: ctor,
          body: ctor.block() ?? undefined,
        });
      } else if (decl.classDeclaration()) {
        visitClass(decl.classDeclaration(), false);
      } else if (top && decl.fieldDeclaration()) {
        const f = decl.fieldDeclaration();
        for (const v of f.variableDeclarators().variableDeclarator_list()) {
          unit.fields.push({
            name: v.id().getText(),
            type: textOf(source, f.typeRef()),
            init: v.expression() ?? undefined,
          });
        }
      }
    }
  };
  const cls = tree.typeDeclaration()?.classDeclaration();
  if (cls) visitClass(cls, true);
  return unit;
}

function paramsOf(params: Ctx): string[] {
  const out: string[] = [];
  for (const node of descendants(params)) {
    if (node instanceof FormalParameterContext) out.push(node.id().getText());
  }
  return out;
}

/** Source text of a context (whitespace and comments kept). */
export function textOf(source: string, ctx: Ctx): string {
  return source.slice(ctx.start.start, (ctx.stop ?? ctx.start).stop + 1);
}

/** Every rule context under ctx (ctx excluded), depth first in source order. */
export function* descendants(ctx: Ctx): Generator<Ctx> {
  for (const child of (ctx.children ?? []) as unknown[]) {
    if (child && typeof child === 'object' && 'children' in child && 'start' in child) {
      yield child as Ctx;
      yield* descendants(child as Ctx);
    }
  }
}

/** The nearest ancestor of ctx matching `is` (ctx excluded), or undefined. */
export function ancestor<T extends Ctx>(ctx: Ctx, is: (c: Ctx) => c is T): T | undefined {
  let cur = ctx.parentCtx as Ctx | null;
  while (cur) {
    if (is(cur)) return cur;
    cur = cur.parentCtx as Ctx | null;
  }
  return undefined;
}

/** true when ctx lies inside outer's character range */
export function within(ctx: Ctx, outer: Ctx | undefined | null): boolean {
  return (
    Boolean(outer) &&
    ctx.start.start >= outer!.start.start &&
    ctx.start.start <= (outer!.stop ?? outer!.start).stop
  );
}

export interface Call {
  /** the qualifier as written (`RevOpsTestData`, `opp`), undefined for an unqualified call */
  target?: string;
  /** the qualifier expression itself */
  targetCtx?: Ctx;
  name: string;
  args: ExpressionContext[];
  ctx: Ctx;
}

/** A method call expression (`m(a)`, `X.m(a)`, `x?.m(a)`), or undefined. */
export function callOf(source: string, ctx: Ctx): Call | undefined {
  if (ctx instanceof MethodCallExpressionContext) {
    const mc = ctx.methodCall();
    if (!mc.id()) return undefined;
    return { name: mc.id().getText(), args: mc.expressionList()?.expression_list() ?? [], ctx };
  }
  if (ctx instanceof DotExpressionContext && ctx.dotMethodCall()) {
    const dm = ctx.dotMethodCall();
    return {
      target: textOf(source, ctx.expression()),
      targetCtx: ctx.expression(),
      name: dm.anyId().getText(),
      args: dm.expressionList()?.expression_list() ?? [],
      ctx,
    };
  }
  return undefined;
}

/** The identifier an expression is (`opp`), or undefined. */
export function identifierOf(ctx: Ctx): string | undefined {
  if (ctx instanceof PrimaryExpressionContext && ctx.primary() instanceof IdPrimaryContext) {
    return ctx.primary().getText();
  }
  return undefined;
}

/** Every method call inside a context: `Class.method` (qualifier as written) or `method` when unqualified. */
export function callsIn(source: string, ctx: Ctx): Call[] {
  const out: Call[] = [];
  for (const node of descendants(ctx)) {
    const call = callOf(source, node);
    if (call) out.push(call);
  }
  return out;
}

export const lower = (s: string): string => s.toLowerCase();

/** The last value assigned to a local variable before `before` in a method (declaration or assignment). */
export function lastAssignment(
  m: ApexMethod,
  name: string,
  before: number,
): { value: Ctx; at: Ctx } | undefined {
  let found: { value: Ctx; at: Ctx } | undefined;
  for (const node of m.body ? descendants(m.body) : []) {
    if (node.start.start >= before) break;
    if (node instanceof VariableDeclaratorContext && node.expression() && node.id().getText() === name) {
      found = { value: node.expression(), at: node };
    } else if (node instanceof AssignExpressionContext && identifierOf(node.expression(0)) === name) {
      found = { value: node.expression(1), at: node };
    }
  }
  return found;
}

/** The expression a runAs block runs as, followed through one local variable. */
export function runAsUser(u: ApexUnit, m: ApexMethod, runAs: RunAsStatementContext): Ctx | undefined {
  const arg = runAs.expressionList()?.expression(0);
  if (!arg) return undefined;
  const name = identifierOf(arg);
  return name ? lastAssignment(m, name, runAs.start.start)?.value : arg;
}
