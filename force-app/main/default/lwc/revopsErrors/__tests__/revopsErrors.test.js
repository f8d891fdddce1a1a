import { reduceErrors } from 'c/revopsErrors';

describe('c/revopsErrors reduceErrors', () => {
  it('reads the message of a wired Apex error', () => {
    expect(
      reduceErrors({ body: { message: 'List has no rows for assignment to SObject' }, status: 500 }),
    ).toEqual(['List has no rows for assignment to SObject']);
  });

  it('reads UI API array bodies, page errors and field errors', () => {
    expect(
      reduceErrors([
        { body: [{ message: 'first' }, { message: 'second' }] },
        { body: { pageErrors: [{ message: 'page' }], fieldErrors: { Amount: [{ message: 'field' }] } } },
        { body: { output: { errors: [], fieldErrors: { StageName: [{ message: 'stage' }] } } } },
      ]),
    ).toEqual(['first', 'second', 'page', 'field', 'stage']);
  });

  it('falls back to a JavaScript message or the HTTP status text and drops empties', () => {
    expect(
      reduceErrors([
        new TypeError('x is undefined'),
        { statusText: 'Service Unavailable' },
        null,
        { body: { message: '' } },
      ]),
    ).toEqual(['x is undefined', 'Service Unavailable']);
  });
});
