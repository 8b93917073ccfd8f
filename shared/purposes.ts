/**
 * The six purposes of use from TOOT Co., Ltd.'s privacy policy ("Regarding purposes of use"),
 * with stable keys that never change once data refers to them.
 *
 * `basis` says what lawful ground lets the company use data for a purpose:
 * - "consent": only after the customer opted in (marketing mail of new products and services).
 *   A customer with no consent record is NOT permitted.
 * - "policy": within the purposes the policy announces; the customer may ask to discontinue
 *   use (policy: "discontinuation of use"), which is recorded as a withdrawal.
 *
 * `channels` lists the contact channels consent is tracked for; purposes used without
 * contacting the customer are tracked once, as channel "any".
 */
export const CONTACT_CHANNELS = ['email', 'post', 'phone'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];
export type ConsentChannel = ContactChannel | 'any';

export const PURPOSE_KEYS = [
  'order_fulfilment',
  'membership_services',
  'new_product_information',
  'inquiry_response',
  'related_services',
  'internal_marketing_analysis',
] as const;
export type PurposeKey = (typeof PURPOSE_KEYS)[number];

export interface Purpose {
  key: PurposeKey;
  /** Number as printed in the policy. */
  number: number;
  basis: 'consent' | 'policy';
  channels: readonly ConsentChannel[];
  label: { ja: string; en: string };
}

export const PURPOSES: readonly Purpose[] = [
  {
    key: 'order_fulfilment',
    number: 1,
    basis: 'policy',
    channels: ['any'],
    label: {
      ja: '商品の配送・代金決済・当社からのご連絡・アフターサービス等、お申込みに基づく業務の遂行',
      en: 'Delivery of products, payment settlement, our inquiries to customers, after-sales service and other business based on applications',
    },
  },
  {
    key: 'membership_services',
    number: 2,
    basis: 'policy',
    channels: ['any'],
    label: {
      ja: '会員登録に基づく会員サービスおよび関連するアフターサービスの提供',
      en: 'Membership services and related after-sales services based on membership registration',
    },
  },
  {
    key: 'new_product_information',
    number: 3,
    basis: 'consent',
    channels: ['email', 'post', 'phone'],
    label: { ja: '新商品・サービスのご案内', en: 'Information on new products and services' },
  },
  {
    key: 'inquiry_response',
    number: 4,
    basis: 'policy',
    channels: ['any'],
    label: {
      ja: 'メール・郵便・電話・FAX等によるお客様からのお問い合わせへの対応',
      en: 'Responding to inquiries made by customers by e-mail, post, telephone and fax',
    },
  },
  {
    key: 'related_services',
    number: 5,
    basis: 'policy',
    channels: ['any'],
    label: {
      ja: '上記(1)〜(4)に関連して当社のサービスを提供するために必要な利用',
      en: "Usage required for providing the company's services in connection with (1) to (4)",
    },
  },
  {
    key: 'internal_marketing_analysis',
    number: 6,
    basis: 'policy',
    channels: ['any'],
    label: {
      ja: '性別・年代・居住地域等の属性、購入・閲覧履歴、閲覧環境の社内でのマーケティング資料としての利用',
      en: 'Internal use of attributes (sex, age, area), purchase and browsing history and environment as marketing material',
    },
  },
];

export function purposeByKey(key: PurposeKey): Purpose {
  const found = PURPOSES.find((p) => p.key === key);
  if (!found) throw new Error(`Unknown purpose ${key}`);
  return found;
}
