//! Every user-visible string of the SPA, in Japanese (default) and English.
//!
//! Components never write text themselves: they ask for a [`Msg`], an error code translation,
//! a label of a wire enum, or one of the small formatting functions here. The current locale lives
//! in a context ([`provide_i18n`] / [`use_i18n`]), is remembered in `localStorage`
//! (`tsunagu.locale`) and mirrored to `<html lang>`.
//!
//! The [`Msg`] table stays here in one piece (one `messages!` invocation makes one enum); the
//! locale, the context, error translations, enum labels and number formatting have modules.

mod context;
mod errors;
pub mod labels;
mod locale;
mod numbers;
mod punctuation;
pub mod system;

pub use context::{provide_i18n, stored_locale, use_i18n, I18n, LOCALE_KEY};
pub use errors::{api_error_text, error_text};
pub use labels::{facility_kind_label, group_kind_label, profession_label};
pub use locale::Locale;
pub use numbers::{char_counter, group_digits, member_count};
pub use punctuation::{parenthesized, with_note};

macro_rules! messages {
    ($( $(#[$meta:meta])* $name:ident => $ja:literal, $en:literal; )*) => {
        /// A fixed user-visible text: its Japanese and English wording.
        ///
        /// A constant per message rather than an enum indexing one table: each build links
        /// only the texts it uses (the nurse's app leaves out the management, login and
        /// search texts), where a table indexed by variant ships all of them to everyone.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct Msg(&'static [&'static str; 2]);

        #[allow(non_upper_case_globals)]
        impl Msg {
            $( $(#[$meta])* pub const $name: Msg = Msg(&[$ja, $en]); )*

            /// Every message, for completeness tests.
            pub const ALL: &'static [Msg] = &[$(Msg::$name),*];

            /// The text of this message in `locale`.
            pub fn text(self, locale: Locale) -> &'static str {
                self.0[locale as usize]
            }
        }
    };
}

messages! {
    /// Product name, the same in every language.
    AppName => "つなぐ Tsunagu", "つなぐ Tsunagu";
    /// Heading of the login page.
    LoginTitle => "ログイン", "Log in";
    /// Label of the login ID input.
    LoginId => "ログインID", "Login ID";
    /// Label of the password input.
    Password => "パスワード", "Password";
    /// The login button.
    LoginButton => "ログイン", "Log in";
    /// The login button while submitting.
    LoggingIn => "ログイン中…", "Logging in…";
    /// Collapsible server setting on the login page.
    ServerSection => "接続先サーバー", "Server";
    /// Label of the server URL input.
    ServerUrl => "サーバーのURL", "Server URL";
    /// Explanation under the server URL input.
    ServerUrlHint => "空欄のときは、このページと同じサーバーに接続します。", "Leave empty to use the server this page came from.";
    /// Button saving the server URL.
    ServerSave => "保存", "Save";
    /// Confirmation after saving the server URL.
    ServerSaved => "接続先を保存しました。", "Server saved.";
    /// Accessible name of the language switch: the language it switches to.
    SwitchLanguage => "English", "日本語";
    /// The logout button.
    Logout => "ログアウト", "Log out";
    /// Heading of the offer shown on the login page right after a logout.
    LoggedOut => "ログアウトしました", "You have logged out";
    /// Shown by a page of the app after a logout while offline: the login page is a page load.
    LoginPageWhenOnline => "ログアウトしました。ログイン画面は通信が戻ると開きます。",
        "You have logged out. The login page opens when the connection is back.";
    /// What the offer after a logout is about.
    DeviceDataHint => "共用の端末では、この端末に残るあなたの下書きと送信待ちの投稿を削除できます。削除しなくても、ほかの人には表示されません。", "On a shared device, you can remove your drafts and unsent posts kept on it. Even if you keep them, nobody else sees them.";
    /// Button removing the logged-out user's data from the device.
    DeviceDataErase => "この端末のデータを削除", "Remove this device's data";
    /// While the unsent posts are counted or the data is removed.
    DeviceDataWorking => "処理中…", "Working…";
    /// Warning before removing unsent posts; `{n}` the number.
    DeviceDataUnsentWarning => "送信されていない投稿が{n}件あります。削除すると、これらの投稿は送信されません。", "{n} post(s) have not been sent yet. If you remove the data, they will never be sent.";
    /// Confirms removing the data, unsent posts included.
    DeviceDataEraseAnyway => "送信せずに削除", "Remove without sending";
    /// After the data was removed.
    DeviceDataErased => "この端末からあなたのデータを削除しました。", "Your data was removed from this device.";
    /// The browser's storage failed while removing.
    DeviceDataFailed => "データを削除できませんでした。もう一度お試しください。", "The data could not be removed. Please try again.";
    /// Label before the current user's name in the header.
    SignedInAs => "ログイン中", "Signed in as";
    /// Heading of the group list.
    MyGroups => "マイグループ", "My groups";
    /// Empty group list.
    NoGroups => "参加しているグループはまだありません。", "You are not in any group yet.";
    /// Generic loading indicator.
    Loading => "読み込み中…", "Loading…";
    /// Placeholder of the right pane when no group is open.
    SelectGroup => "一覧からグループを選んでください。", "Choose a group from the list.";
    /// Back link from a group to the list (phones).
    BackToGroups => "グループ一覧", "All groups";
    /// Group list item without any post yet.
    NoPostsShort => "投稿なし", "No posts yet";
    /// Prefix of the last post time in the group list.
    LastPost => "最終投稿", "Last post";
    /// Accessible name of the timeline region.
    Timeline => "タイムライン", "Timeline";
    /// Announced to screen readers when someone else's post arrives live ({author}: their name).
    NewPostAnnouncement => "{author}さんの新しい投稿", "New post from {author}";
    /// Button loading older posts.
    LoadOlder => "以前の投稿を読み込む", "Load earlier posts";
    /// Empty timeline.
    NoPosts => "まだ投稿はありません。最初の投稿をしてみましょう。", "No posts yet. Write the first one.";
    /// Label of the composer text area.
    Message => "メッセージ", "Message";
    /// The send button.
    Send => "送信", "Send";
    /// The send button while sending.
    Sending => "送信中…", "Sending…";
    /// Keyboard hint under the composer.
    SendHint => "Ctrl+Enter(⌘+Enter)でも送信できます。", "Press Ctrl+Enter (⌘+Enter) to send.";
    /// Accessible name of the character counter.
    CharCount => "文字数", "Characters";
    /// Accessible name of the composer region.
    Composer => "投稿の作成", "Write a post";
    /// Marker of the current user's own posts.
    You => "あなた", "You";
    /// Shown instead of a group's timeline when the reader was removed from the group (or left
    /// it in another tab) while it was open.
    GroupAccessLost => "このグループのメンバーではなくなったため、内容を表示できません。", "You are no longer a member of this group, so its content is no longer shown.";
    /// Retry button after a failed load.
    Retry => "再読み込み", "Retry";
    /// Unknown route.
    PageNotFound => "ページが見つかりません。", "Page not found.";
    /// Link back home from an unknown route.
    GoHome => "ホームへ戻る", "Go to home";
    /// Network failure (no response at all).
    NetworkError => "サーバーに接続できません。通信状況を確認してください。", "Cannot reach the server. Please check your connection.";
    /// Heading of the patient-group section of the home list.
    PatientGroups => "患者グループ", "Patient groups";
    /// Heading of the workplace-group section of the home list.
    WorkplaceGroups => "職場グループ", "Workplace groups";
    /// Heading of the direct-message section of the home list.
    DirectMessages => "ダイレクトメッセージ", "Direct messages";
    /// Label of the group filter textbox.
    FilterGroups => "グループを絞り込み", "Filter groups";
    /// No group matches the filter.
    NoMatchingGroups => "該当するグループはありません。", "No group matches.";
    /// Link to the new-group page, and its heading.
    NewGroup => "新しいグループ", "New group";
    /// Link to the directory, and its heading.
    Directory => "名簿", "Directory";
    /// Link to the physician's inbox.
    PendingApprovals => "承認待ち", "Awaiting approval";
    /// Heading of the physician's inbox.
    InboxTitle => "承認待ちの招待", "Invitations awaiting your approval";
    /// Empty physician inbox.
    InboxEmpty => "承認待ちの招待はありません。", "No invitations are waiting for you.";
    /// Accessible name of the navigation of the home list.
    HomeNav => "メニュー", "Menu";
    /// Tab of the professionals-only timeline.
    CareTimeline => "ケア（専門職）", "Care (professionals)";
    /// Tab of the timeline shared with the family.
    FamilyTimeline => "家族と共有", "Shared with family";
    /// Accessible name of the timeline tab list.
    Timelines => "タイムラインの切り替え", "Timelines";
    /// Link to the members panel.
    Members => "メンバー", "Members";
    /// Banner of an archived group.
    ArchivedBanner => "このグループはアーカイブされています（閲覧のみ）", "This group is archived (read only).";
    /// Back link from the members panel to the timeline.
    BackToTimeline => "タイムラインへ戻る", "Back to the timeline";
    /// Role badge: admin.
    RoleAdmin => "管理者", "Admin";
    /// Role badge: member.
    RoleMember => "メンバー", "Member";
    /// Role badge: family.
    RoleFamily => "家族", "Family";
    /// Heading of the pending invitations of a group.
    PendingInvitations => "主治医の承認待ち", "Awaiting the attending physician";
    /// Shown after adding someone needed the physician's approval.
    AddedPending => "主治医の承認待ちです。承認されると参加します。", "Waiting for the attending physician's approval; they join once approved.";
    RemovalPending => "主治医の削除は主治医の承認待ちです。", "Removing the attending physician waits for their approval.";
    PhysicianChangeRequest => "主治医の変更依頼", "Request to change the attending physician";
    PhysicianRemovalRequest => "主治医の削除依頼", "Request to remove the attending physician";
    NoPhysicianProposed => "主治医なし（未設定）", "No attending physician";
    /// Shown after adding someone took effect.
    AddedMember => "メンバーに追加しました。", "Added to the group.";
    /// Heading / toggle of the add-member search.
    AddMember => "メンバーを追加", "Add a member";
    /// Label of the directory search box.
    SearchPeople => "名前・よみ・事業所で検索", "Search by name, reading or facility";
    /// Label of the facility-type filter.
    FacilityKindFilter => "事業所の種類", "Facility type";
    /// Label of the profession filter.
    ProfessionFilter => "職種", "Profession";
    /// "Any" option of a filter.
    Any => "すべて", "All";
    /// Button adding a person (visible text).
    Add => "追加", "Add";
    /// No directory result.
    NoPeople => "該当する人はいません。", "Nobody matches.";
    /// Make a member an admin (visible text).
    MakeAdmin => "管理者にする", "Make admin";
    /// Make an admin a member (visible text).
    MakeMember => "メンバーにする", "Make member";
    /// Remove a member (visible text).
    Remove => "削除", "Remove";
    /// Leave the group.
    LeaveGroup => "グループから退出", "Leave the group";
    /// Confirmation question before leaving.
    ConfirmLeave => "このグループから退出しますか？", "Leave this group?";
    /// Archive the group.
    Archive => "アーカイブ", "Archive";
    /// Confirmation question before archiving.
    ConfirmArchive => "このグループをアーカイブしますか？以後は閲覧のみになります。", "Archive this group? It becomes read only.";
    /// Confirmation question before removing a member.
    ConfirmRemove => "このメンバーを削除しますか？", "Remove this member?";
    /// Confirm button of a confirmation.
    Confirm => "はい", "Yes";
    /// Cancel button.
    Cancel => "キャンセル", "Cancel";
    /// Create a family invitation link.
    InviteFamily => "家族を招待", "Invite family";
    /// Label of the invitation link textbox.
    InvitationLink => "招待リンク", "Invitation link";
    /// Copy the link.
    Copy => "コピー", "Copy";
    /// Confirmation after copying.
    Copied => "コピーしました。", "Copied.";
    /// Accessible name of the QR code.
    InvitationQr => "招待リンクのQRコード", "QR code of the invitation link";
    /// Label before a link's expiry time.
    ExpiresAt => "有効期限", "Expires";
    /// Heading of the list of open links.
    OpenLinks => "有効な招待リンク", "Open invitation links";
    /// Revoke a link (visible text).
    Revoke => "取り消す", "Revoke";
    /// Heading of the patient profile card.
    PatientProfile => "患者情報", "Patient";
    /// Patient name field.
    PatientName => "氏名", "Name";
    /// Kana reading field.
    NameKana => "よみがな", "Reading (kana)";
    /// Birth date field.
    BirthDate => "生年月日", "Date of birth";
    /// Attending physician field.
    AttendingPhysician => "主治医", "Attending physician";
    /// Care manager field.
    CareManager => "ケアマネジャー", "Care manager";
    /// Notes field.
    Notes => "メモ", "Notes";
    /// Edit button.
    Edit => "編集", "Edit";
    /// Save button.
    Save => "保存", "Save";
    /// Not set.
    NotSet => "未設定", "Not set";
    /// Approve an invitation (visible text).
    Approve => "承認", "Approve";
    /// Decline an invitation (visible text).
    Decline => "辞退", "Decline";
    /// Label of the decline reason.
    DeclineReason => "辞退の理由", "Reason for declining";
    /// Submit the decline.
    SendDecline => "辞退を送信", "Send decline";
    /// Label before the inviter.
    InvitedBy => "招待した人", "Invited by";
    /// Label before the group.
    GroupLabel => "グループ", "Group";
    /// Kind radio group label.
    GroupKindLabel => "グループの種類", "Kind of group";
    /// Kind radio: patient.
    KindPatient => "患者グループ", "Patient group";
    /// Kind radio: workplace.
    KindWorkplace => "職場グループ", "Workplace group";
    /// Group name field.
    GroupName => "グループ名", "Group name";
    /// Physician rule radio group label.
    PhysicianRuleLabel => "主治医以外の管理者が招待するとき", "When an admin other than the physician invites";
    /// Physician rule: approval.
    RuleApproval => "招待には主治医の承認が必要", "Invitations need the physician's approval";
    /// Physician rule: inform only.
    RuleInform => "主治医には通知のみ", "Only inform the physician";
    /// Create button.
    Create => "作成", "Create";
    /// Choose a person from the search.
    Choose => "選択", "Choose";
    /// Clear a chosen person.
    ClearChoice => "選択を解除", "Clear";
    /// Message button (visible text).
    SendMessage => "メッセージ", "Message";
    /// Facilities section of the directory.
    Facilities => "事業所", "Facilities";
    /// People section of the directory.
    People => "人を探す", "Find people";
    /// Staff count suffix label.
    Staff => "登録者", "Staff";
    /// Join: display name.
    DisplayName => "表示名", "Display name";
    /// Join: relationship.
    Relationship => "続柄", "Relationship";
    /// Join: password confirmation.
    PasswordConfirm => "パスワード（確認）", "Password (again)";
    /// Join: password policy hint.
    PasswordHint => "13文字以上で、英字・数字・記号をすべて含めてください。", "At least 13 characters, mixing letters, digits and symbols.";
    /// Join: mismatching passwords.
    PasswordMismatch => "パスワードが一致しません。", "The passwords do not match.";
    /// Join button.
    Join => "参加する", "Join";
    /// Join: registration links are not available yet.
    RegistrationSoon => "この招待は事業所の利用登録用です。登録手続きは近日対応予定です。グループの管理者にお問い合わせください。", "This link is for registering a professional. Registration will be available soon; please contact the group admin.";
    /// Join: heading when the link is invalid.
    JoinTitle => "招待", "Invitation";
    /// Required field is empty (client-side).
    Required => "入力してください。", "Please fill this in.";
    /// Prefix of the unread count for screen readers.
    Unread => "未読", "Unread";
    // @section outbox-composer: entries of the outbox and composer work go below this line.
    /// Label of the composer's importance select.
    ComposerImportance => "重要度", "Importance";
    /// Importance option: normal.
    ComposerImportanceNormal => "通常", "Normal";
    /// Importance option: important.
    ComposerImportanceImportant => "重要", "Important";
    /// Importance option: urgent.
    ComposerImportanceUrgent => "至急", "Urgent";
    /// Remaining characters near the limit; `{n}` the number.
    ComposerCharsLeft => "あと{n}文字（上限10,000文字）", "{n} characters left (limit 10,000)";
    /// Characters over the limit; `{n}` the number.
    ComposerCharsOver => "{n}文字超えています（上限10,000文字）", "{n} characters over the limit of 10,000";
    /// Label before the quoted post of a reply being written.
    ComposerReplyingTo => "返信先", "Replying to";
    /// Button dropping the reply target.
    ComposerCancelReply => "返信をやめる", "Cancel reply";
    /// Accessible name of the @mention suggestions.
    ComposerMentionList => "メンションする人", "People to mention";
    /// The outbox could not store the post; nothing was sent.
    ComposerStoreFailed => "この端末に保存できなかったため、送信していません。入力した文章はそのまま残っています。", "The post could not be saved on this device, so it was not sent. Your text is still here.";
    /// Accessible name of the list of posts waiting to be sent.
    OutboxList => "送信待ちの投稿", "Posts waiting to be sent";
    /// State of a post waiting to be sent.
    OutboxQueued => "送信待ち", "Waiting to send";
    /// State of a post being sent.
    OutboxSending => "送信中…", "Sending…";
    /// State of a post the server refused.
    OutboxRejected => "送信できませんでした", "Not sent";
    /// State of an outbox item held because a retry could post twice.
    OutboxHeld => "確認が必要です", "Please check";
    /// Why an outbox item is held.
    OutboxHeldReason => "送信できないまま1日以上たちました。すでに届いている可能性があるため、自動では送りません。タイムラインを確認し、届いていなければ「編集」から送り直してください。", "This post has waited more than a day. It may already have arrived, so it is not sent automatically. Check the timeline; if it is not there, send it again from Edit.";
    /// Shown while posts wait after a failed attempt.
    OutboxWillRetry => "まだ送信できていません。接続が戻ると自動で送信します。", "Not sent yet. It is sent automatically once the connection is back.";
    /// Puts a refused post back into the editor.
    OutboxEdit => "編集", "Edit";
    /// Drops a refused post.
    OutboxDiscard => "破棄", "Discard";
    /// Question before dropping a refused post.
    OutboxConfirmDiscard => "この投稿を破棄しますか？送信されません。", "Discard this post? It will not be sent.";
    // @section timeline-live: entries of the live timeline work go below this line.
    /// Separator above the first unread post.
    UnreadFromHere => "ここから未読", "Unread from here";
    /// Button jumping to the newest post.
    JumpToLatest => "最新へ", "Jump to latest";
    /// Count of unread posts below the viewport; `{n}` is the number.
    NewBelow => "新着 {n}件", "{n} new";
    /// Toggle showing only important and urgent posts.
    ImportantOnly => "重要・至急のみ", "Important & urgent only";
    /// Empty timeline while filtered to important posts.
    NoImportantPosts => "重要・至急の投稿はありません。", "No important or urgent posts.";
    /// Toolbar of the timeline (its accessible name).
    TimelineTools => "タイムラインの表示", "Timeline view";
    /// The account page's notification setting (this device).
    PushTitle => "通知", "Notifications";
    /// What a notification holds, under its title.
    PushAbout => "新しい投稿をこの端末にお知らせします。通知に投稿の内容は含まれません（「新しいメッセージがあります」とグループの種類だけです）。", "New posts are announced on this device. A notification never holds the post: only “Something new has arrived” and the kind of group.";
    /// The switch turning notifications on for this device.
    PushOnThisDevice => "この端末で通知を受け取る", "Receive notifications on this device";
    /// The browser has no Web Push.
    PushUnsupported => "このブラウザは通知に対応していません。", "This browser cannot receive notifications.";
    /// iOS delivers pushes only to web apps added to the home screen.
    PushNeedsHomeScreen => "iPhone・iPad では、ホーム画面に追加した「つなぐ」でだけ通知を受け取れます。Safari の共有ボタンから「ホーム画面に追加」を選び、追加したアイコンから開いてください。", "On iPhone and iPad, notifications reach Tsunagu only once it is on the home screen: in Safari choose Share → “Add to Home Screen”, then open it from that icon.";
    /// The server sends no pushes (no VAPID subject configured).
    PushNotConfigured => "このサーバーでは通知が設定されていません。", "Notifications are not set up on this server.";
    /// The user refused notifications in the browser.
    PushDenied => "このブラウザで通知が拒否されています。サイトの設定で通知を許可してください。", "Notifications are blocked in this browser: allow them in the site settings.";
    /// Subscribing or unsubscribing failed.
    PushFailed => "この端末では通知を設定できませんでした。", "Notifications could not be set up on this device.";
    /// The per-group mute switch on the members page.
    GroupMute => "このグループの通知を止める（至急の投稿は通知します）", "Mute this group's notifications (urgent posts still notify)";
    /// The account page's e-mail notification setting.
    EmailTitle => "メール通知", "E-mail notifications";
    /// What a notification mail holds, under its title.
    EmailAbout => "新しい投稿をメールでもお知らせします。メールに投稿の内容は書かれません（どのグループかとリンクだけです）。", "New posts can also be announced by e-mail. A mail never holds the post: only which group, and a link.";
    /// The server sends no mail (no SMTP configured).
    EmailUnavailable => "このサーバーはメールを送信しません。", "This server sends no e-mail.";
    /// The address input.
    EmailAddress => "メールアドレス", "E-mail address";
    /// Button mailing a confirmation code to the address.
    EmailSendCode => "確認コードを送る", "Send a confirmation code";
    /// After the code went out; `{address}` is the address.
    EmailCodeSent => "{address} に確認コードを送りました。メールに書かれた6桁のコードを入力してください。", "A confirmation code was sent to {address}. Enter the 6-digit code from the mail.";
    /// The code input.
    EmailCode => "確認コード（6桁）", "Confirmation code (6 digits)";
    /// Button confirming the address with the code.
    EmailConfirm => "確認する", "Confirm";
    /// Before the confirmed address.
    EmailSendsTo => "送信先:", "Sent to:";
    /// Legend of the mode choice.
    EmailHowOften => "お知らせの方法", "How to notify";
    /// One mail per post.
    EmailImmediate => "投稿ごとにすぐ知らせる", "At once, for each post";
    /// A digest; `{period}` is how often.
    EmailDigest => "まとめて知らせる（{period}）", "In a digest ({period})";
    /// No mail.
    EmailOff => "受け取らない", "Off";
    /// Digest period in hours; `{n}` is the number.
    EmailEveryHours => "{n}時間ごと", "every {n} h";
    /// Digest period in minutes; `{n}` is the number.
    EmailEveryMinutes => "{n}分ごと", "every {n} min";
    /// Button to give another address.
    EmailChangeAddress => "アドレスを変更", "Change address";
    /// Button forgetting the address.
    EmailRemove => "アドレスを削除", "Remove address";
    /// The account page's text size setting (this device).
    TextSizeTitle => "文字の大きさ", "Text size";
    /// Under the text size setting.
    TextSizeHint => "この端末で表示する文字の大きさです。", "The size of text on this device.";
    /// The app's own text size.
    TextSizeStandard => "標準", "Standard";
    /// The larger text size.
    TextSizeLarge => "大", "Large";
    /// The largest text size.
    TextSizeExtraLarge => "特大", "Extra large";
    /// Accessible name of the phone's bottom navigation.
    BottomNav => "主なメニュー", "Main menu";
    /// The bottom navigation's way to the group list.
    NavGroups => "グループ", "Groups";
    /// The bottom navigation's way to the urgent posts (the banner), before their number.
    NavUrgent => "至急", "Urgent";
    /// The bottom navigation's way to the account page.
    NavAccount => "アカウント", "Account";
    /// A new version of the app is installed and waits for the user (service worker).
    UpdateReady => "新しいバージョンがあります。", "A new version is available.";
    /// The button switching to the new version (the page reloads; drafts stay).
    UpdateApply => "更新する", "Update";
    /// Shown while the groups and timelines come from this device's saved copy.
    OfflineCopy => "オフラインです。この端末に保存した内容を表示しています。投稿は通信が戻ると送信されます。",
        "You are offline. Showing what this device saved. Posts are sent when the connection is back.";
    /// The event stream dropped; reconnecting.
    LiveReconnecting => "接続が切れました。再接続しています（新しい投稿の表示が遅れることがあります）。", "Connection lost. Reconnecting (new posts may appear late).";
    /// Top of a timeline once everything older is loaded.
    TimelineStart => "これより前の投稿はありません", "No earlier posts";
    /// Accessible label of the mention badge of a group; `{n}` is the number.
    MentionCount => "メンション {n}件", "{n} mentions";
    // @section post-actions-search: entries of post actions, urgent banner and search go below this line.
    /// Badge of an important post.
    ImportanceImportant => "重要", "Important";
    /// Badge of an urgent post.
    ImportanceUrgent => "至急", "Urgent";
    /// Accessible name of a post tile; `{name}` the author, `{time}` when it was posted.
    PostTileLabel => "{name} {time} の投稿", "Post by {name}, {time}";
    /// Badge of a post that mentions the reader.
    MentionsYou => "あなた宛て", "Mentions you";
    /// Marker of an edited post.
    EditedMarker => "編集済み", "Edited";
    /// What a deleted post shows instead of its text.
    PostWasDeleted => "この投稿は削除されました", "This post was deleted";
    /// Prefix of the quoted post of a reply (screen readers).
    InReplyTo => "返信元", "In reply to";
    /// A quoted post that has been deleted since.
    QuotedPostDeleted => "削除された投稿", "Deleted post";
    /// The quoted post is not among the posts on screen.
    QuotedPostNotShown => "返信元の投稿はこの画面に読み込まれていません。「以前の投稿を読み込む」で表示できます。", "The quoted post is not loaded on this screen. Use “Load earlier posts” to show it.";
    /// Reply to a post (sets the composer's reply target).
    ReplyAction => "返信", "Reply";
    /// Acknowledge a post.
    AckAction => "見ました", "Seen";
    /// Acknowledgement count; `{n}` the number.
    AckCount => "見ました {n}", "Seen {n}";
    /// Description of the acknowledgement button; `{n}` the number.
    AckCountLong => "{n}人が見ました", "{n} acknowledged";
    /// Read count button; `{n}` the number.
    ReadCount => "既読 {n}", "Read {n}";
    /// Title of the receipts dialog.
    ReceiptsTitle => "既読と確認", "Read and acknowledged";
    /// Receipts dialog: who read.
    ReceiptsRead => "既読", "Read by";
    /// Receipts dialog: who acknowledged.
    ReceiptsAcked => "見ました", "Acknowledged by";
    /// Receipts dialog: who has not acknowledged the urgent post yet.
    ReceiptsNotAcked => "まだ「見ました」を押していない人", "Not acknowledged yet";
    /// Receipts dialog: an empty list.
    ReceiptsNobody => "まだいません。", "Nobody yet.";
    /// Closes a dialog.
    CloseDialog => "閉じる", "Close";
    /// Edit one's own post.
    EditAction => "編集", "Edit";
    /// Label of the inline editor.
    EditPostLabel => "投稿を編集", "Edit the post";
    /// Saves an edit.
    SaveEdit => "保存", "Save";
    /// While an edit is saved.
    SavingEdit => "保存中…", "Saving…";
    /// Heading of the latest text shown after a conflicting edit.
    LatestText => "現在の内容", "Current text";
    /// Delete one's own post.
    DeleteAction => "削除", "Delete";
    /// Question before deleting a post.
    ConfirmDeletePost => "この投稿を削除しますか？", "Delete this post?";
    /// Opens a post's edit history.
    HistoryAction => "履歴", "History";
    /// Title of the history dialog.
    HistoryTitle => "編集履歴", "Edit history";
    /// History: the first revision.
    RevisionCreated => "投稿", "Posted";
    /// History: an edit.
    RevisionEdited => "編集", "Edited";
    /// History: the deletion.
    RevisionDeleted => "削除", "Deleted";
    /// Accessible name of the urgent banner.
    UrgentBanner => "至急の投稿", "Urgent posts";
    /// Heading of the urgent banner; `{n}` the number waiting.
    UrgentCount => "至急 {n}件", "Urgent: {n}";
    /// Accessible name of an urgent item; `{name}` the author, `{group}` the group.
    UrgentItemLabel => "{group} {name} の至急の投稿", "Urgent post by {name} in {group}";
    /// Announcement of a newly arrived urgent post; `{name}` the author, `{group}` the group.
    UrgentArrived => "至急の投稿が届きました：{group} {name}", "New urgent post: {name} in {group}";
    /// Header link and page heading of search.
    SearchTitle => "検索", "Search";
    /// Label of the search box.
    SearchTerm => "検索語", "Search term";
    /// Label of the search scope select.
    SearchScope => "検索する範囲", "Search in";
    /// Scope option: every group.
    AllGroups => "すべてのグループ", "All groups";
    /// The search button.
    SearchButton => "検索", "Search";
    /// No search results.
    NothingFound => "見つかりませんでした", "Nothing found";
    /// Loads the next page of results.
    LoadMore => "さらに読み込む", "Load more";
    /// Empty search query.
    SearchQueryEmpty => "検索語を入力してください。", "Please enter a search term.";
    /// Too long search query.
    SearchQueryTooLong => "検索語は100文字以内で入力してください。", "Search terms can be at most 100 characters long.";
    /// Accessible name of the results list.
    SearchResults => "検索結果", "Search results";
    /// Link from a group to search in it.
    SearchThisGroup => "このグループを検索", "Search this group";
    /// Heading of the login page's notice on a server without any operator account.
    FirstStartTitle => "はじめての起動です", "This server is new";
    /// What to do on a server without any operator account.
    FirstStartHint => "まだ運営者（医師会事務局）のアカウントがありません。サーバーで次のコマンドを実行して、最初のアカウントを作成してください。", "There is no operator (medical association) account yet. Run this command on the server to create the first one.";
    /// Label of the login page's one-time code input.
    TwoFactorCode => "確認コード", "Verification code";
    /// Explanation under the one-time code input.
    TwoFactorCodeHint => "認証アプリに表示されている6桁のコード、または回復コードを入力してください。", "Enter the 6-digit code your authenticator app shows, or a recovery code.";
    /// Link to the account page.
    AccountSettings => "アカウント設定", "Account settings";
    /// Heading of the two-factor section of the account page.
    TwoFactorTitle => "2段階認証", "Two-step verification";
    /// Shown when two-factor login is on.
    TwoFactorIsOn => "2段階認証は有効です。ログインのたびに、認証アプリの確認コードも入力します。", "Two-step verification is on. At each login you also enter a code from your authenticator app.";
    /// What two-factor login is, before it is set up.
    TwoFactorIsOff => "ログインに、パスワードに加えてスマートフォンの認証アプリ（Google Authenticator、Microsoft Authenticator など）の確認コードを使います。厚生労働省のガイドラインが求める設定です。", "Log in with a code from an authenticator app on your phone (Google Authenticator, Microsoft Authenticator, …) as well as your password, as the MHLW guideline asks.";
    /// Label of the password input that confirms who starts the setup.
    CurrentPassword => "現在のパスワード", "Current password";
    /// Button starting the two-factor setup.
    TwoFactorStart => "設定を始める", "Set up";
    /// Step of the setup: scanning the QR code.
    TwoFactorScan => "認証アプリでQRコードを読み取るか、下のキーを入力してから、表示された6桁のコードを入力してください。", "Scan the QR code with your authenticator app, or enter the key below, then enter the 6-digit code it shows.";
    /// Accessible name of the setup's QR code.
    TwoFactorQr => "2段階認証のQRコード", "QR code for two-step verification";
    /// Label of the key shown for typing into the app by hand.
    TwoFactorKey => "キー", "Key";
    /// Button confirming the setup with a code.
    TwoFactorConfirm => "確認して有効にする", "Verify and turn on";
    /// Heading of the recovery codes shown once.
    RecoveryCodesTitle => "回復コード", "Recovery codes";
    /// What recovery codes are for.
    RecoveryCodesHint => "スマートフォンをなくしたときに、確認コードの代わりに使えます。各コードは1回だけ使えます。この画面を離れると二度と表示されないので、印刷するか書き写して安全な場所に保管してください。", "Use one instead of a code when you lose your phone; each works once. They are not shown again after you leave this page: print them or write them down and keep them safe.";
    // ── Onboarding: the application, activation and a facility's staff ──
    /// Asked before suspending a whole facility.
    FacilitySuspendConfirm => "この施設の職員全員がログアウトされ、ログインできなくなります（書いた投稿は残ります）。よろしいですか？", "Every staff member of this facility is logged out and cannot log in (their posts stay). Continue?";
    /// A group admin's button for a family member who forgot the password.
    FamilyReissue => "新しいリンク（パスワード再設定）", "New link (reset password)";
    FamilyReissueConfirm => "今のパスワードは使えなくなり、新しい有効化リンクを発行します。ご家族に渡してください。よろしいですか？", "The current password stops working and a new activation link is issued for you to hand over. Continue?";
    /// Login: remember this device so the code is not asked for 30 days.
    RememberDevice => "この端末を30日間記憶する（確認コードを省略）", "Remember this device for 30 days (no code)";
    /// Title of the online application page.
    ApplyTitle => "利用申込（施設）", "Apply to join (facility)";
    /// What the application is and what happens next.
    ApplyIntro => "医師会への利用申込と連携守秘誓約をオンラインで行います。事務局が承認すると、代表者の有効化リンクが発行されます。", "Apply to the medical association and accept the confidentiality pledge online. Once the secretariat approves, the representative gets an activation link.";
    /// Section heading: the facility.
    ApplyFacility => "施設", "Facility";
    /// Section heading: the representative.
    ApplyRepresentative => "代表者（施設の管理者になります）", "Representative (becomes the facility's administrator)";
    FacilityName => "施設名", "Facility name";
    FacilityNameKana => "施設名（ふりがな）", "Facility name (kana)";
    FacilityKind => "施設の種類", "Kind of facility";
    Address => "所在地", "Address";
    RepresentativeName => "代表者氏名", "Representative's name";
    Profession => "職種", "Profession";
    Phone => "電話番号", "Phone";
    Email => "メールアドレス", "E-mail";
    /// Hint under the login ID field.
    LoginIdHint => "半角英数字と記号で3文字以上（例: minato.hanako）。", "3 or more ASCII letters, digits or symbols (e.g. minato.hanako).";
    /// Heading of the pledge box, followed by its version.
    PledgeTitle => "連携守秘誓約書", "Confidentiality pledge";
    /// Checkbox accepting the pledge.
    PledgeAccept => "上記の連携守秘誓約書を読み、同意します", "I have read and accept the pledge above";
    /// The pledge was not accepted.
    PledgeRequired => "連携守秘誓約書への同意が必要です。", "Please accept the confidentiality pledge.";
    ApplySubmit => "申し込む", "Apply";
    /// After submitting: the application is queued.
    ApplyDone => "申込を受け付けました。医師会事務局が確認し、承認されると代表者あての有効化リンクが届きます。", "Your application was received. The secretariat reviews it; once approved, the representative receives an activation link.";
    ApplyReceiptNo => "受付番号", "Reference";
    /// Link from the login page to the application.
    ApplyLink => "施設の利用申込はこちら", "Apply to join as a facility";
    /// A field of a form is wrong: "<field>: <reason>".
    FieldProblem => "入力を確認してください", "Please check";
    /// Title of the activation page.
    ActivateTitle => "アカウントの有効化", "Activate your account";
    /// Greeting on the activation page, before the name.
    ActivateFor => "有効化するアカウント", "Account to activate";
    /// Two-step verification is required by the operator.
    TwoFactorRequiredHere => "この地域では2段階認証が必須です。スマートフォンの認証アプリ（Google Authenticator、Microsoft Authenticator など）を用意してください。", "Two-step verification is required here. Have an authenticator app ready on your phone (Google Authenticator, Microsoft Authenticator, …).";
    /// Checkbox: set up two-step verification during activation.
    TwoFactorOptIn => "2段階認証を設定する（推奨）", "Set up two-step verification (recommended)";
    /// Button showing the QR code for the authenticator app.
    TwoFactorShowQr => "QRコードを表示", "Show the QR code";
    /// Password rule with two-step verification.
    PasswordHintTwoFactor => "2段階認証を使うので8文字以上。ログインIDを含めないでください。", "With two-step verification: at least 8 characters, not containing your login ID.";
    /// Two-step verification was chosen but not set up.
    TwoFactorCodeNeeded => "QRコードを読み取り、認証アプリの6桁のコードを入力してください。", "Scan the QR code and enter the 6-digit code from the app.";
    ActivateSubmit => "有効化してログイン", "Activate and log in";
    /// After activation: continue into the app.
    ActivateContinue => "控えたので、アプリを開く", "I have kept them; open the app";
    // ── A facility's staff (facility administrators, the operator) ──
    StaffTitle => "職員の管理", "Staff";
    /// Link in the home navigation for facility admins.
    StaffNav => "職員の管理", "Staff";
    StaffAdd => "職員を追加", "Add a staff member";
    StaffAddSubmit => "追加して有効化リンクを発行", "Add and issue an activation link";
    StaffStatus => "状態", "Status";
    StaffActive => "有効", "Active";
    StaffPending => "有効化待ち", "Waiting for activation";
    StaffSuspended => "停止中", "Suspended";
    StaffOffboarded => "解除済み", "Left";
    StaffAdmin => "管理者", "Administrator";
    /// After a staff member's status when two-factor authentication is on.
    StaffTwoFactorOn => "・2段階認証", " · 2-step verification";
    /// Button: issue a new activation link (lost phone or password).
    StaffReissue => "再発行（パスワード・2段階認証を初期化）", "New link (resets password and two-step)";
    StaffReissueConfirm => "この職員のパスワードと2段階認証を初期化し、新しい有効化リンクを発行します。ログイン中の端末はすべてログアウトされます。よろしいですか？", "This resets the password and two-step verification and issues a new activation link; every device of theirs is logged out. Continue?";
    StaffSuspend => "利用停止", "Suspend";
    StaffReactivate => "停止を解除", "Reactivate";
    /// Button: offboard a leaver.
    StaffOffboard => "スタッフ解除（退職・異動）", "Offboard (left the facility)";
    StaffOffboardConfirm => "すべてのグループから外し、ログインできなくします。書いた投稿は残ります。元に戻せません。よろしいですか？", "Removes them from every group and closes the account; their posts stay. This cannot be undone. Continue?";
    /// Heading of a freshly issued link.
    ActivationIssued => "有効化リンク（72時間・1回限り）", "Activation link (72 hours, single use)";
    /// The link is shown once.
    /// CSV import and export of the staff list.
    StaffCsvTitle => "CSVで一括登録", "Import from CSV";
    StaffCsvHint => "Excelで作成したCSV（Shift_JIS または UTF-8）。見出し行に「氏名」「ふりがな」「職種」「ログインID」を含めてください。1行でも誤りがあると登録されません。", "A CSV from Excel (Shift_JIS or UTF-8) with the headers 氏名, ふりがな, 職種, ログインID. Nothing is imported while any row has a problem.";
    StaffCsvFile => "CSVファイル", "CSV file";
    StaffCsvPreview => "内容を確認", "Check the file";
    StaffCsvImport => "すべて登録", "Import all";
    StaffCsvExport => "CSVで書き出す", "Export as CSV";
    StaffCsvSummary => "件OK・要修正", "OK, to fix";
    StaffCsvLine => "行", "Row";
    /// A login ID appears twice in the file.
    CsvDuplicateInFile => "ファイルの中で同じログインIDが重複しています。", "The same login ID appears twice in the file.";
    /// A profession the import does not know.
    CsvUnknownProfession => "職種が分かりません（例: 医師、看護師、ケアマネジャー、介護職）。", "Unknown profession (e.g. 医師, 看護師, ケアマネジャー).";
    /// Family is no staff profession.
    CsvNotStaff => "家族は職員として登録できません。", "Family members cannot be staff.";
    // ── The access log (operator, facility administrators) ──
    AccessLogTitle => "アクセスログ", "Access log";
    AccessLogHint => "誰が、いつ、どこから、何をしたか。閲覧と書き出しも記録されます。患者グループの名前は、そのグループのメンバーにだけ表示されます。", "Who did what, when and from where. Reading and exporting this log are logged too. A patient group's name shows only to its members.";
    AccessLogAction => "操作（例: session, refused, posts）", "Action (e.g. session, refused, posts)";
    AccessLogFrom => "開始日", "From";
    AccessLogTo => "終了日", "To";
    AccessLogSearch => "絞り込む", "Filter";
    AccessLogMore => "さらに古いログ", "Older entries";
    AccessLogExport => "CSVで書き出す", "Export as CSV";
    AccessLogWhen => "日時", "When";
    AccessLogWho => "誰が", "Who";
    AccessLogWhat => "操作", "Action";
    AccessLogGroup => "グループ", "Group";
    AccessLogFromWhere => "接続元", "From where";
    AccessLogNone => "該当するログはありません。", "No entries.";
    StaffCsvImported => "件を登録しました。各職員の有効化リンクを渡してください。", "accounts added. Hand each person their activation link.";
    // @section idle-lock: the lock after a time without input.
    /// Heading of the lock screen.
    IdleLockTitle => "画面をロックしました", "Screen locked";
    /// Why the screen is locked and how to go on; `{name}` the user's display name.
    IdleLockHint => "しばらく操作がなかったため、患者さんの情報を隠しました。続けるには、{name}さんのパスワードを入力してください。", "Nothing was done here for a while, so patient information was hidden. To continue, enter {name}'s password.";
    /// Reassurance on the lock screen.
    IdleLockKept => "下書きと送信待ちの投稿は、この端末に残っています。", "Your drafts and posts waiting to be sent are kept on this device.";
    /// The lock screen's submit button.
    Unlock => "ロックを解除", "Unlock";
    /// While the password is checked.
    Unlocking => "確認中…", "Checking…";
    /// The lock screen's logout button.
    LogoutInstead => "ログアウトする", "Log out instead";
    // @section operator-console: the operator console (医師会事務局) and the link to it.
    /// Link to the operator console (on the account page, operators only).
    OperatorConsole => "事務局", "Operator";
    /// Accessible name of the console's navigation.
    OperatorMenu => "事務局メニュー", "Operator menu";
    /// Shown by the console to an account that is not an operator's.
    OperatorOnly => "このページは医師会事務局のアカウントだけが使えます。", "Only the medical association's operator accounts can use this page.";
    /// Console section and page heading: the applications.
    OperatorApplications => "利用申込", "Applications";
    /// Console section and page heading: the facilities, each linking to its staff.
    OperatorFacilities => "施設とスタッフ", "Facilities and staff";
    /// The console's adoption dashboard: its navigation entry and heading.
    OperatorDashboard => "利用状況", "Adoption";
    /// When the dashboard was counted; `{at}` is the date and time.
    DashboardCountedAt => "{at} 時点の集計", "Counted at {at}";
    /// Button counting the dashboard again.
    DashboardRefresh => "更新", "Refresh";
    /// The seed's table of registered facilities by type.
    DashboardFacilities => "登録施設（施設種別）", "Registered facilities by type";
    /// Column: facility type.
    DashboardKind => "施設種別", "Type";
    /// Column: registered facilities.
    DashboardRegistered => "登録数", "Registered";
    /// Column: active in the last 7 days.
    DashboardActive7 => "7日以内に利用", "Active, 7 days";
    /// Column: approved but never active.
    DashboardNeverActive => "未利用", "Never active";
    /// Column: user accounts.
    DashboardUsers => "利用者数", "Users";
    /// Column: posts in the last 7 days.
    DashboardPosts7 => "7日間の投稿", "Posts, 7 days";
    /// Row: the total.
    DashboardTotal => "合計", "Total";
    /// Users by profession.
    DashboardProfessions => "職種別の利用者", "Users by profession";
    /// Column: profession.
    DashboardProfession => "職種", "Profession";
    /// Weekly activity over 12 weeks.
    DashboardWeekly => "週ごとの利用（12週）", "Weekly use (12 weeks)";
    /// Column: the week, by its Monday.
    DashboardWeek => "週（月曜から）", "Week of";
    /// Column: weekly active users.
    DashboardActiveUsers => "利用者数（週）", "Active users";
    /// Column: posts.
    DashboardPosts => "投稿数", "Posts";
    /// New patient groups per month.
    DashboardPatientGroups => "患者グループの新規作成（月別）", "New patient groups by month";
    /// Column: month.
    DashboardMonth => "月", "Month";
    /// Column: groups created.
    DashboardCreated => "作成数", "Created";
    /// Facilities approved but never active; `{n}` is how many in all.
    DashboardNeverActiveTitle => "承認後に利用のない施設（{n}件）", "Facilities never active since approval ({n})";
    /// The never-active table's name for its CSV button.
    DashboardNeverActiveCsv => "承認後に利用のない施設", "Facilities never active since approval";
    /// When every approved facility has been active.
    DashboardAllActive => "承認したすべての施設が利用しています。", "Every approved facility has used the system.";
    /// Column: facility name.
    DashboardFacilityName => "施設名", "Facility";
    /// Column: registration date.
    DashboardRegisteredAt => "登録日時", "Registered";
    /// The call-out on community support centres and municipalities.
    DashboardParticipation => "地域包括支援センター・行政の参加", "Community support centres and municipalities";
    /// One line of the call-out.
    DashboardParticipationLine => "{kind}: 登録 {registered}・7日以内に利用 {active}・利用者 {users}人", "{kind}: {registered} registered, {active} active in 7 days, {users} users";
    /// Mark of a lagging participation.
    DashboardLagging => "参加が少なくなっています", "Low participation";
    /// The CSV button's visible text.
    DashboardCsv => "CSVで保存", "Save as CSV";
    /// The CSV button's accessible name; `{table}` is the table's title. It holds the visible
    /// text (WCAG 2.5.3).
    DashboardCsvOf => "{table}をCSVで保存", "Save as CSV: {table}";
    /// Console section and page heading: the confidentiality pledge.
    OperatorPledge => "誓約書", "Pledge";
    /// Console section and page heading: the settings.
    OperatorSettings => "設定", "Settings";
    /// Number of applications waiting for a decision; `{n}` the number.
    ApplicationsPending => "承認待ち {n}件", "{n} waiting for a decision";
    /// The badge on 利用申込 in the console's navigation: how many wait; `{n}` the number.
    ApplicationsWaitingBadge => "{n}件", "{n} waiting";
    /// The console's window title (a count of waiting applications goes before it).
    OperatorConsoleTitle => "つなぐ Tsunagu 事務局", "Tsunagu operator console";
    /// No application at all.
    ApplicationsNone => "利用申込はまだありません。", "No applications yet.";
    /// Separator before the decided applications.
    ApplicationsDecided => "処理済みの申込", "Decided applications";
    /// Status badge of an application waiting for a decision.
    ApplicationPending => "承認待ち", "Waiting";
    /// Status badge of an approved application.
    ApplicationApproved => "承認済み", "Approved";
    /// Status badge of a rejected application.
    ApplicationRejected => "却下済み", "Rejected";
    /// Application detail: the facility type.
    ApplicationKind => "施設の種類", "Facility type";
    /// Application detail: the address.
    ApplicationAddress => "所在地", "Address";
    /// Application detail: the representative (name, kana, profession).
    ApplicationRepresentative => "代表者", "Representative";
    /// Application detail: the phone number.
    ApplicationPhone => "電話番号", "Phone";
    /// Application detail: the email address.
    ApplicationEmail => "メールアドレス", "Email";
    /// Application detail: the pledge version accepted.
    ApplicationPledge => "同意した誓約書", "Pledge accepted";
    /// A pledge version; `{n}` the number.
    PledgeVersion => "第{n}版", "version {n}";
    /// Application detail: when it was submitted.
    ApplicationSubmitted => "申込日時", "Submitted";
    /// Application detail: who decided.
    ApplicationDecidedBy => "処理した人", "Decided by";
    /// Application detail: when it was decided.
    ApplicationDecidedAt => "処理日時", "Decided";
    /// Button rejecting an application (opens the reason).
    RejectApplication => "却下", "Reject";
    /// Label of the reason for rejecting, and the application detail showing it.
    RejectReason => "却下の理由", "Reason for rejecting";
    /// Hint under the reason for rejecting.
    RejectReasonHint => "申込者に伝わります（500文字以内）。", "The applicant is told this reason (up to 500 characters).";
    /// Too long a reason for rejecting.
    RejectReasonTooLong => "500文字以内で入力してください。", "Please use at most 500 characters.";
    /// Button sending the rejection.
    RejectSend => "却下を確定", "Reject the application";
    /// Approving failed because the login ID asked for was taken meanwhile.
    ApprovalLoginIdTaken => "申込のログインIDは、申込のあとで別のアカウントに使われました。理由を添えて却下し、別のIDで申し込み直すよう伝えてください。", "The login ID asked for has been taken by another account since. Reject the application with that reason and ask them to apply again with another ID.";
    /// Heading of an approval's result; `{name}` the facility.
    ApprovedTitle => "{name}を承認しました", "{name} is approved";
    /// Label of the activation link.
    ActivationLink => "有効化リンク", "Activation link";
    /// The activation link is shown this once.
    ActivationShownOnce => "この有効化リンクは今だけ表示されます。この表示を閉じたり画面を離れたりすると、二度と表示できません。", "This activation link is shown only now: once you close this panel or leave the page, it cannot be shown again.";
    /// What to do with the activation link.
    ActivationHandOver => "代表者にメールで送るか、印刷して手渡してください。代表者はこのリンクを開いてパスワードを設定し、誓約書に同意すると、施設の管理者として使い始められます。", "Send it to the representative by email, or print it and hand it over. Opening it, they set a password, accept the pledge and start as the facility's administrator.";
    /// How long and how often the link works; `{n}` the hours.
    ActivationValidity => "（{n}時間有効・1回限り）", " (valid for {n} hours, once)";
    /// Accessible name of the activation link's QR code.
    ActivationQr => "有効化リンクのQRコード", "QR code of the activation link";
    /// Copies the activation link.
    CopyLink => "リンクをコピー", "Copy the link";
    /// Prints the activation link's panel (to hand it over on paper).
    PrintLink => "印刷", "Print";
    /// The link could not be copied, so it was selected.
    LinkSelected => "リンクを選択しました。Ctrl+C（Macは⌘+C）でコピーしてください。", "The link is selected: press Ctrl+C (⌘+C on a Mac) to copy it.";
    /// Closes an approval's result.
    CloseApproval => "この表示を閉じる", "Close this panel";
    /// Question before closing an approval's result.
    ConfirmCloseApproval => "このリンクは二度と表示できません。代表者に渡しましたか？", "This link cannot be shown again. Has the representative got it?";
    /// Link from an approved application to its facility's staff.
    StaffManagement => "スタッフ管理", "Manage staff";
    /// What choosing a facility does.
    FacilitiesHint => "施設を選ぶと、その施設のスタッフ管理を開きます。", "Choose a facility to manage its staff.";
    /// No facility yet.
    NoFacilities => "登録されている施設はまだありません。", "No facility is registered yet.";
    /// Heading of the pledge in force.
    PledgeCurrent => "現在の誓約書", "Pledge in force";
    /// Label before when the pledge was published.
    PledgePublishedAt => "公開日時", "Published";
    /// Label of the new version's text.
    PledgeNewText => "新しい版の本文", "Text of the new version";
    /// Hint under the new version's text.
    PledgeNewHint => "現在の本文をもとに直してから公開してください（20,000文字以内）。公開した版は変更できません。", "Edit the current text, then publish it (up to 20,000 characters). A published version cannot be changed.";
    /// Button publishing a new version of the pledge.
    PledgePublish => "新しい版を公開", "Publish a new version";
    /// Question before publishing a new version of the pledge.
    PledgeConfirm => "新しい版を公開すると、以後の申込と有効化はこの版への同意になります。公開しますか？", "Once it is published, every later application and activation accepts this version. Publish it?";
    /// The new version's text is the one in force.
    PledgeUnchanged => "本文が現在の版と同じです。", "The text is the same as the version in force.";
    /// Too long a pledge.
    PledgeTooLong => "誓約書は20,000文字以内で入力してください。", "The pledge can be at most 20,000 characters long.";
    /// After publishing; `{n}` the new version.
    PledgePublished => "第{n}版を公開しました。", "Version {n} is published.";
    /// Legend of the two-factor policy.
    TwoFactorPolicy => "2段階認証を必須にするアカウント", "Accounts that must use two-step verification";
    /// What the two-factor policy does.
    TwoFactorPolicyHint => "対象のアカウントは、ログインのたびに認証アプリの確認コードも入力します。まだ設定していない人は、施設の管理者が発行する新しい有効化リンクで設定します。", "These accounts enter a code from an authenticator app at each login. Those who have not set it up do so through a new activation link from their facility's administrator.";
    /// Checkbox: two-factor login for everyone.
    TwoFactorEveryone => "全員に必須", "Required for everyone";
    /// What "全員に必須" means for the other boxes.
    TwoFactorEveryoneHint => "「全員に必須」のときは、下の選択にかかわらず全員が対象です。", "With “Required for everyone” everyone is covered, whatever is chosen below.";
    /// Legend of the facility types of the policy.
    PolicyByKind => "施設の種類で指定", "By facility type";
    /// Legend of the professions of the policy.
    PolicyByProfession => "職種で指定", "By profession";
    /// Label of the idle lock minutes.
    IdleLockMinutes => "自動ロックまでの時間（分）", "Minutes until the screen locks";
    /// Operator setting: a login with a code may remember its device for 30 days.
    RememberDeviceAllowed => "2段階認証の「この端末を30日間記憶する」を許可する", "Allow \"remember this device for 30 days\" at two-step login";
    /// Hint under the idle lock minutes.
    IdleLockMinutesHint => "操作がないままこの時間がたつと、アプリの画面をロックします（1〜120分）。", "The app locks its screen after this many minutes without input (1–120).";
    /// The idle lock is not a number from 1 to 120.
    IdleLockInvalid => "1から120までの数字を入力してください。", "Please enter a number from 1 to 120.";
    /// After saving the settings.
    SettingsSaved => "設定を保存しました。", "The settings are saved.";
    /// The policy would cover the operator, who has no two-factor login yet.
    SettingsNeedTwoFactor => "この設定ではあなたのアカウントも2段階認証が必須になりますが、まだ設定されていません。先にアカウント設定で2段階認証を設定してから、もう一度保存してください。", "With this policy your own account must use two-step verification, which it does not yet. Set it up in Account settings first, then save again.";
    // @section media-view: attachments in posts, the photo viewer, the media view and comparison.
    /// Accessible name of a post's attachments.
    ViewerAttachments => "添付ファイル", "Attachments";
    /// Accessible name of a post's photo grid; `{n}` the number of photos.
    ViewerPhotoCount => "写真 {n}枚", "{n} photos";
    /// Accessible name of a photo that opens the viewer; `{name}` its file name.
    ViewerOpenPhoto => "写真を開く: {name}", "Open photo: {name}";
    /// Accessible name of an inline video; `{name}` its file name.
    ViewerVideo => "動画: {name}", "Video: {name}";
    /// Accessible name of an audio player; `{name}` its file name.
    ViewerAudio => "音声: {name}", "Audio: {name}";
    /// Text of a download link.
    ViewerDownload => "ダウンロード", "Download";
    /// Accessible name of a download link; `{name}` the file, `{kind}` its type, `{size}` its size.
    ViewerDownloadName => "{name} をダウンロード（{kind}、{size}）", "Download {name} ({kind}, {size})";
    /// Type of a document whose type is unknown.
    ViewerUnknownType => "ファイル", "File";
    /// Name of the full-screen viewer; `{i}` the photo shown, `{n}` how many.
    ViewerTitle => "写真 {i} / {n}", "Photo {i} of {n}";
    /// The viewer's button to the previous photo.
    ViewerPrevious => "前の写真", "Previous photo";
    /// The viewer's button to the next photo.
    ViewerNext => "次の写真", "Next photo";
    /// The viewer's close button.
    ViewerClose => "閉じる", "Close";
    /// Accessible name of the zoom button; `{zoom}` the current, `{next}` the next zoom in percent.
    ViewerZoom => "拡大 {zoom}%（押すと {next}%）", "Zoom {zoom}% (press for {next}%)";
    /// Who posted the photo, and when, in the viewer; `{name}` and `{time}`.
    ViewerPostedBy => "{name}・{time}", "{name}, {time}";
    /// Heading and link of a group's media view.
    GalleryTitle => "写真・ファイル", "Photos and files";
    /// Link from the media view back to the group's timeline.
    GalleryBackToTimeline => "タイムラインに戻る", "Back to the timeline";
    /// Label of the kind filter.
    GalleryKind => "種類", "Kind";
    /// Kind filter: every kind.
    GalleryKindAll => "すべて", "All";
    /// Kind filter: photos.
    GalleryKindImage => "写真", "Photos";
    /// Kind filter: videos.
    GalleryKindVideo => "動画", "Videos";
    /// Kind filter: audio.
    GalleryKindAudio => "音声", "Audio";
    /// Kind filter: documents.
    GalleryKindDocument => "書類", "Documents";
    /// Button loading the next page of files.
    GalleryLoadMore => "さらに読み込む", "Load more";
    /// The media view without files.
    GalleryEmpty => "ファイルはまだありません。", "No files yet.";
    /// Checkbox picking a photo for comparison; `{name}` the file, `{time}` its date.
    GalleryPick => "比較に選ぶ: {name}（{time}）", "Pick for comparison: {name} ({time})";
    /// Visible text of the pick checkbox.
    GalleryPickShort => "比較", "Compare";
    /// How many photos are picked; `{n}` of 2.
    GalleryPicked => "比較する写真を2枚選んでください（{n}/2）", "Pick two photos to compare ({n}/2)";
    /// Button showing the two picked photos side by side.
    GalleryCompare => "2枚を並べて比較", "Compare side by side";
    /// Button clearing the picks.
    GalleryClearPicks => "選択を解除", "Clear the selection";
    /// Heading of the comparison.
    GalleryCompareTitle => "写真の比較", "Photo comparison";
    /// Back from the comparison to the list.
    GalleryBackToList => "一覧に戻る", "Back to the list";
    /// Caption label of the earlier photo of a comparison.
    GalleryEarlier => "前", "Earlier";
    /// Caption label of the later photo of a comparison.
    GalleryLater => "後", "Later";
    /// Accessible name of the media view's list of files.
    GalleryList => "ファイル一覧", "Files";
    // @section media-send: attaching, preparing and uploading photos and files (issue 12).
    /// Accessible name of the button opening the file picker.
    MediaAttach => "写真・ファイルを添付", "Attach photos or files";
    /// Visible text of that button.
    MediaAttachShort => "添付", "Attach";
    /// The camera button (phones).
    MediaCamera => "カメラで撮影", "Take a photo";
    /// Toggle: keep photos at full size (still without location data).
    MediaOriginal => "元の画質", "Original quality";
    /// Hint next to that toggle.
    MediaOriginalHint => "位置情報などは常に削除されます", "Location and other metadata are always removed";
    /// Label of the list of attached files.
    MediaAttachments => "添付ファイル", "Attachments";
    /// Removes an attached file (followed by its name).
    MediaRemove => "添付を削除", "Remove attachment";
    /// While photos are being prepared.
    MediaPreparing => "写真を準備しています…", "Preparing photos…";
    /// More files than a post may have.
    MediaTooMany => "1つの投稿に添付できるファイルの数を超えています", "Too many files for one post";
    /// One file over its size limit (followed by the limit).
    MediaFileTooLarge => "ファイルが大きすぎます。上限", "This file is too large. Limit";
    /// All files together over the limit (followed by the limit).
    MediaPostTooLarge => "添付ファイルの合計が大きすぎます。上限", "The files together are too large. Limit";
    /// An empty file.
    MediaEmptyFile => "空のファイルは添付できません", "Empty files cannot be attached";
    /// A file the browser could not read.
    MediaReadFailed => "ファイルを読み込めませんでした", "The file could not be read";
    /// Accessible name of a file's upload progress bar (followed by its name).
    MediaUploadProgress => "アップロードの進み具合", "Upload progress";
    /// Cancels one file's upload (the file is removed from the waiting post).
    MediaCancelUpload => "アップロードをキャンセル", "Cancel upload";
    /// Tries a waiting post's uploads again now.
    MediaRetryUpload => "今すぐ再試行", "Retry now";
    /// Smaller after preparation: followed by 「4.1 MB → 620 KB」.
    MediaSaved => "縮小", "Reduced";
    /// Link from the nurse's composer to the page that attaches and sends photos and files
    /// (another build): the end of its accessible name, after its visible text.
    MediaSendPageLink => "（写真・ファイルを送信画面で添付）", " (attach photos or files on the sending page)";
    /// Visible text of that link when the draft has attachments; `{n}` how many.
    MediaAttachedCount => "添付 {n}件", "Attached: {n}";
    /// A file dropped or pasted on the nurse's composer.
    MediaUseSendPage => "写真・ファイルは「添付」から送れます", "Use \"Attach\" to send photos and files";
    /// Heading of the page that sends photos and files.
    MediaSendTitle => "写真・ファイルを送る", "Send photos and files";
    /// Link of a waiting post with files, in the nurse's app: its upload runs on the sending page.
    MediaContinueSending => "送信画面で続ける", "Continue on the sending page";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages() {
        for &m in Msg::ALL {
            let ja = m.text(Locale::Ja);
            let en = m.text(Locale::En);
            assert!(!ja.trim().is_empty(), "{m:?} has no Japanese");
            assert!(!en.trim().is_empty(), "{m:?} has no English");
            if m != Msg::AppName {
                assert_ne!(ja, en, "{m:?} is not translated");
            }
        }
    }

    /// Japanese in a string literal of the app's code, outside this module and the tests.
    fn has_japanese(literal: &str) -> bool {
        literal.chars().any(|c| {
            matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{9fff}' | '\u{ff01}'..='\u{ff60}')
        })
    }

    /// A line that is only a string literal of words, between a tag and a closing tag: a text
    /// node written in a `view!` (not code to type).
    fn is_text_node(prev: &str, line: &str, next: &str) -> bool {
        let t = line.trim();
        t.len() > 2
            && t.starts_with('"')
            && t.ends_with('"')
            && t[1..t.len() - 1].chars().filter(char::is_ascii_alphabetic).count() >= 2
            && prev.trim_end().ends_with('>')
            // Code (a command to type) is the same in every language.
            && !prev.trim_end().ends_with("<code>")
            && next.trim_start().starts_with("</")
    }

    /// Every user-visible text goes through this module: no Japanese in the code's strings
    /// and no English text nodes in views (tests, which may quote what users see, excepted).
    #[test]
    fn no_user_visible_text_is_written_outside_the_i18n_layer() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        walk(&src, &mut files);
        let mut found = Vec::new();
        for path in files {
            let rel = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            // The i18n layer itself, and test-only modules.
            if rel == "i18n.rs" || rel.starts_with("i18n/") || rel.ends_with("fixtures.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                if line.trim_start().starts_with("#[cfg(test)]") {
                    break; // tests sit at the end of a file
                }
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                let code = code.split(" //").next().unwrap_or_default();
                let mut rest = code;
                while let Some(start) = rest.find('"') {
                    let after = &rest[start + 1..];
                    let Some(end) = after.find('"') else { break };
                    if has_japanese(&after[..end]) {
                        found.push(format!("{rel}:{}: {}", i + 1, line.trim()));
                    }
                    rest = &after[end + 1..];
                }
                let prev = if i > 0 { lines[i - 1] } else { "" };
                let next = lines.get(i + 1).copied().unwrap_or_default();
                if is_text_node(prev, line, next) {
                    found.push(format!("{rel}:{}: {}", i + 1, line.trim()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "text outside the i18n layer:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn the_scan_recognises_what_it_looks_for() {
        assert!(has_japanese("送信"));
        assert!(has_japanese("（"));
        assert!(!has_japanese("composer__send"));
        assert!(is_text_node("<p>", "    \"Send now\"", "</p>"));
        assert!(!is_text_node("<p>", "    \"×\"", "</p>"));
        assert!(!is_text_node("let x = [", "    \"composer\"", "];"));
        assert!(!is_text_node(
            "<code>",
            "    \"tsunagu-server admin\"",
            "</code>"
        ));
    }

    #[test]
    fn the_language_switch_names_the_other_language() {
        assert_eq!(Msg::SwitchLanguage.text(Locale::Ja), "English");
        assert_eq!(Msg::SwitchLanguage.text(Locale::En), "日本語");
    }
}
