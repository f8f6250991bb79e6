import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { issuesFromZod } from '../../core/errors.ts';
import { appealInput } from './appeal.schema.ts';
import { sniffAttachmentType } from './attachment-type.ts';
import { binIinCheckDigit, binIinProblem, isValidBinIin } from './bin-iin.ts';

describe('BIN/IIN check digit', () => {
  // Worked by hand: 8·1+5·2+0·3+1·4+0·5+1·6+3·7 = 49, 49 mod 11 = 5.
  const table: [string, string | undefined][] = [
    ['850101300005', undefined],
    ['850101300004', 'is not a valid BIN/IIN: the check digit (last digit) should be 5, not 4'],
    // 1·1+…: 1+0+0+0+0+0+0+0+0+0+0 = 1
    ['100000000001', undefined],
    // first pass 10: 10·… digit 1 at position 10 (weight 10) → 10; second pass weight 1 → 1
    ['000000000101', undefined],
    ['12345678901', 'must be exactly 12 digits'],
    ['1234567890123', 'must be exactly 12 digits'],
    ['12345678901a', 'must be exactly 12 digits'],
  ];
  for (const [v, p] of table) it(`${v}: ${p ?? 'valid'}`, () => assert.equal(binIinProblem(v), p));

  it('exactly one last digit makes 11 digits valid, unless none can', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{11}$/), (first) => {
        const valid = [...'0123456789'].filter((d) => isValidBinIin(first + d));
        assert.equal(valid.length, binIinCheckDigit(first) === null ? 0 : 1);
      }),
    );
  });

  it('changing any one digit of a valid number makes it invalid', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{11}$/),
        fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11),
        fc.integer({ min: 1, max: 9 }),
        (first, pos, delta) => {
          const c = binIinCheckDigit(first);
          fc.pre(c !== null);
          const v = first + String(c);
          const changed = v.slice(0, pos) + String((Number(v[pos]) + delta) % 10) + v.slice(pos + 1);
          // Weights 1…10 are non-zero mod 11, so a change there moves the first sum (weight 11 ≡ 0 does not:
          // the 11th digit is the algorithm's blind spot and is left out);
          // a number whose first sum becomes 10 is checked by the second weights and may pass: skip those.
          const firstSum = (x: string) => [...x.slice(0, 11)].map(Number).reduce((s, n, i) => s + n * (i + 1), 0) % 11;
          fc.pre(firstSum(changed) !== 10 && firstSum(v) !== 10);
          assert.equal(isValidBinIin(changed), false);
        },
      ),
    );
  });
});

describe('attachment types by content', () => {
  const head = (...b: number[]) => Uint8Array.from([...b, ...new Array(16).fill(0)]);
  it('recognises PNG, JPEG, PDF, GIF and WEBP and refuses the rest', () => {
    assert.equal(sniffAttachmentType(head(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))?.type, 'image/png');
    assert.equal(sniffAttachmentType(head(0xff, 0xd8, 0xff, 0xe0))?.type, 'image/jpeg');
    assert.equal(sniffAttachmentType(Buffer.from('%PDF-1.7\n'))?.type, 'application/pdf');
    assert.equal(sniffAttachmentType(Buffer.from('GIF89a......'))?.type, 'image/gif');
    assert.equal(sniffAttachmentType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))?.type, 'image/webp');
    assert.equal(sniffAttachmentType(Buffer.from('MZ\x90\0 exe')), undefined);
    assert.equal(sniffAttachmentType(Buffer.from('<svg xmlns=')), undefined);
  });
});

describe('appeal form', () => {
  const ok = {
    organisation: 'ТОО Ромашка',
    binIin: '850101300005',
    email: 'a@b.kz',
    phone: '+7 701 123 45 67',
    description: 'не открывается поиск',
    detectedAt: '2026-03-26T09:30:00+05:00',
  };
  it('accepts a valid form', () => assert.equal(appealInput.safeParse(ok).success, true));
  it('names every bad field', () => {
    const r = appealInput.safeParse({
      ...ok,
      binIin: '850101300004',
      email: 'nope',
      phone: '12',
      detectedAt: '2026-03-26 09:30',
      extra: 1,
    });
    assert.equal(r.success, false);
    const issues = issuesFromZod(r.error!.issues);
    assert.deepEqual(issues.map((i) => i.field).sort(), ['', 'binIin', 'detectedAt', 'email', 'phone']);
    assert.equal(
      issues.find((i) => i.field === 'binIin')?.message,
      'is not a valid BIN/IIN: the check digit (last digit) should be 5, not 4',
    );
  });
  it('a missing field is required', () => {
    const r = appealInput.safeParse({ ...ok, organisation: undefined });
    assert.deepEqual(issuesFromZod(r.error!.issues), [{ field: 'organisation', message: 'required' }]);
  });
});
