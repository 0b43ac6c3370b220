-- Accounts and onboarding: the confidentiality pledge (versioned), facilities' online
-- applications, one-time activation links, staff offboarding, and the operator's settings.

-- 連携守秘誓約書. Version 1 ships with the server; each change by the operator adds a version,
-- so what an applicant or an activated account accepted can always be shown again.
CREATE TABLE pledges (
    version         INTEGER NOT NULL PRIMARY KEY,
    body            TEXT    NOT NULL,
    published_at_ms INTEGER NOT NULL,
    published_by    TEXT    REFERENCES users (id)
) STRICT;

INSERT INTO pledges (version, body, published_at_ms, published_by) VALUES (1,
'連携守秘誓約書

私（当施設）は、地域の医療・介護連携のために本システムを利用するにあたり、次の事項を守ることを誓約します。

1. 本システムで知り得た患者・利用者及びその家族の情報を、診療・ケアの連携の目的以外に利用しません。
2. 業務上知り得た秘密を、在職中も退職後も、正当な理由なく第三者に漏らしません。
3. ログインIDとパスワード、二要素認証の端末を他人に使わせず、紛失したときは直ちに施設の管理者に届け出ます。
4. 画面の撮影、印刷、データの持ち出しは、連携に必要な範囲に限ります。
5. 職員が退職・異動したときは、施設の管理者が速やかに利用を停止します。
6. 本誓約に反したときは、利用の停止その他医師会の定める措置に従います。', 0, NULL);

-- 利用申込: queued for the operator, decided once. The login ID is the representative's; the
-- facility and its administrator are created on approval.
CREATE TABLE applications (
    id                        TEXT    NOT NULL PRIMARY KEY,
    facility_name             TEXT    NOT NULL,
    facility_name_kana        TEXT    NOT NULL,
    facility_kind             TEXT    NOT NULL,
    address                   TEXT    NOT NULL,
    representative_name       TEXT    NOT NULL,
    representative_name_kana  TEXT    NOT NULL,
    representative_profession TEXT    NOT NULL,
    login_id                  TEXT    NOT NULL COLLATE NOCASE,
    phone                     TEXT    NOT NULL,
    email                     TEXT    NOT NULL,
    pledge_version            INTEGER NOT NULL REFERENCES pledges (version),
    submitted_at_ms           INTEGER NOT NULL,
    status                    TEXT    NOT NULL DEFAULT 'pending'
                                      CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by                TEXT    REFERENCES users (id),
    decided_at_ms             INTEGER,
    reason                    TEXT,
    facility_id               TEXT    REFERENCES facilities (id)
) STRICT;

CREATE INDEX applications_by_time ON applications (submitted_at_ms);
-- A login ID asked for by a pending application is not handed to a second one.
CREATE UNIQUE INDEX applications_pending_login
    ON applications (login_id) WHERE status = 'pending';

-- Single use, 72 hours, only the hash of the secret. A new link for the account closes the
-- older ones (the store sets their used_at_ms).
CREATE TABLE activation_links (
    token_hash    TEXT    NOT NULL PRIMARY KEY,
    user_id       TEXT    NOT NULL REFERENCES users (id),
    created_by    TEXT    REFERENCES users (id),
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    used_at_ms    INTEGER
) STRICT;

CREATE INDEX activation_links_by_user ON activation_links (user_id);

-- An account waiting for activation (new, or reset for a lost phone or password) cannot log in;
-- an offboarded one left its facility. The pledge each account accepted, and when.
ALTER TABLE users ADD COLUMN pending_activation INTEGER NOT NULL DEFAULT 0
    CHECK (pending_activation IN (0, 1));
ALTER TABLE users ADD COLUMN offboarded_at_ms INTEGER;
ALTER TABLE users ADD COLUMN pledge_version INTEGER REFERENCES pledges (version);
ALTER TABLE users ADD COLUMN pledge_accepted_at_ms INTEGER;

-- Devices remembered for 30 days after a login with a one-time code, when the operator allows
-- it: only the hash of the device's secret. Resetting or closing the account forgets them.
CREATE TABLE trusted_devices (
    token_hash    TEXT    NOT NULL PRIMARY KEY,
    user_id       TEXT    NOT NULL REFERENCES users (id),
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL
) STRICT;

CREATE INDEX trusted_devices_by_user ON trusted_devices (user_id);

-- A facility the operator suspended: its staff accounts were disabled with it (marked, so that
-- reactivating the facility reactivates exactly those, not one suspended on its own).
ALTER TABLE facilities ADD COLUMN suspended_at_ms INTEGER;
ALTER TABLE users ADD COLUMN suspended_with_facility INTEGER NOT NULL DEFAULT 0
    CHECK (suspended_with_facility IN (0, 1));

-- The operator's settings, one JSON document (tsunagu_api::Settings); absent means defaults.
CREATE TABLE settings (
    id   INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    body TEXT    NOT NULL
) STRICT;
