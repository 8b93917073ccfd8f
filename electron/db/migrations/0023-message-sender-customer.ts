import type { Migration } from '../migrate';

/**
 * Whose mail a message is: a mail joins a thread by its headers whoever sent it (a colleague the
 * customer copied, another customer replying to all), so the inquiry's customer is not always its
 * author. `sender_customer_id` is the customer a received message is from: the one whose address it
 * came from, or, from an address no customer has, the inquiry's customer (their other address, as
 * before), marked `sender_presumed`: such a mail is another customer's once its address is theirs.
 * Null for replies staff sent. It decides whose data the message is: what a disclosure shows, what
 * a cancellation with the contents of their mail erases, and which addresses are a customer's.
 * Messages stored before are given it the same way.
 */
export const messageSenderCustomer: Migration = {
  version: 23,
  name: 'message-sender-customer',
  sql: `
    ALTER TABLE messages ADD COLUMN sender_customer_id INTEGER REFERENCES customers(id);
    ALTER TABLE messages ADD COLUMN sender_presumed INTEGER NOT NULL DEFAULT 0;
    UPDATE messages SET
      sender_customer_id = coalesce(
        (SELECT c.id FROM customers c WHERE c.email IS NOT NULL AND c.email = lower(trim(messages.from_address)) ORDER BY c.id LIMIT 1),
        (SELECT i.customer_id FROM inquiries i WHERE i.id = messages.inquiry_id)
      ),
      sender_presumed = (from_address IS NOT NULL AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.email = lower(trim(messages.from_address))))
    WHERE direction = 'in';
    CREATE INDEX messages_sender_customer ON messages(sender_customer_id);
  `,
};
