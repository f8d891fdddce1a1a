import { refreshApex } from '@salesforce/apex';
import { refreshOnSave } from 'c/revopsRefresh';

jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn().mockResolvedValue() }), { virtual: true });

const saved = (at) => ({ fields: { LastModifiedDate: { value: at } } });

describe('c/revopsRefresh', () => {
  afterEach(() => jest.clearAllMocks());

  it('reads the panel again when the record was saved after it was first seen, not on the first sight', () => {
    const wired = { data: {} };
    let stamp = refreshOnSave(undefined, saved('2026-03-02T10:00:00.000Z'), wired);
    expect(refreshApex).not.toHaveBeenCalled();
    stamp = refreshOnSave(stamp, saved('2026-03-02T10:00:00.000Z'), wired);
    expect(refreshApex).not.toHaveBeenCalled();
    stamp = refreshOnSave(stamp, saved('2026-03-02T10:05:00.000Z'), wired);
    expect(refreshApex).toHaveBeenCalledWith(wired);
    expect(stamp).toBe('2026-03-02T10:05:00.000Z');
  });

  it('keeps the stamp it had while the record read is loading or failed', () => {
    expect(refreshOnSave('2026-03-02T10:00:00.000Z', undefined, { data: {} })).toBe(
      '2026-03-02T10:00:00.000Z',
    );
    expect(refreshApex).not.toHaveBeenCalled();
  });
});
