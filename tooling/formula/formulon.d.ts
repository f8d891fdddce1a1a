// Types for the parts of the `formulon` package (Salesforce formula parser, plain JS) that we use.
declare module 'formulon' {
  export interface FormulonLiteral {
    type: 'literal';
    value: unknown;
    dataType: string;
    options: Record<string, unknown>;
  }
  export interface FormulonIdentifier {
    type: 'identifier';
    name: string;
  }
  export interface FormulonCall {
    type: 'callExpression';
    id: string;
    arguments: FormulonNode[];
  }
  export interface FormulonError {
    type: 'error';
    errorType: string;
    message: string;
    [key: string]: unknown;
  }
  export type FormulonNode = FormulonLiteral | FormulonIdentifier | FormulonCall | FormulonError;
  export function ast(formula: string): FormulonNode | Record<string, never>;
  export function parse(
    formula: string,
    substitutions?: Record<string, FormulonLiteral>,
  ): FormulonLiteral | FormulonError;
  export function extract(formula: string): string[];
}
