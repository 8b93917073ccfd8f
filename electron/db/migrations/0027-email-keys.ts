import { domainToASCII } from 'node:url';
import type { Migration } from '../migrate';

/**
 * Customers' e-mail addresses stored before they were kept as emailKey keeps them (typed in
 * full-width letters, or with a Japanese domain) did not match the mail they send: a mail from
 * them opened a second customer. Each is turned into that form, unless another customer already
 * holds it (mail from the address came first and made one); those two stay as they were, for
 * staff to tell apart, since which records are one person's is not for a migration to decide.
 */
export const emailKeys: Migration = {
  version: 27,
  name: 'email-keys',
  sql: '',
  transform(db) {
    const customers = db.prepare('SELECT id, email FROM customers WHERE email IS NOT NULL').all() as Array<{ id: number; email: string }>;
    const holder = db.prepare('SELECT id FROM customers WHERE email = ?').pluck();
    const rewrite = db.prepare('UPDATE customers SET email = ? WHERE id = ?');
    for (const { id, email } of customers) {
      const key = keyOf(email);
      if (key !== email && holder.get(key) === undefined) rewrite.run(key, id);
    }
  },
};

/** emailKey as it was when this migration was written: a migration must not change when that code does. */
function keyOf(address: string): string {
  const normal = address.trim().normalize('NFKC').toLowerCase();
  const at = normal.lastIndexOf('@');
  if (at < 0 || /^[\x00-\x7f]*$/.test(normal.slice(at + 1))) return normal;
  return `${normal.slice(0, at)}@${domainToASCII(normal.slice(at + 1)) || normal.slice(at + 1)}`;
}
