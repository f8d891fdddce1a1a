import { describe, expect, it } from 'vitest';
import {
  evaluateCondition,
  parseCriteria,
  roundHalfUp,
  splitList,
} from '../../../scripts/lib/rules/types.ts';

describe('rule building blocks', () => {
  it('rounds half away from zero like Apex HALF_UP', () => {
    expect([6.25, 2.35, -2.35, 0.05, 17.67767].map((v) => roundHalfUp(v, 1))).toEqual([
      6.3, 2.4, -2.4, 0.1, 17.7,
    ]);
    expect(roundHalfUp(0.4466, 2)).toBe(0.45);
  });

  it('splits config lists on ; and newlines and drops blanks', () => {
    expect(splitList(' US; CA ;;\nGB\n')).toEqual(['US', 'CA', 'GB']);
    expect(splitList(null)).toEqual([]);
  });

  it('compares numbers numerically even when the record holds text', () => {
    expect(evaluateCondition('1200', 'greater than', '500')).toBe(true);
    expect(evaluateCondition('1200', 'equals', '1200.0')).toBe(true);
    expect(evaluateCondition('n/a', 'less than', '5')).toBe(false);
  });

  it('parses multi-word operators and AND-joined criteria', () => {
    expect(
      parseCriteria('Email email domain in acme.com;globex.de AND NumberOfEmployees not equals 0'),
    ).toEqual([
      { field: 'Email', operator: 'email domain in', value: 'acme.com;globex.de' },
      { field: 'NumberOfEmployees', operator: 'not equals', value: '0' },
    ]);
    expect(parseCriteria('Industry is not blank')).toEqual([
      { field: 'Industry', operator: 'is not blank', value: '' },
    ]);
  });

  it('rejects an unknown operator with the list of operators', () => {
    expect(() => evaluateCondition('x', 'like' as never, 'x')).toThrow(/operator "like" is unknown/);
  });
});
