/**
 * What the main process tells staff about the app itself (locking, the database) and about the
 * records they work on (accounts, inquiries, customers, consent, replies, templates, reports),
 * and what the renderer says when it cannot reach the main process, in both languages. Part of the one catalog in userMessages.ts, which says how it is used.
 */
export const APP_MESSAGES = {
  // Locking and the database.
  locked: { en: 'Madoguchi is locked: unlock it with your passphrase.', ja: '窓口はロックされています。パスフレーズでロックを解除してください。' },
  lockedBeforeAnswer: {
    en: 'Madoguchi was locked before this was answered: unlock it and look again (what was asked may have been done).',
    ja: '応答の前に窓口がロックされました。ロックを解除してから確認してください（操作は完了している可能性があります）。',
  },
  alreadySetUp: { en: 'Madoguchi is already set up on this computer: unlock it instead.', ja: '窓口はこのコンピューターで設定済みです。ロックを解除してください。' },
  notSetUp: { en: 'Madoguchi is not set up yet: create a passphrase first.', ja: '窓口はまだ設定されていません。先にパスフレーズを作成してください。' },
  wrongPassphrase: {
    en: 'Wrong passphrase. Check the keyboard layout (half-width/full-width) and try again.',
    ja: 'パスフレーズが違います。入力モード（半角／全角）を確認して、もう一度入力してください。',
  },
  passphraseNeeded: {
    en: 'Enter the passphrase: the system keychain cannot unlock this database.',
    ja: 'パスフレーズを入力してください。システムのキーチェーンではこのデータベースのロックを解除できません。',
  },
  passphraseAfterLock: {
    en: 'Enter the passphrase: Madoguchi was locked, and the keychain unlocks it again only once the passphrase has been entered.',
    ja: 'パスフレーズを入力してください。窓口はロックされたため、パスフレーズを一度入力するまではキーチェーンで解除できません。',
  },
  keychainCannotUnlock: {
    en: 'The system keychain could not unlock Madoguchi: enter your passphrase.',
    ja: 'システムのキーチェーンで窓口のロックを解除できませんでした。パスフレーズを入力してください。',
  },
  databaseWrongKey: { en: 'The database could not be decrypted with this key.', ja: 'この鍵ではデータベースを復号できませんでした。' },
  databaseFromFuture: {
    en: 'This database was written by a newer Madoguchi (schema {current}, this app knows {newest}). Update the app; your data is untouched.',
    ja: 'このデータベースは新しいバージョンの窓口で書き込まれています（スキーマ {current}、このアプリは {newest} まで）。アプリを更新してください。データはそのままです。',
  },
  screensNotLoaded: {
    en: 'Madoguchi\'s screens could not be loaded from {folder}. Run "node scripts/build.mjs" (or reinstall Madoguchi) and start it again.',
    ja: '窓口の画面を {folder} から読み込めませんでした。「node scripts/build.mjs」を実行するか窓口を再インストールしてから、もう一度起動してください。',
  },
  couldNotStart: {
    en: 'Madoguchi could not start: {detail}\n\nCheck that {folder} exists and is writable, then start Madoguchi again.',
    ja: '窓口を起動できませんでした: {detail}\n\n{folder} があり、書き込めることを確認してから、もう一度起動してください。',
  },
  invalidRequest: { en: 'Invalid request to {method}: {issues}', ja: '{method} への要求が正しくありません: {issues}' },
  invalidAnswer: { en: 'Madoguchi produced an invalid answer to {method}. Please report this.', ja: '窓口が {method} に不正な応答を返しました。この問題を報告してください。' },
  internalFailure: {
    en: 'Something went wrong in {method}. Try again; if it keeps happening, restart Madoguchi and report it.',
    ja: '{method} の処理中に問題が起きました。もう一度試してください。繰り返し起きる場合は、窓口を再起動して報告してください。',
  },

  // Mail accounts.
  accountNotFound: { en: 'Mail account {id} does not exist.', ja: 'メールアカウント {id} はありません。' },
  accountRemoved: {
    en: 'Mail account {id} does not exist. It may have been removed: reopen Settings.',
    ja: 'メールアカウント {id} はありません。削除された可能性があります。設定を開き直してください。',
  },
  accountWithoutPassword: {
    en: 'Mail account "{label}" has no IMAP password: enter it in Settings.',
    ja: 'メールアカウント「{label}」に IMAP パスワードがありません。設定で入力してください。',
  },
  accountPasswordNeeded: {
    en: 'Enter the IMAP password: this account now logs in with a password, and none is stored for it.',
    ja: 'IMAP パスワードを入力してください。このアカウントはパスワードでログインする設定ですが、パスワードが保存されていません。',
  },
  newAccountPassword: { en: 'Enter the IMAP password for the new account.', ja: '新しいアカウントの IMAP パスワードを入力してください。' },
  newAccountOAuthSettings: {
    en: 'Enter the OAuth2 authorization URL, token URL and client ID to sign in with the provider (or an access token, or a refresh token with the token URL and client ID).',
    ja: 'プロバイダーでサインインするには、OAuth2 の認可 URL、トークン URL、クライアント ID を入力してください（またはアクセストークンか、トークン URL とクライアント ID を添えたリフレッシュトークン）。',
  },
  refreshTokenWithoutEndpoint: {
    en: 'A refresh token needs the token URL and the client ID it was issued for: enter both, or leave the refresh token empty.',
    ja: 'リフレッシュトークンには、発行元のトークン URL とクライアント ID が必要です。両方を入力するか、リフレッシュトークンを空にしてください。',
  },
  tokenUrlNotHttps: {
    en: 'The token URL must start with https:// ({host} is not this computer): tokens must not cross the network readable.',
    ja: 'トークン URL は https:// で始めてください（{host} はこのコンピューターではありません）。トークンを読める形でネットワークに流すことはできません。',
  },
  authorizationUrlNotHttps: {
    en: 'The authorization URL must start with https:// ({host} is not this computer): tokens must not cross the network readable.',
    ja: '認可 URL は https:// で始めてください（{host} はこのコンピューターではありません）。トークンを読める形でネットワークに流すことはできません。',
  },
  setAsideGone: {
    en: 'This mail is no longer in the list of mails set aside: reopen Settings.',
    ja: 'このメールは、取り込まなかったメールの一覧にもうありません。設定を開き直してください。',
  },
  setAsideFromOldMailbox: {
    en: 'This mail was set aside from the mailbox the account read before it was pointed at another (folder {folder}, UID {uid}): it cannot be fetched from the mailbox read now. Look for it in the old mailbox with your mail client.',
    ja: 'このメールは、アカウントが別のメールボックスに切り替わる前に読んでいたメールボックスで取り込まなかったものです（フォルダー {folder}、UID {uid}）。今のメールボックスからは取得できません。メールソフトで以前のメールボックスを探してください。',
  },
  setAsideStillReadable: {
    en: 'Only a mail set aside from a mailbox the account no longer reads can be taken off the list: this one is in the mailbox read now. Try it again instead.',
    ja: '一覧から外せるのは、アカウントが今は読んでいないメールボックスで取り込まなかったメールだけです。このメールは今のメールボックスにあります。再試行してください。',
  },
  setAsideRenumbered: {
    en: 'The server renumbered the folder {folder} since this mail was set aside: UID {uid} may now be another mail, so it is not fetched. The sync has read the folder again; look for the mail in your mail client.',
    ja: 'このメールを取り込まなかった後に、サーバーがフォルダー {folder} の番号を振り直しました。UID {uid} は今は別のメールかもしれないため、取得しません。同期がフォルダーを読み直しました。メールソフトでこのメールを探してください。',
  },
  setAsideNoLongerOnServer: {
    en: 'The mail (UID {uid} in {folder}) is no longer on the server: it was moved or deleted there. Look for it in your mail client.',
    ja: 'このメール（{folder} の UID {uid}）はもうサーバーにありません。サーバー上で移動または削除されました。メールソフトで探してください。',
  },

  // Inquiries, customers and consent.
  inquiryNotFound: { en: 'Inquiry #{id} does not exist.', ja: '問い合わせ #{id} はありません。' },
  inquiryCustomerNotFound: { en: 'The customer of inquiry #{id} does not exist.', ja: '問い合わせ #{id} の顧客が見つかりません。' },
  customerNotFound: { en: 'Customer {id} does not exist.', ja: '顧客 {id} はいません。' },
  exportNotFound: { en: 'Mailing-list export {id} does not exist.', ja: '配信リストの出力 {id} はありません。' },
  receivedInFuture: {
    en: 'The time received ({at}) is later than now: check the date and time.',
    ja: '受付日時（{at}）が現在より後になっています。日付と時刻を確認してください。',
  },
  receivedLongAgo: {
    en: 'The time received is before the year 2000: check the year.',
    ja: '受付日時が2000年より前になっています。年を確認してください。',
  },
  provisionInFuture: { en: 'The day provided ({day}) is later than today: check the date.', ja: '提供日（{day}）が今日より後になっています。日付を確認してください。' },
  customerNotFoundSearchAgain: {
    en: 'Customer {id} does not exist: search again or enter a new customer.',
    ja: '顧客 {id} はいません。もう一度検索するか、新しい顧客として入力してください。',
  },
  attachmentNotFound: { en: 'Attachment {id} does not exist.', ja: '添付ファイル {id} はありません。' },
  inquiryOfAnotherCustomer: {
    en: "Inquiry #{id} is not this customer's, and holds no mail of theirs: choose the inquiry the request came in.",
    ja: '問い合わせ #{id} はこの顧客のものではなく、この顧客のメールもありません。申し出を受けた問い合わせを選んでください。',
  },
  customerEmailInvalid: {
    en: '"{email}" is not an e-mail address: check it, or leave the field empty.',
    ja: '「{email}」はメールアドレスではありません。確認するか、欄を空にしてください。',
  },
  customerEmailTaken: {
    en: 'The address {email} is already customer {id}\'s: open that customer, or use another address.',
    ja: 'アドレス {email} はすでに顧客 {id} のものです。その顧客を開くか、別のアドレスにしてください。',
  },
  customerChangedMeanwhile: {
    en: 'The details were changed since the form was opened (in another window, or by another operator): open the customer again and amend from there.',
    ja: 'フォームを開いた後に登録内容が変更されました（別のウィンドウ、または他の担当者）。お客様の画面を開き直してから訂正してください。',
  },
  customerNothingToAmend: {
    en: 'Nothing differs from the registered details: change a field, or cancel.',
    ja: '登録内容と同じです。項目を変更するか、キャンセルしてください。',
  },
  customerRegistrationCancelled: {
    en: 'The registration of customer {id} was cancelled at their request: their details and permissions cannot be recorded again. If they register again, enter them as a new customer.',
    ja: '顧客 {id} の登録はご本人の申し出により抹消されています。登録内容や利用の可否はもう記録できません。再び登録される場合は新しい顧客として入力してください。',
  },
  inquiryResponseWithdrawn: {
    en: 'Customer {id} asked on {at} that their data no longer be used to respond to their inquiries: no reply is sent. Record their consent again first if they ask for an answer.',
    ja: '顧客 {id} は {at} に、お問い合わせへの対応に個人情報を利用しないよう求めています。返信は送信しません。回答を希望された場合は、先に利用の再開を記録してください。',
  },
  passphraseChangeNoSpace: {
    en: 'The passphrase could not be changed: there is not enough free disk space. Changing it re-encrypts the data, and needs about twice as much free space as the data takes (for a copy kept meanwhile, and a journal). Free some space and try again. Nothing was changed: the current passphrase still unlocks.',
    ja: 'パスフレーズを変更できませんでした。ディスクの空き容量が足りません。変更ではデータを暗号化し直すため、その間の控えと作業用に、データの約2倍の空き容量が必要です。空き容量を増やしてから、もう一度お試しください。何も変更していません。今のパスフレーズで引き続き開けます。',
  },
  passphraseChangedNotReopened: {
    en: 'The passphrase is changed, but the data could not be opened again just now: unlock with the new passphrase.',
    ja: 'パスフレーズは変更しましたが、データをすぐに開き直せませんでした。新しいパスフレーズでロックを解除してください。',
  },
  passphraseBeingChanged: {
    en: 'The passphrase is being changed and the data encrypted again: try again in a moment.',
    ja: 'パスフレーズを変更し、データを暗号化し直しています。少し待ってから、もう一度お試しください。',
  },
  passphraseChangeFailed: {
    en: 'The passphrase could not be changed ({code}). Nothing was changed: the current passphrase still unlocks.',
    ja: 'パスフレーズを変更できませんでした（{code}）。何も変更していません。今のパスフレーズで引き続き開けます。',
  },
  newPassphraseSame: {
    en: 'The new passphrase is the same as the current one: choose another.',
    ja: '新しいパスフレーズが今のものと同じです。別のパスフレーズにしてください。',
  },
  keyFileMissing: {
    en: "Madoguchi's data is in {dir}, but its key file (key.json) is missing: put key.json back from your backup, then unlock with the passphrase. Setting up anew cannot open the existing data.",
    ja: '窓口のデータは {dir} にありますが、鍵ファイル（key.json）がありません。バックアップから key.json を戻してから、パスフレーズで開いてください。新しく設定しても、今あるデータは開けません。',
  },
  answeredDuringCallIsPhone: {
    en: 'Only a phone call can be answered during the call: for post or fax, mark the inquiry answered when you answer it.',
    ja: '通話中の回答は電話の問い合わせだけです。郵便・FAX は、回答したときに回答済みにしてください。',
  },
  replyBeingSentWithdrawAgain: {
    en: 'A reply to this customer is being sent right now: wait a moment, then record the withdrawal again.',
    ja: 'このお客様への返信を送信中です。少し待ってから、もう一度撤回を記録してください。',
  },
  customerReplyBeingSent: {
    en: 'A reply to this customer is being sent right now: wait a moment, then cancel the registration again.',
    ja: 'このお客様への返信を送信中です。少し待ってから、もう一度抹消してください。',
  },
  setAsideOfCancelledRegistration: {
    en: 'Mail of a customer whose registration was cancelled: its sender and subject were deleted, and it is not filed.',
    ja: '登録を抹消したお客様のメールです。差出人と件名は削除済みで、取り込みません。',
  },
  consentChannelNeeded: {
    en: 'Purpose {number} is tracked per {channels}: choose one of those channels.',
    ja: '利用目的 {number} は {channels} ごとに管理しています。そのいずれかの経路を選んでください。',
  },

  // Replies, templates and reports.
  outboxItemNotFound: { en: 'Outbox item {id} does not exist.', ja: '送信待ちの返信 {id} はありません。' },
  // "Send now" on a reply that is no longer waiting.
  sendNowAlreadySent: { en: 'This reply is already sent.', ja: 'この返信は送信済みです。' },
  sendNowCancelled: { en: 'This reply is cancelled.', ja: 'この返信は取り消されています。' },
  sendNowBeingSent: { en: 'This reply is being sent.', ja: 'この返信は送信中です。' },
  templateNotFound: { en: 'Template {id} does not exist.', ja: 'テンプレート {id} はありません。' },
  templateChangedMeanwhile: {
    en: 'The canned reply "{name}" was changed by {by} since you opened it (perhaps in another window): copy your text, cancel, and open it again.',
    ja: 'テンプレート「{name}」は開いた後に {by} が変更しました（別のウィンドウの可能性もあります）。入力した文をコピーし、キャンセルして開き直してください。',
  },
  templateBeforeNeeded: {
    en: 'An edit of a canned reply must say which version it was made from.',
    ja: 'テンプレートの変更には、変更前の内容が必要です。',
  },
  templateGone: {
    en: 'Template {id} does not exist (another user may have deleted it): save it as a new one.',
    ja: 'テンプレート {id} はありません（他の担当者が削除した可能性があります）。新しいテンプレートとして保存してください。',
  },
  reportDatesSwapped: { en: 'The start date is after the end date: swap them.', ja: '開始日が終了日より後になっています。入れ替えてください。' },

  // What staff typed that the app cannot take (the contract's checks, shared/contract.ts).
  enterOperator: { en: 'Enter your name (who is operating)', ja: 'お名前（操作する人）を入力してください' },
  passphraseTooShort: { en: 'The passphrase needs at least 10 characters', ja: 'パスフレーズは10文字以上にしてください' },
  chooseOneCustomer: {
    en: 'Choose an existing customer or enter a new one (exactly one)',
    ja: '登録済みのお客様を選ぶか、新しいお客様を入力してください（どちらか一方）',
  },
  enterName: { en: 'Enter the name', ja: '名前を入力してください' },
  describeAmendmentEvidence: {
    en: 'Describe the evidence (what the customer asked, how they were identified)',
    ja: '根拠（お客様の申し出の内容と本人確認の方法）を入力してください',
  },
  describeRequest: { en: 'Describe the request and how the customer was identified', ja: '申し出の内容と本人確認の方法を入力してください' },
  choosePurpose: { en: 'Choose at least one purpose', ja: '利用目的を1つ以上選んでください' },
  chooseChannel: { en: 'Choose at least one channel', ja: '経路を1つ以上選んでください' },
  describeConsentEvidence: { en: 'Describe the evidence (what the customer said, where)', ja: '根拠（お客様が何を、どこで伝えたか）を入力してください' },
  nameRecipient: { en: 'Name who received the information (organisation, department)', ja: '提供先（組織名・部署名）を入力してください' },
  describeProvidedItems: { en: 'Describe what was provided', ja: '提供した情報の項目を入力してください' },
  describeProvisionEvidence: {
    en: 'Describe the grounds (the consent, the request and the law it cites, or the emergency)',
    ja: '根拠（同意の内容、要請とその根拠法令、または緊急の事情）を入力してください',
  },
  nameListRecipient: {
    en: 'Name to whom the list is handed (the contractor or department that sends the mail)',
    ja: 'リストを渡す先（配信を委託する業者や部署）を入力してください',
  },
  useDayFormat: { en: 'Enter a date that exists, as YYYY-MM-DD', ja: '実在する日付を「年-月-日」（例: 2026-04-01）で入力してください' },
  nameTemplate: { en: 'Name the template', ja: 'テンプレートの名前を入力してください' },
  writeTemplate: { en: 'Write the text of the template', ja: 'テンプレートの本文を入力してください' },
  enterFolder: { en: 'Enter a folder name', ja: 'フォルダー名を入力してください' },
  folderNameCharacters: {
    en: 'A folder name cannot hold control characters, "*" or "%"',
    ja: 'フォルダー名には制御文字、「*」、「%」を使えません',
  },
  chooseFolder: { en: 'Choose at least one folder', ja: 'フォルダーを1つ以上選んでください' },
  enterText: { en: 'Enter some text (not only spaces)', ja: '空白だけでなく、内容を入力してください' },
  // The renderer's link to the main process (renderer/api), the method named as the contract names it.
  callDroppedUnanswered: {
    en: 'The connection to Madoguchi dropped before "{method}" was answered. It may or may not have been done: check, then try again.',
    ja: '「{method}」の応答を受け取る前に窓口との接続が切れました。処理されたかどうかは分かりません。確認してから、もう一度試してください。',
  },
  callHostUnreachable: {
    en: 'Could not reach Madoguchi to run "{method}". Check that the Madoguchi host is running; reconnecting…',
    ja: '「{method}」を実行するための窓口への接続ができませんでした。窓口のホストが起動しているか確認してください。再接続しています…',
  },
  callNotConnected: {
    en: 'Not connected to Madoguchi, so "{method}" was not run. Reconnecting: try again in a moment.',
    ja: '窓口に接続していないため、「{method}」は実行されませんでした。再接続しています。少ししてから、もう一度試してください。',
  },
  hostNotMadoguchi: {
    en: 'This window is no longer connected to Madoguchi: what answers at its address is not the Madoguchi that opened it (it stopped or started again). Nothing was sent to it. Open Madoguchi from the link the host printed.',
    ja: 'この画面は窓口に接続されていません。このアドレスで応答しているのは、この画面を開いた窓口ではありません（停止したか、起動し直しました）。何も送っていません。ホストが表示したリンクから窓口を開き直してください。',
  },
  noAccessToken: {
    en: 'This page was opened without its access token. Open Madoguchi from the link the host printed (it ends with #token=…).',
    ja: 'このページはアクセストークンなしで開かれました。ホストが表示したリンク（末尾が #token=…）から窓口を開いてください。',
  },
  mainProcessNoAnswer: {
    en: 'The main process did not answer {method}: {detail}. Restart Madoguchi if this repeats.',
    ja: 'メインプロセスが {method} に応答しませんでした: {detail}。繰り返す場合は窓口を再起動してください。',
  },
  responseNotUnderstood: {
    en: 'Madoguchi answered "{method}" with data this screen does not understand ({detail}). Update or restart the app.',
    ja: '窓口は「{method}」に、この画面が解釈できないデータを返しました（{detail}）。アプリを更新するか、再起動してください。',
  },
} as const satisfies Record<string, { en: string; ja: string }>;
