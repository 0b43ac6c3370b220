//! Translations of the API's error codes and of network failures.

use tsunagu_api::ErrorCode;

use super::{Locale, Msg};
use crate::api::ApiError;

/// Translation of a machine error code from the API.
pub fn error_text(code: ErrorCode, locale: Locale) -> &'static str {
    use ErrorCode::*;
    match locale {
        Locale::Ja => match code {
            InvalidCredentials => "ログインIDまたはパスワードが正しくありません。",
            Unauthenticated => "ログインしてください。",
            SessionExpired => {
                "一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。"
            }
            NotFound => "見つかりません。削除されたか、参加していないグループの可能性があります。",
            NotAMember => "このグループのメンバーではありません。",
            ValidationFailed => "入力内容に誤りがあります。確認してください。",
            PostTooLong => "投稿は10,000文字以内で入力してください。",
            PostEmpty => "投稿内容を入力してください。",
            MalformedRequest => "リクエストが正しくありません。ページを再読み込みしてください。",
            UnsupportedMediaType => "この形式のファイルは送信できません。",
            FileTooLarge => "ファイルが大きすぎます。",
            IdempotencyKeyReused => {
                "同じ送信が別の内容で繰り返されました。もう一度送信してください。"
            }
            IdempotencyKeyInvalid => "送信情報が正しくありません。もう一度送信してください。",
            RateLimited => "操作が集中しています。しばらく待ってからもう一度お試しください。",
            InternalError => {
                "サーバーでエラーが発生しました。しばらくしてからもう一度お試しください。"
            }
            Forbidden => "この操作は許可されていません。",
            LastAdmin => "最後の管理者は退出できません。先に他のメンバーを管理者にしてください。",
            AlreadyMember => "すでにこのグループのメンバーです。",
            GroupArchived => "このグループはアーカイブされているため変更できません。",
            InvitationInvalid => "この招待リンクは無効です（使用済み・取り消し・期限切れ）。",
            InvitationDecided => "この招待はすでに処理されています。",
            LoginIdTaken => "このログインIDはすでに使われています。別のIDを入力してください。",
            PasswordTooWeak => {
                "パスワードは13文字以上で、英字・数字・記号をすべて含めてください。"
            }
            FieldRequired => "必須項目が入力されていません。",
            FieldTooLong => "入力が長すぎます。",
            FieldInvalid => "入力の形式が正しくありません。",
            PreconditionFailed => {
                "この投稿はほかの画面で変更されました。表示を最新にしたので、内容を確認してからもう一度操作してください。"
            }
            PreconditionRequired => "編集の情報が不足しています。ページを再読み込みしてください。",
            PostDeleted => "この投稿は削除されています。",
            TwoFactorRequired => "確認コードを入力してください。",
            InvalidTwoFactorCode => {
                "確認コードが正しくないか、期限切れか、すでに使われています。アプリに表示されている新しいコードを入力してください。"
            }
            TwoFactorEnabled => "2段階認証はすでに設定されています。",
            TwoFactorSetupRequired => "2段階認証の設定が必要です。施設の管理者に新しい有効化リンクを依頼してください。",
            PledgeOutdated => "誓約書が改訂されました。最新の版を読んで同意してください。",
            ApplicationDecided => "この申込はすでに処理されています。",
            ActivationInvalid => "この有効化リンクは無効です（使用済み・期限切れ・再発行済み）。",
            ImportInvalid => "ファイルを読み込めませんでした。何も登録されていません。",
            // The push service's address and keys come from the browser, never from typing.
            PushNotConfigured | PushEndpointInvalid | PushEndpointForbidden | PushKeyInvalid => {
                "この端末では通知を設定できませんでした。"
            }
            EmailNotConfigured => "このサーバーはメールを送信しません。",
            EmailNotConfirmed => "先にメールアドレスを確認してください。",
            InvalidEmailCode => {
                "確認コードが正しくないか、期限切れです。メールに届いた新しいコードを入力してください。"
            }
            Unknown => "エラーが発生しました。しばらくしてからもう一度お試しください。",
        },
        Locale::En => match code {
            InvalidCredentials => "The login ID or password is incorrect.",
            Unauthenticated => "Please log in.",
            SessionExpired => {
                "You were logged out after a period of inactivity. Please log in again."
            }
            NotFound => {
                "Not found. It may have been deleted, or you are not a member of this group."
            }
            NotAMember => "You are not a member of this group.",
            ValidationFailed => "Some of the input is invalid. Please check it.",
            PostTooLong => "Posts can be at most 10,000 characters long.",
            PostEmpty => "Please enter a message.",
            MalformedRequest => "The request was invalid. Please reload the page.",
            UnsupportedMediaType => "Files of this type cannot be sent.",
            FileTooLarge => "The file is too large.",
            IdempotencyKeyReused => {
                "The same submission was repeated with different content. Please send again."
            }
            IdempotencyKeyInvalid => "The submission was invalid. Please send again.",
            RateLimited => "Too many attempts. Please wait a moment and try again.",
            InternalError => "A server error occurred. Please try again later.",
            Forbidden => "You are not allowed to do this.",
            LastAdmin => "The last admin cannot leave. Make another member an admin first.",
            AlreadyMember => "This person is already a member of the group.",
            GroupArchived => "This group is archived and cannot be changed.",
            InvitationInvalid => "This invitation link is not valid (used, revoked or expired).",
            InvitationDecided => "This invitation has already been decided.",
            LoginIdTaken => "This login ID is already taken. Please choose another.",
            PasswordTooWeak => {
                "Passwords need at least 13 characters, mixing letters, digits and symbols."
            }
            FieldRequired => "A required field is empty.",
            FieldTooLong => "An entry is too long.",
            FieldInvalid => "An entry is not in the expected format.",
            PreconditionFailed => {
                "This post was changed elsewhere. It now shows the latest version; check it, then try again."
            }
            PreconditionRequired => "The edit is missing information. Please reload the page.",
            PostDeleted => "This post has been deleted.",
            TwoFactorRequired => "Please enter the verification code.",
            InvalidTwoFactorCode => {
                "The verification code is wrong, expired or was used already. Enter the new code your app shows."
            }
            TwoFactorEnabled => "Two-step verification is already set up.",
            TwoFactorSetupRequired => "Two-step verification must be set up first: ask your facility's administrator for a new activation link.",
            PledgeOutdated => "The pledge was revised. Please read and accept the current version.",
            ApplicationDecided => "This application has already been decided.",
            ActivationInvalid => "This activation link is not valid (used, expired or replaced).",
            ImportInvalid => "The file could not be read. Nothing was imported.",
            PushNotConfigured | PushEndpointInvalid | PushEndpointForbidden | PushKeyInvalid => {
                "Notifications could not be set up on this device."
            }
            EmailNotConfigured => "This server sends no e-mail.",
            EmailNotConfirmed => "Please confirm your e-mail address first.",
            InvalidEmailCode => {
                "The code is wrong or expired. Enter the newest code from the e-mail."
            }
            Unknown => "Something went wrong. Please try again later.",
        },
    }
}

/// Translation of any API failure, including a network failure.
pub fn api_error_text(err: &ApiError, locale: Locale) -> &'static str {
    match err {
        ApiError::Problem { code, .. } => error_text(*code, locale),
        ApiError::Network => Msg::NetworkError.text(locale),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_code_has_both_languages() {
        // Every code of the contract, so a new one cannot ship untranslated.
        for &code in ErrorCode::ALL {
            let ja = error_text(code, Locale::Ja);
            let en = error_text(code, Locale::En);
            assert!(!ja.is_empty() && !en.is_empty(), "{code:?}");
            assert_ne!(ja, en, "{code:?}");
        }
        let net_ja = api_error_text(&ApiError::Network, Locale::Ja);
        assert_eq!(
            net_ja,
            "サーバーに接続できません。通信状況を確認してください。"
        );
        assert_ne!(net_ja, api_error_text(&ApiError::Network, Locale::En));
    }

    #[test]
    fn required_japanese_wording() {
        let ja = |c| error_text(c, Locale::Ja);
        assert_eq!(
            ja(ErrorCode::InvalidCredentials),
            "ログインIDまたはパスワードが正しくありません。"
        );
        assert_eq!(
            ja(ErrorCode::SessionExpired),
            "一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。"
        );
        assert_eq!(
            ja(ErrorCode::PostTooLong),
            "投稿は10,000文字以内で入力してください。"
        );
        assert_eq!(
            ja(ErrorCode::LastAdmin),
            "最後の管理者は退出できません。先に他のメンバーを管理者にしてください。"
        );
        assert_eq!(
            ja(ErrorCode::InvitationInvalid),
            "この招待リンクは無効です（使用済み・取り消し・期限切れ）。"
        );
        assert_eq!(
            ja(ErrorCode::PasswordTooWeak),
            "パスワードは13文字以上で、英字・数字・記号をすべて含めてください。"
        );
    }
}
