import { APP_MESSAGES } from './appMessages';

/**
 * What the main process tells staff, in both languages, in one place: here, when mail cannot be
 * read or sent; the app's and its records' messages are in appMessages.ts. The main process writes the English form (`userMessage`): it is what crosses IPC as an
 * error's message, what is stored as an account's last error, a set-aside mail's reason or a
 * reply's failure, and what tests assert. The renderer shows it in the staff's language
 * (`localizeUserMessage`), reading the English form back against the same templates, so a message
 * stored while the UI was in English reads in Japanese after switching, and one the catalog does
 * not know (a server's own words) is shown as it came.
 *
 * A template's {name} is filled with a value; a value that is itself one of these messages (a
 * fragment such as " (no answer in time)") is translated along with it.
 */
const MAIL_MESSAGES = {
  imapAuthFailed: {
    en: 'IMAP login failed for {user}: check the user name and password',
    ja: 'IMAP サーバーにログインできませんでした（{user}）。ユーザー名とパスワードを確認してください。',
  },
  imapNeedsTls: {
    en: 'IMAP server {where} refuses to log in without TLS: turn TLS on (usually port 993)',
    ja: 'IMAP サーバー {where} は TLS なしのログインを受け付けません。TLS を有効にしてください（通常はポート 993）。',
  },
  imapTlsFailed: {
    en: 'Secure connection to IMAP server {where} failed: the server {problem}',
    ja: 'IMAP サーバー {where} との暗号化接続に失敗しました。サーバーが{problem}',
  },
  imapUnreachable: {
    en: 'Cannot reach IMAP server {where}{why}: check the host, port and network',
    ja: 'IMAP サーバー {where} に接続できません{why}。ホスト名、ポート、ネットワークを確認してください。',
  },
  imapFolderMissing: {
    en: 'The folder "{folder}" does not exist on IMAP server {where}: check the folder name',
    ja: 'フォルダー「{folder}」は IMAP サーバー {where} にありません。フォルダー名を確認してください。',
  },
  imapServerError: {
    en: 'IMAP server {where} reported an error{said}: try again later, or check the account settings',
    ja: 'IMAP サーバー {where} がエラーを返しました{said}。しばらくしてからもう一度試すか、アカウントの設定を確認してください。',
  },
  smtpAuthFailed: {
    en: 'SMTP login failed for {user}: check the user name and password',
    ja: 'SMTP サーバーにログインできませんでした（{user}）。ユーザー名とパスワードを確認してください。',
  },
  smtpLoginRefused: {
    en: 'SMTP server {where} refused the login of {user}: check the user name and password',
    ja: 'SMTP サーバー {where} が {user} のログインを拒否しました。ユーザー名とパスワードを確認してください。',
  },
  smtpLoginRequired: {
    en: 'SMTP server {where} requires a login: enter the user name and password',
    ja: 'SMTP サーバー {where} にはログインが必要です。ユーザー名とパスワードを入力してください。',
  },
  smtpTlsFailed: {
    en: 'Secure connection to SMTP server {where} failed: the server {problem}',
    ja: 'SMTP サーバー {where} との暗号化接続に失敗しました。サーバーが{problem}',
  },
  smtpUnreachable: {
    en: 'Cannot reach SMTP server {where}{why}: check the host, port and network',
    ja: 'SMTP サーバー {where} に接続できません{why}。ホスト名、ポート、ネットワークを確認してください。',
  },
  smtpRecipientRefused: {
    en: 'SMTP server {where} refused the recipient{said}: check the address',
    ja: 'SMTP サーバー {where} が宛先を受け付けませんでした{said}。宛先のアドレスを確認してください。',
  },
  smtpSenderRefused: {
    en: "SMTP server {where} refused the sender address{said}: check the account's mail address",
    ja: 'SMTP サーバー {where} が送信元アドレスを受け付けませんでした{said}。アカウントの送信元アドレスを確認してください。',
  },
  smtpNotAcceptedTemporary: {
    en: 'SMTP server {where} did not accept the mail{said}: try again in a few minutes',
    ja: 'SMTP サーバー {where} がメールを受け付けませんでした{said}。数分後にもう一度試してください。',
  },
  smtpNotAccepted: {
    en: 'SMTP server {where} did not accept the mail{said}: check the account settings, or ask your mail provider',
    ja: 'SMTP サーバー {where} がメールを受け付けませんでした{said}。アカウントの設定を確認するか、メール事業者に問い合わせてください。',
  },
  oauthTokenRefused: {
    en: 'The {protocol} server refused the OAuth2 access token for {user}: it has expired or was revoked. Enter a new access token in Settings (or a refresh token, so that Madoguchi renews it).',
    ja: '{protocol} サーバーが {user} の OAuth2 アクセストークンを拒否しました。期限切れか、取り消されています。設定で新しいアクセストークン（自動で更新するにはリフレッシュトークン）を入力してください。',
  },
  oauthNotSignedIn: {
    en: 'Mail account "{label}" is not signed in: press "Sign in with the browser" (ブラウザでサインイン) on it in Settings, or enter an access token.',
    ja: 'メールアカウント「{label}」はサインインしていません。設定でそのアカウントの「ブラウザでサインイン」を押すか、アクセストークンを入力してください。',
  },
  oauthCannotRenew: {
    en: 'Mail account "{label}" cannot renew its OAuth2 token: enter a new access token in Settings.',
    ja: 'メールアカウント「{label}」の OAuth2 トークンを更新できません。設定で新しいアクセストークンを入力してください。',
  },
  oauthSignInExpired: {
    en: 'The OAuth2 sign-in for {user} has expired or was revoked (the provider refused the refresh token). Sign in with the provider again in Settings.',
    ja: '{user} の OAuth2 サインインは期限切れか、取り消されています（事業者がリフレッシュトークンを拒否しました）。設定からもう一度サインインしてください。',
  },
  oauthEndpointUnreachable: {
    en: 'The OAuth2 access token for {user} has expired and could not be renewed: the token endpoint {endpoint} did not answer. Check the network and the token URL in Settings.',
    ja: '{user} の OAuth2 アクセストークンが期限切れで、更新できませんでした。トークンエンドポイント {endpoint} が応答しません。ネットワークと、設定のトークン URL を確認してください。',
  },
  imapNeedsTlsSetting: {
    en: 'IMAP server {host} needs TLS: turn TLS on (usually port 993). Without TLS the password would cross the network readable, so that is allowed only for this computer (localhost).',
    ja: 'IMAP サーバー {host} には TLS が必要です。TLS を有効にしてください（通常はポート 993）。TLS なしではパスワードが読める状態でネットワークを流れるため、このコンピューター（localhost）の場合にだけ許されています。',
  },
  imapConnectionLost: {
    en: 'The connection to IMAP server {where} was lost during the sync, and {attempts} attempts to reconnect failed: the mail fetched until then is stored, and the next sync goes on from there. Check the network and that the server is running, or sync again later',
    ja: '同期の途中で IMAP サーバー {where} との接続が切れ、{attempts} 回の再接続にも失敗しました。それまでに取得したメールは保存済みで、次の同期はその続きから始まります。ネットワークとサーバーの稼働を確認するか、後でもう一度同期してください。',
  },
  signInNotConfigured: {
    en: 'Mail account "{label}" cannot sign in with the provider: choose OAuth2 and enter the authorization URL, token URL and client ID in Settings.',
    ja: 'メールアカウント「{label}」はプロバイダーでサインインできません。設定で OAuth2 を選び、認可 URL、トークン URL、クライアント ID を入力してください。',
  },
  smtpNeedsTls: {
    en: 'SMTP server {host} needs TLS: turn TLS on (port 465, or 587 with STARTTLS). Without TLS the password and the mail would cross the network readable, so that is allowed only for this computer (localhost).',
    ja: 'SMTP サーバー {host} には TLS が必要です。TLS を有効にしてください（ポート 465、または STARTTLS の 587）。TLS なしではパスワードとメールが読める状態でネットワークを流れるため、このコンピューター（localhost）の場合にだけ許されています。',
  },
  replyInterrupted: {
    en: 'Madoguchi stopped while this reply was being sent: it may have reached the customer, and Madoguchi put no copy in the Sent folder. Ask the customer (or your mail administrator, from the mail server\'s log) whether it arrived before sending it again.',
    ja: 'この返信の送信中に窓口が止まりました。お客様に届いている可能性があり、送信済みフォルダーにはコピーがありません。もう一度送る前に、届いたかどうかをお客様（またはメール管理者にメールサーバーの記録で）確認してください。',
  },
  smtpOutcomeUnknown: {
    en: "The connection to SMTP server {where} broke after the whole mail was handed over, before the server confirmed it: it may have been delivered, and Madoguchi put no copy in the Sent folder. Ask the customer (or your mail administrator, from the mail server's log) whether it arrived before sending it again.",
    ja: 'SMTP サーバー {where} にメールを渡し終えた後、受け付けの返事が来る前に接続が切れました。届いている可能性があり、送信済みフォルダーにはコピーがありません。もう一度送る前に、届いたかどうかをお客様（またはメール管理者にメールサーバーの記録で）確認してください。',
  },
  replyMayHaveGone: {
    en: 'This reply may have reached the customer: check whether it arrived, then choose "send again" (it did not) or "take back" (it did, or it is not to go).',
    ja: 'この返信はお客様に届いている可能性があります。届いたかどうかを確認してから、「再送する」（届いていない）か「取り下げる」（届いている、または送らない）を選んでください。',
  },
  sentNotRecorded: {
    en: "The reply was sent to the customer, but Madoguchi could not store it ({detail}): do not send it again. Free disk space or restart Madoguchi, then note the reply on the inquiry; its text is here and, where the copy could be made, in the account's Sent folder.",
    ja: '返信はお客様に送信されましたが、窓口に保存できませんでした（{detail}）。もう一度送らないでください。ディスクの空きを作るか窓口を再起動してから、問い合わせに返信を記録してください。本文はここと、コピーできた場合はアカウントの送信済みフォルダーにあります。',
  },
  replyNotQueued: { en: 'The reply was not queued: {problem}', ja: '返信を送信待ちにできませんでした。{problem}' },
  // A reply sent at once (inquiries.reply) that failed: what becomes of it, after why.
  replyWillBeRetried: {
    en: '{reason} The reply is kept in the outbox and will be sent again by itself: do not send it again.',
    ja: '{reason} 返信は送信待ちに残り、自動的に再送されます。もう一度送らないでください。',
  },
  replyFailedUnexpectedly: {
    en: 'Something went wrong in Madoguchi while preparing this reply, before it was sent.',
    ja: 'この返信の準備中、送信する前に窓口で問題が起きました。',
  },
  replyKeptUnsent: {
    en: '{reason} The reply is kept in the outbox, unsent: fix the problem, then send it from there.',
    ja: '{reason} 返信は未送信のまま送信待ちに残っています。問題を直してから、送信待ちから送ってください。',
  },
  unknownPlaceholder: {
    en: '{names} is not a placeholder Madoguchi fills in: write one of {known}, or remove it. To send the braces as they are, write a backslash before them: \\{{ … }}.',
    ja: '{names} は窓口が差し込む項目ではありません。{known} のいずれかに直すか、削除してください。括弧をそのまま送るには、前に \\ を付けてください: \\{{ … }}。',
  },
  replyAlreadySent: { en: 'This reply has already been sent: it can no longer be taken back.', ja: 'この返信は送信済みのため、取り消せません。' },
  replyBeingSent: { en: 'This reply is being sent right now: it can no longer be taken back.', ja: 'この返信は送信中のため、取り消せません。' },
  customerHasNoEmail: {
    en: 'This customer has no e-mail address: answer by phone or post and note it on the inquiry.',
    ja: 'このお客様にはメールアドレスがありません。電話か郵送で回答し、問い合わせに記録してください。',
  },
  noMailAccount: {
    en: 'No mail account is set up: add one in Settings to send replies.',
    ja: 'メールアカウントが設定されていません。返信するには、設定でアカウントを追加してください。',
  },
  accountBeingRemoved: { en: 'This mail account is being removed: it is not synced any more.', ja: 'このメールアカウントは削除中のため、同期しません。' },
  accountBeingChanged: {
    en: 'This mail account is being pointed at another mailbox: sync it again in a moment.',
    ja: 'このメールアカウントは別のメールボックスへの切り替え中です。少ししてからもう一度同期してください。',
  },
  accountHasInquiries: {
    en: 'This account has inquiries; it cannot be removed without losing their link. Stop syncing it instead.',
    ja: 'このアカウントから始まった問い合わせがあるため、削除するとそのつながりが失われます。削除はできません。',
  },
  attachmentWithheldForward: {
    en: '"{name}" held a card number, so the file was not kept (no card data is kept): its masked text is shown as the forwarded message.',
    ja: '「{name}」にはカード番号が含まれていたため、ファイルは保存していません（カード情報は保持しません）。伏せ字にした本文を転送されたメッセージとして表示しています。',
  },
  attachmentWithheld: {
    en: '"{name}" held a card number, so the file was not kept (no card data is kept): ask the customer to send it again without the card number.',
    ja: '「{name}」にはカード番号が含まれていたため、ファイルは保存していません（カード情報は保持しません）。カード番号を除いて送り直すよう、お客様に依頼してください。',
  },
  attachmentRemoved: {
    en: '"{name}" was deleted by {by} on {at} because it held card data (no card data is kept).',
    ja: '「{name}」はカード情報を含むため、{by} が {at} に削除しました（カード情報は保持しません）。',
  },
  attachmentNothingToRemove: {
    en: 'The content of "{name}" is not kept: there is nothing to delete.',
    ja: '「{name}」の中身は保存されていないため、削除するものはありません。',
  },
  attachmentTooLarge: {
    en: '"{name}" was larger than the size limit, so only its name and size were kept: ask the customer to send it another way.',
    ja: '「{name}」は上限より大きかったため、名前とサイズだけを記録しています。別の方法で送ってもらうよう、お客様に依頼してください。',
  },
  oauthClientRefused: {
    en: 'The token endpoint {endpoint} refused the client ID or secret ({error}): check them in Settings.',
    ja: 'トークンエンドポイント {endpoint} がクライアント ID かシークレットを拒否しました（{error}）。設定で確認してください。',
  },
  oauthRenewFailed: {
    en: 'The OAuth2 access token for {user} has expired and could not be renewed (token endpoint {endpoint} answered HTTP {answer}). Try again later, or sign in again in Settings.',
    ja: '{user} の OAuth2 アクセストークンが期限切れで、更新できませんでした（トークンエンドポイント {endpoint} の応答: HTTP {answer}）。しばらくしてから試すか、設定からもう一度サインインしてください。',
  },
  signInSuperseded: { en: 'A new sign-in was started: this one was abandoned.', ja: '新しいサインインを始めたため、このサインインは中止しました。' },
  signInRefused: {
    en: 'The provider did not sign {user} in ({reason}). Try again, and allow Madoguchi access to the mailbox.',
    ja: '事業者は {user} をサインインさせませんでした（{reason}）。もう一度試し、窓口にメールボックスへのアクセスを許可してください。',
  },
  signInAbandoned: { en: 'The sign-in was abandoned before it completed.', ja: 'サインインは完了する前に中止されました。' },
  signInFailed: { en: 'Signing in failed: {detail}', ja: 'サインインに失敗しました: {detail}' },
  signInTimedOut: {
    en: 'The sign-in was not completed within five minutes: start it again from Settings.',
    ja: 'サインインが 5 分以内に完了しませんでした。設定からもう一度始めてください。',
  },
  signInCannotListen: {
    en: "Madoguchi could not listen on this computer for the provider's answer ({detail}).",
    ja: '事業者からの応答をこのコンピューターで受け取れませんでした（{detail}）。',
  },
  signInNotUnderWay: { en: 'No sign-in is under way for this account: start it from Settings.', ja: 'このアカウントのサインインは進行していません。設定から始めてください。' },
  signInLocked: { en: 'Madoguchi was locked: sign in again after unlocking.', ja: '窓口がロックされました。ロックを解除してから、もう一度サインインしてください。' },
  signInEndpointUnreachable: {
    en: 'Signing in {user} failed: the token endpoint {endpoint} did not answer. Check the network and the token URL in Settings.',
    ja: '{user} のサインインに失敗しました。トークンエンドポイント {endpoint} が応答しません。ネットワークと、設定のトークン URL を確認してください。',
  },
  signInCodeRefused: {
    en: 'Signing in {user} failed: the token endpoint {endpoint} refused the code (HTTP {answer}). Check the client ID and secret in Settings, and try again.',
    ja: '{user} のサインインに失敗しました。トークンエンドポイント {endpoint} が認可コードを拒否しました（HTTP {answer}）。設定でクライアント ID とシークレットを確認し、もう一度試してください。',
  },
  automaticMail: {
    en: 'Automatic mail (auto-reply or delivery report): no inquiry opened',
    ja: '自動送信メール（自動返信または配信通知）のため、問い合わせにしませんでした',
  },
  bounce: {
    en: 'Bounce: delivery failed for {failed} address(es); {marked} customer(s) marked undeliverable. No inquiry opened.',
    ja: '配信エラー: {failed} 件のアドレスに届きませんでした。{marked} 人の顧客を配信不能にしました。問い合わせにはしていません。',
  },
  bounceBeforeImportDate: {
    en: 'Bounce from before the import date: delivery failed for {failed} address(es) then; no customer marked undeliverable. No inquiry opened.',
    ja: '取り込み開始日より前の配信エラー: 当時 {failed} 件のアドレスに届きませんでした。顧客は配信不能にしていません。問い合わせにはしていません。',
  },
  ownAddress: {
    en: "Sent from one of this app's own addresses: not a customer inquiry",
    ja: 'この窓口自身の送信元アドレスから送られたメールのため、お客様の問い合わせではありません',
  },
  notStored: {
    en: 'The mail could not be stored ({code})',
    ja: 'メールを保存できませんでした（{code}）',
  },
  mailNotParsable: { en: 'The mail could not be parsed at all', ja: 'メールとして解析できませんでした' },
  mailWithoutHeaders: { en: 'The data has no mail headers', ja: 'メールのヘッダーがありません' },
  parsingStopped: { en: 'Parsing was stopped: the sync is closing', ja: '同期の終了により、解析を中止しました' },
  parserStopped: {
    en: 'The mail parser stopped while reading this mail',
    ja: 'このメールを読み取る途中でメールの解析が止まりました',
  },
  serverRefusedMail: {
    en: 'The IMAP server would not hand over this mail (the server said: {reply}): retry later, or open it in webmail',
    ja: 'IMAP サーバーがこのメールを渡しませんでした（サーバーの応答: {reply}）。後でもう一度試すか、Web メールで開いてください。',
  },
  serverHungUpOnMail: {
    en: 'The connection to the IMAP server dropped each time this mail was fetched: retry later, or open it in webmail',
    ja: 'このメールを取得するたびに IMAP サーバーとの接続が切れました。後でもう一度試すか、Web メールで開いてください。',
  },
  unreadableMail: {
    en: 'Unreadable mail: {detail}',
    ja: '読み取れないメール: {detail}',
  },
  // Fragments, inside the messages above.
  noAnswerInTime: { en: ' (no answer in time)', ja: '（時間内に応答がありません）' },
  noUserName: { en: '(no user name)', ja: '（ユーザー名なし）' },
  tlsErrorWithoutCode: { en: 'TLS error', ja: 'TLS エラー' },
  serverSaid: { en: ' (the server said: {reply})', ja: '（サーバーの応答: {reply}）' },
  answeredWithoutContent: { en: "OK, but without the mail's content", ja: 'OK（メールの内容なし）' },
  tlsUntrusted: {
    en: 'presented a certificate that is not signed by a trusted authority (self-signed or with an incomplete chain): ask your mail provider for the correct host name, or have the certificate fixed',
    ja: '信頼された認証局の署名がない証明書（自己署名、または中間証明書の不足）を提示しました。正しいホスト名をメール事業者に確認するか、証明書を直してもらってください。',
  },
  tlsExpired: { en: 'presented an expired certificate: ask your mail provider to renew it', ja: '期限切れの証明書を提示しました。メール事業者に更新を依頼してください。' },
  tlsNotYetValid: {
    en: "presented a certificate that is not valid yet: check this computer's date and time",
    ja: 'まだ有効になっていない証明書を提示しました。このコンピューターの日付と時刻を確認してください。',
  },
  tlsWrongHost: {
    en: 'presented a certificate for a different host name: enter the host name exactly as your mail provider gives it',
    ja: '別のホスト名の証明書を提示しました。メール事業者が案内するとおりのホスト名を入力してください。',
  },
  tlsNotOnPort: {
    en: 'did not answer with TLS on this port: check the port (IMAP over TLS is usually 993, SMTP 465 or 587)',
    ja: 'このポートで TLS に応答しませんでした。ポートを確認してください（TLS の IMAP は通常 993、SMTP は 465 か 587）。',
  },
  tlsNoStartTls: {
    en: 'does not offer STARTTLS on this port: use the TLS port instead (993 for IMAP, 465 for SMTP)',
    ja: 'このポートで STARTTLS を提供していません。TLS のポート（IMAP は 993、SMTP は 465）を使ってください。',
  },
  tlsRefused: {
    en: 'refused a secure (TLS) connection ({code}): check the port and ask your mail provider which TLS settings it needs',
    ja: '暗号化（TLS）接続を拒否しました（{code}）。ポートを確認し、必要な TLS の設定をメール事業者に確認してください。',
  },
} as const satisfies Record<string, { en: string; ja: string }>;

export const USER_MESSAGES = { ...MAIL_MESSAGES, ...APP_MESSAGES };

export type UserMessageKey = keyof typeof USER_MESSAGES;
export type UserMessageLanguage = 'ja' | 'en';

const fill = (template: string, params: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));

/** The message in English, as the main process states and stores it. */
export function userMessage(key: UserMessageKey, params: Record<string, string | number> = {}): string {
  return fill(USER_MESSAGES[key].en, params);
}

/** What some values can be, so that a value next to another ("{where}{why}") is read apart. */
const PARAM_PATTERNS: Record<string, string> = {
  where: '\\S+',
  // A Tokyo date and time as formatTokyoDateTime writes it, so that a name before it ("by {by} on {at}") may hold " on ".
  at: '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}',
  endpoint: '\\S+',
  // Optional fragments: "" or " (…)".
  why: '(?: \\([\\s\\S]*?\\))?',
  said: '(?: \\([\\s\\S]*?\\))?',
};

interface Reader {
  key: UserMessageKey;
  pattern: RegExp;
  names: string[];
}

let readers: Reader[] | null = null;

/** Each template's English form as a pattern that gives back its values; longest first, so the most specific wins. */
function templateReaders(): Reader[] {
  readers ??= (Object.keys(USER_MESSAGES) as UserMessageKey[])
    .map((key) => {
      const names: string[] = [];
      const source = USER_MESSAGES[key].en
        .split(/(\{\w+\})/)
        .map((part) => {
          const name = /^\{(\w+)\}$/.exec(part)?.[1];
          if (!name) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(name);
          return `(${PARAM_PATTERNS[name] ?? '[\\s\\S]*?'})`;
        })
        .join('');
      return { key, pattern: new RegExp(`^${source}$`), names };
    })
    .sort((a, b) => USER_MESSAGES[b.key].en.length - USER_MESSAGES[a.key].en.length);
  return readers;
}

/**
 * A message from the main process in `language`: one of USER_MESSAGES (its values translated too
 * where they are), each part of several folders' errors ("INBOX: … / Sales: …"), or, unknown, as it came.
 */
export function localizeUserMessage(text: string, language: UserMessageLanguage): string {
  if (language === 'en' || text === '') return text;
  const whole = localizeOne(text, language);
  if (whole !== null) return whole;
  const parts = text.split(' / ');
  if (parts.length < 2) return text;
  return parts
    .map((part) => {
      const folder = /^([^:]+): ([\s\S]+)$/.exec(part);
      const localized = folder ? localizeOne(folder[2] as string, language) : null;
      return localized === null ? part : `${folder?.[1]}: ${localized}`;
    })
    .join(' / ');
}

/** Which of USER_MESSAGES `text` is (as userMessage wrote it), or null for text it does not know. */
export function userMessageKeyOf(text: string): UserMessageKey | null {
  return templateReaders().find((reader) => reader.pattern.test(text))?.key ?? null;
}

function localizeOne(text: string, language: UserMessageLanguage): string | null {
  for (const reader of templateReaders()) {
    const match = reader.pattern.exec(text);
    if (!match) continue;
    const params: Record<string, string> = {};
    reader.names.forEach((name, i) => {
      const value = match[i + 1] ?? '';
      params[name] = value === '' ? '' : (localizeOne(value, language) ?? value);
    });
    return fill(USER_MESSAGES[reader.key][language], params);
  }
  return null;
}
