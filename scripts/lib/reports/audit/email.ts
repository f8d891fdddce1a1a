// E-mail deliverability of the audit: the offline check of one address (syntax, disposable, role, free-mail) and the
// opt-in MX lookup of the stale contacts' domains.
import { createRequire } from 'node:module';
import { FREE_MAIL_DOMAINS } from '../../rules/match.ts';
import { checkMx, mxSummary, type MxCheck, type MxOptions } from '../mx.ts';

/** Throwaway-mailbox domains, from the maintained disposable-email-domains list (read at first use). */
let disposable: ReadonlySet<string> | undefined;
export function disposableDomains(): ReadonlySet<string> {
  disposable ??= new Set(createRequire(import.meta.url)('disposable-email-domains') as string[]);
  return disposable;
}
/** Mailboxes of a function, not a person. */
export const ROLE_LOCAL_PARTS = new Set([
  'info',
  'sales',
  'admin',
  'support',
  'contact',
  'hello',
  'office',
  'noreply',
  'no-reply',
  'billing',
  'marketing',
  'team',
  'hr',
  'jobs',
  'careers',
  'help',
  'accounts',
  'finance',
  'webmaster',
  'postmaster',
  'enquiries',
  'inquiries',
]);
const EMAIL_SYNTAX =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export type EmailVerdict = 'invalid syntax' | 'disposable' | 'role account' | 'free-mail' | 'ok';

/** Offline deliverability check of one address (the MX lookup is the opt-in network check: checkMx). */
export function checkEmail(email: string | null): EmailVerdict {
  const e = (email ?? '').trim();
  if (!EMAIL_SYNTAX.test(e)) return 'invalid syntax';
  const [local, domain] = [
    e.slice(0, e.lastIndexOf('@')).toLowerCase(),
    e.slice(e.lastIndexOf('@') + 1).toLowerCase(),
  ];
  if (disposableDomains().has(domain)) return 'disposable';
  if (ROLE_LOCAL_PARTS.has(local)) return 'role account';
  if (FREE_MAIL_DOMAINS.has(domain)) return 'free-mail';
  return 'ok';
}

/** The opt-in MX lookup (--check-mx): not checked, or its domains and the addresses at a domain without MX. */
export type StaleMx = { checked: false } | ({ checked: true; undeliverable: number } & MxCheck);

/** How many of the stale contacts' addresses get each offline verdict. */
export function emailVerdicts(stale: { email: string | null }[]): Record<EmailVerdict, number> {
  const verdicts: Record<EmailVerdict, number> = {
    'invalid syntax': 0,
    disposable: 0,
    'role account': 0,
    'free-mail': 0,
    ok: 0,
  };
  for (const c of stale) verdicts[checkEmail(c.email)]++;
  return verdicts;
}

/** The MX check of the stale contacts' addresses (those with a valid syntax), by distinct domain. */
export async function staleMx(stale: { email: string | null }[], o: MxOptions): Promise<StaleMx> {
  const domainOf = (e: string | null): string =>
    checkEmail(e) === 'invalid syntax'
      ? ''
      : e!
          .trim()
          .slice(e!.trim().lastIndexOf('@') + 1)
          .toLowerCase();
  const verdicts = await checkMx(
    stale.map((c) => domainOf(c.email)),
    o,
  );
  const undeliverable = stale.filter((c) => verdicts.get(domainOf(c.email)) === 'no mx').length;
  return { checked: true, undeliverable, ...mxSummary(verdicts) };
}
