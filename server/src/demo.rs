//! Demo data (`serve --demo`): eight facilities, ten professionals (one of them the medical
//! association's operator), two family accounts, two patient groups with their family
//! timelines, a workplace group and a direct message, with a week of posts ending about now.
//! Seeded once; later starts find the data and leave it alone.

use crate::db::Database;
use crate::store::{
    self,
    seed::{Seed, SeedFacility, SeedGroup, SeedMember, SeedPost, SeedUser},
};
use anyhow::Context;
use chrono::{Days, FixedOffset, NaiveTime, TimeZone, Utc};
use tsunagu_api::{FacilityKind, GroupKind, MemberRole, PhysicianRule, Profession, Relationship};
use uuid::{NoContext, Timestamp, Uuid};

/// Password of every demo account.
pub const DEMO_PASSWORD: &str = "Tsunagu-Demo-2026";

struct Facility {
    name: &'static str,
    kana: &'static str,
    kind: FacilityKind,
}

const FACILITIES: &[Facility] = &[
    Facility {
        name: "さくら内科クリニック",
        kana: "さくらないかくりにっく",
        kind: FacilityKind::Clinic,
    },
    Facility {
        name: "あおば訪問看護ステーション",
        kana: "あおばほうもんかんごすてーしょん",
        kind: FacilityKind::HomeNursingStation,
    },
    Facility {
        name: "みどり居宅介護支援事業所",
        kana: "みどりきょたくかいごしえんじぎょうしょ",
        kind: FacilityKind::CareManagementOffice,
    },
    Facility {
        name: "ひかり薬局",
        kana: "ひかりやっきょく",
        kind: FacilityKind::Pharmacy,
    },
    Facility {
        name: "はなまる訪問介護",
        kana: "はなまるほうもんかいご",
        kind: FacilityKind::HomeHelpOffice,
    },
    Facility {
        name: "世田谷区医師会",
        kana: "せたがやくいしかい",
        kind: FacilityKind::Other,
    },
    Facility {
        name: "ひまわり総合病院",
        kana: "ひまわりそうごうびょういん",
        kind: FacilityKind::Hospital,
    },
    Facility {
        name: "北沢地域包括支援センター",
        kana: "きたざわちいきほうかつしえんせんたー",
        kind: FacilityKind::CommunitySupportCenter,
    },
];

pub struct DemoUser {
    pub login_id: &'static str,
    pub name: &'static str,
    pub kana: &'static str,
    pub profession: Profession,
    /// Index into `FACILITIES`; `None` for family accounts.
    facility: Option<usize>,
    is_operator: bool,
    is_facility_admin: bool,
    relationship: Option<Relationship>,
}

/// A professional with no special flags.
const fn pro(
    login_id: &'static str,
    name: &'static str,
    kana: &'static str,
    profession: Profession,
    facility: usize,
) -> DemoUser {
    DemoUser {
        login_id,
        name,
        kana,
        profession,
        facility: Some(facility),
        is_operator: false,
        is_facility_admin: false,
        relationship: None,
    }
}

const fn family(
    login_id: &'static str,
    name: &'static str,
    kana: &'static str,
    relationship: Relationship,
) -> DemoUser {
    DemoUser {
        login_id,
        name,
        kana,
        profession: Profession::Family,
        facility: None,
        is_operator: false,
        is_facility_admin: false,
        relationship: Some(relationship),
    }
}

pub const USERS: &[DemoUser] = &[
    pro(
        "dr.sato",
        "佐藤 健一",
        "さとう けんいち",
        Profession::Physician,
        0,
    ),
    // Representative of the nursing station (facility admin); no special group access.
    DemoUser {
        is_facility_admin: true,
        ..pro(
            "ns.tanaka",
            "田中 美咲",
            "たなか みさき",
            Profession::Nurse,
            1,
        )
    },
    pro(
        "cm.suzuki",
        "鈴木 由美",
        "すずき ゆみ",
        Profession::CareManager,
        2,
    ),
    pro(
        "ph.takahashi",
        "高橋 誠",
        "たかはし まこと",
        Profession::Pharmacist,
        3,
    ),
    pro(
        "hh.ito",
        "伊藤 さおり",
        "いとう さおり",
        Profession::CareWorker,
        4,
    ),
    // In no patient group: the outsider the tests use.
    pro(
        "ns.kobayashi",
        "小林 直子",
        "こばやし なおこ",
        Profession::Nurse,
        1,
    ),
    // The medical association's secretariat: operator, in no group.
    DemoUser {
        is_operator: true,
        ..pro(
            "op.ishikai",
            "石井 事務局",
            "いしい じむきょく",
            Profession::Administrative,
            5,
        )
    },
    // A hospital physician and facility admin, in no group.
    DemoUser {
        is_facility_admin: true,
        ..pro(
            "dr.yamamoto",
            "山本 大輔",
            "やまもと だいすけ",
            Profession::Physician,
            6,
        )
    },
    pro(
        "pt.watanabe",
        "渡辺 翔",
        "わたなべ しょう",
        Profession::Therapist,
        1,
    ),
    pro(
        "sw.kimura",
        "木村 洋子",
        "きむら ようこ",
        Profession::SocialWorker,
        7,
    ),
    family(
        "fam.yamada",
        "山田 太郎",
        "やまだ たろう",
        Relationship::Child,
    ),
    family(
        "fam.nakamura",
        "中村 恵子",
        "なかむら けいこ",
        Relationship::Spouse,
    ),
];

struct DemoProfile {
    name: &'static str,
    birth_date: &'static str,
    physician: &'static str,
    care_manager: &'static str,
    notes: &'static str,
    rule: PhysicianRule,
}

struct DemoGroup {
    kind: GroupKind,
    name: &'static str,
    kana: Option<&'static str>,
    profile: Option<DemoProfile>,
    /// The first member created the group.
    members: &'static [(&'static str, MemberRole)],
}

const GROUPS: &[DemoGroup] = &[
    DemoGroup {
        kind: GroupKind::Patient,
        name: "山田 花子 様",
        kana: Some("やまだ はなこ"),
        profile: Some(DemoProfile {
            name: "山田 花子",
            birth_date: "1938-04-12",
            physician: "dr.sato",
            care_manager: "cm.suzuki",
            notes: "キーパーソン: 長男 太郎さん。ペニシリン系アレルギー。",
            rule: PhysicianRule::ApprovalRequired,
        }),
        members: &[
            ("dr.sato", MemberRole::Admin),
            ("ns.tanaka", MemberRole::Member),
            ("cm.suzuki", MemberRole::Admin),
            ("hh.ito", MemberRole::Member),
            ("ph.takahashi", MemberRole::Member),
            ("fam.yamada", MemberRole::Family),
        ],
    },
    DemoGroup {
        kind: GroupKind::Patient,
        name: "中村 一郎 様",
        kana: Some("なかむら いちろう"),
        profile: Some(DemoProfile {
            name: "中村 一郎",
            birth_date: "1941-09-30",
            physician: "dr.sato",
            care_manager: "cm.suzuki",
            notes: "キーパーソン: 妻 恵子さん。在宅酸素 1L/分（入浴・労作時 2L/分）。",
            rule: PhysicianRule::InformOnly,
        }),
        members: &[
            ("dr.sato", MemberRole::Admin),
            ("ns.tanaka", MemberRole::Member),
            ("ph.takahashi", MemberRole::Member),
            ("cm.suzuki", MemberRole::Member),
            ("fam.nakamura", MemberRole::Family),
        ],
    },
    DemoGroup {
        kind: GroupKind::Workplace,
        name: "あおば訪問看護ステーション 連絡",
        kana: None,
        profile: None,
        members: &[
            ("ns.tanaka", MemberRole::Admin),
            ("ns.kobayashi", MemberRole::Member),
        ],
    },
    // Direct message; its name is computed per viewer from the other person.
    DemoGroup {
        kind: GroupKind::Direct,
        name: "",
        kana: None,
        profile: None,
        members: &[
            ("ns.tanaka", MemberRole::Member),
            ("dr.sato", MemberRole::Member),
        ],
    },
];

/// (group index, day 0..=6 where 6 is the last day, local time in Japan, author, body).
type DemoPost = (usize, u64, &'static str, &'static str, &'static str);

const POSTS: &[DemoPost] = &[
    // 山田 花子 様: heart failure with a sacral pressure ulcer; diuretic adjusted over the week.
    (0, 0, "09:30", "ns.tanaka", "訪問看護報告です。BP 132/78、P 76、SpO2 96%、KT 36.5℃。仙骨部の褥瘡は 2.5×2.0cm、浸出液少量、肉芽良好です。洗浄後ゲーベンクリームを塗布し、ハイドロサイトで保護しました。"),
    (0, 0, "11:15", "hh.ito", "昼食の介助に入りました。主食は半分、副菜は全量召し上がりました。水分はお茶200ml。表情は穏やかです。"),
    (0, 0, "16:40", "cm.suzuki", "来週のサービス担当者会議の日程調整をお願いします。候補は木曜14時か金曜10時です。ご都合を返信ください。"),
    (0, 0, "18:05", "dr.sato", "木曜14時で参加可能です。"),
    (0, 1, "08:50", "ph.takahashi", "本日定期薬をお届けしました。一包化（朝・夕）7日分です。フロセミド錠20mgは朝食後で変更ありません。残薬はありませんでした。"),
    (0, 1, "10:20", "ns.tanaka", "両下腿のむくみがやや増えています（圧痕 2mm 程度）。体重は先週より +1.2kg（42.8kg）。息切れの訴えはありません。佐藤先生、ご確認をお願いします。"),
    (0, 1, "13:05", "dr.sato", "了解しました。明日の往診で診察します。それまで水分は1日1000ml程度を目安にしてください。"),
    (0, 1, "15:30", "hh.ito", "午後の訪問で排泄介助。尿量はいつもより少なめとご家族より。夜間のトイレは2回だったそうです。"),
    (0, 2, "14:10", "dr.sato", "往診しました。心音・呼吸音に大きな変化なし、下腿浮腫あり。フロセミドを 20mg → 40mg（朝）に増量します。3日後に体重と浮腫の再評価をお願いします。"),
    (0, 2, "14:45", "ph.takahashi", "処方変更承知しました。本日夕方に差し替え分をお届けし、お薬カレンダーも入れ替えます。ふらつきとトイレ回数の増加に注意するよう、ご家族にお伝えします。"),
    (0, 2, "17:20", "ph.takahashi", "差し替え完了しました。旧分（20mg）は回収済みです。"),
    (0, 2, "17:50", "cm.suzuki", "利尿剤の増量でトイレの回数が増えそうなので、ポータブルトイレの設置を福祉用具事業者に相談しています。"),
    (0, 3, "09:40", "ns.tanaka", "BP 124/72、P 80、SpO2 97%、KT 36.3℃。体重 42.1kg（-0.7kg）。浮腫は軽減傾向です。褥瘡 2.3×1.8cm、ポケットなし、周囲の発赤なし。"),
    (0, 3, "10:05", "ns.tanaka", "体位変換は2時間ごとに継続をお願いします。エアマットの圧設定は体重に合わせて確認済みです。"),
    (0, 3, "12:30", "hh.ito", "昼食は7割摂取。ご本人から「足が軽くなった」とのことです。"),
    (0, 3, "16:00", "cm.suzuki", "ポータブルトイレは明日午前に搬入予定です。設置場所はベッドの右側で、ご家族と確認しました。"),
    (0, 4, "11:10", "hh.ito", "ポータブルトイレの搬入に立ち会いました。移乗は手すりにつかまってご自身で可能ですが、ふらつきがあるため見守りが必要です。"),
    (0, 4, "15:20", "cm.suzuki", "ケアプランを一部変更します。夕方の訪問介護（排泄介助）を週3回から毎日に増やします。ご家族の同意を得ました。"),
    (0, 4, "19:45", "ns.tanaka", "夜にご家族から電話があり、トイレへ移動する時に軽いふらつきがあったそうです。転倒はありません。明朝の訪問で確認します。"),
    (0, 5, "09:15", "ns.tanaka", "BP 118/70、P 78、起立時 BP 104/66 で軽度の起立性低血圧があります。体重 41.6kg、浮腫はほぼ消失。佐藤先生、利尿剤の量についてご検討をお願いします。"),
    (0, 5, "12:40", "dr.sato", "確認しました。明日からフロセミドを 30mg に調整します。処方は薬局へ送ります。起き上がる時はゆっくり動くよう声かけをお願いします。"),
    (0, 5, "13:30", "ph.takahashi", "30mg（20mg 1錠＋10mg 1錠）で明日朝の分からお届けします。一包化し直します。"),
    (0, 5, "16:50", "hh.ito", "夕方の訪問で、ポータブルトイレ使用時に見守りをしました。ふらつきはありません。夕食は全量摂取です。"),
    (0, 6, "09:20", "ns.tanaka", "BP 126/74、P 74、SpO2 97%、KT 36.4℃。体重 41.8kg。褥瘡は 2.0×1.5cm に縮小しています。処置は継続します。"),
    (0, 6, "10:30", "cm.suzuki", "木曜14時のサービス担当者会議はご自宅で行います。議題：利尿剤調整後の経過、排泄の支援、褥瘡ケア。よろしくお願いします。"),
    // 中村 一郎 様: COPD on home oxygen; a cough that settles.
    (1, 0, "10:00", "ns.tanaka", "訪問看護報告。安静時 SpO2 93%（酸素 1L/分）、P 88、BP 138/82、KT 36.6℃。労作時は SpO2 88% まで低下し、休息で回復します。痰は白色で少量。"),
    (1, 0, "14:30", "ph.takahashi", "吸入薬の手技を確認しました。吸気が弱く、1回で吸いきれていないことがあります。声かけして2回に分けて吸入してもらっています。"),
    (1, 1, "09:45", "cm.suzuki", "酸素濃縮器の業者点検が今週金曜の午前に入ります。ご家族へ連絡済みです。"),
    (1, 1, "16:20", "dr.sato", "吸入の件、ありがとうございます。次回の往診でスペーサー併用の要否を判断します。"),
    (1, 2, "10:10", "ns.tanaka", "SpO2 94%（1L/分）、呼吸数 20回/分。シャワー浴を実施し、入浴中は指示どおり酸素を 2L/分 に上げました。SpO2 は 90% 以上を維持しています。"),
    (1, 2, "11:30", "dr.sato", "入浴・労作時の 2L/分 はそのままで結構です。安静時は 1L/分 でお願いします。"),
    (1, 3, "08:40", "cm.suzuki", "ご家族（長男さん）から、夜間の咳で眠れていないと相談がありました。"),
    (1, 3, "13:50", "dr.sato", "往診しました。両下肺に軽度の湿性ラ音、発熱なし。抗菌薬は見合わせて経過観察とし、去痰薬を追加します。38℃以上の発熱や痰の色の変化があれば連絡をください。"),
    (1, 3, "15:15", "ph.takahashi", "去痰薬（カルボシステイン 500mg 1日3回）が追加になりました。本日お届けし、一包化に組み込みました。"),
    (1, 4, "10:05", "ns.tanaka", "KT 36.9℃、SpO2 93%。痰はやや黄色味があり、量は少量です。食欲は普段どおり。明日も状態を確認しに伺います。"),
    (1, 4, "17:30", "dr.sato", "報告ありがとうございます。明日の体温と痰の性状を知らせてください。"),
    (1, 5, "10:20", "ns.tanaka", "KT 36.5℃、SpO2 95%、痰は白色に戻っています。夜間の咳も減り、昨夜は眠れたとのことです。"),
    (1, 5, "11:00", "cm.suzuki", "酸素濃縮器の点検が終わりました。異常なしです。"),
    (1, 6, "09:50", "ph.takahashi", "残薬を確認しました。飲み忘れはありません。吸入は2回に分ける方法で安定してできています。"),
    (1, 6, "14:40", "dr.sato", "経過良好です。去痰薬は1週間で終了の予定。次回の往診は2週間後とします。"),
    // Workplace group of the nursing station.
    (2, 1, "08:15", "ns.tanaka", "本日の訪問予定です。田中：山田様 9:00、中村様 10:00、午後は新規契約の面談。小林さんは午後の2件をお願いします。"),
    (2, 1, "08:30", "ns.kobayashi", "承知しました。午後の2件を担当します。"),
    (2, 3, "18:10", "ns.tanaka", "来週の勉強会のテーマは「DESIGN-R 2020 による褥瘡の評価」です。水曜17時半から事務所で行います。"),
    (2, 4, "08:20", "ns.kobayashi", "社用車2号車にタイヤ空気圧の警告が出ています。本日中に点検に出します。"),
    (2, 5, "12:15", "ns.tanaka", "オンコール当番表を更新しました。今週末は土曜が田中、日曜が小林さんです。"),
    (2, 6, "17:40", "ns.kobayashi", "2号車の点検が終わりました。異常なしで戻っています。"),
    // Direct message between the nurse and the physician.
    (3, 4, "12:10", "ns.tanaka", "佐藤先生、山田様の件で確認させてください。ポータブルトイレ導入後の夜間の見守りについて、訪問回数を増やす必要はありますか。"),
    (3, 4, "13:00", "dr.sato", "現時点では不要です。ふらつきが続くようなら再検討しましょう。"),
    (3, 4, "13:05", "ns.tanaka", "承知しました。ありがとうございます。"),
];

/// Posts of the family timelines (professionals and the family), same shape as `POSTS`. No
/// later on day 6 than the latest of `POSTS`, so they are never in the future.
const FAMILY_POSTS: &[DemoPost] = &[
    (0, 2, "19:00", "ns.tanaka", "ご家族の皆さまへ：明日は 9:00 に訪問予定です。体重測定と褥瘡の処置を行います。"),
    (0, 2, "20:15", "fam.yamada", "いつもありがとうございます。利尿剤が増えてから夜のトイレが増えたようですが、様子を見ていて大丈夫でしょうか。"),
    (0, 3, "11:00", "ns.tanaka", "本日伺いました。体重が減り、むくみも軽くなっています。夜間のトイレが増えるのはお薬の効果によるもので、想定の範囲です。ふらつきにだけご注意ください。"),
    (0, 4, "20:30", "fam.yamada", "今夜トイレに行くときに少しふらついていました。転んではいません。"),
    (0, 5, "09:45", "ns.tanaka", "今朝確認しました。立ち上がる時に血圧が少し下がるため、佐藤先生がお薬の量を調整されます。起き上がりはゆっくりでお願いします。"),
    (0, 5, "18:20", "fam.yamada", "承知しました。ゆっくり起きるように母にも声をかけます。木曜の会議には私も同席します。"),
    (1, 2, "18:00", "fam.nakamura", "入浴のときの酸素の量について教えていただきありがとうございました。"),
    (1, 3, "17:00", "ns.tanaka", "咳止めではなく、痰を出しやすくするお薬が追加になりました。夜の咳が続くようでしたらご連絡ください。"),
    (1, 5, "19:30", "fam.nakamura", "昨夜はよく眠れたようです。咳もだいぶ落ち着きました。"),
];

/// The login table shown on start with `--demo`.
pub fn print_logins() {
    println!("Demo logins (password for all: {DEMO_PASSWORD})");
    for user in USERS {
        let place = match user.facility {
            Some(f) => FACILITIES[f].name.to_owned(),
            None => GROUPS
                .iter()
                .find(|g| g.members.iter().any(|(m, _)| *m == user.login_id))
                .map(|g| format!("{} のご家族", g.name))
                .unwrap_or_default(),
        };
        let mut notes = Vec::new();
        if user.is_operator {
            notes.push("運営者");
        }
        if user.is_facility_admin {
            notes.push("事業所管理者");
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" [{}]", notes.join("・"))
        };
        println!(
            "  {:<14} {}（{}） {place}{notes}",
            user.login_id,
            user.name,
            profession_ja(user.profession),
        );
    }
}

fn profession_ja(p: Profession) -> &'static str {
    match p {
        Profession::Physician => "医師",
        Profession::Nurse => "看護師",
        Profession::CareManager => "ケアマネジャー",
        Profession::Pharmacist => "薬剤師",
        Profession::CareWorker => "介護職",
        Profession::Therapist => "理学療法士",
        Profession::SocialWorker => "社会福祉士",
        Profession::Administrative => "事務",
        Profession::Family => "家族",
        _ => "",
    }
}

/// A UUIDv7 whose timestamp is `ms`, so id order and time order agree.
pub(crate) fn v7_at(ms: i64) -> Uuid {
    let ms = u64::try_from(ms).unwrap_or_default();
    Uuid::new_v7(Timestamp::from_unix(
        NoContext,
        ms / 1000,
        (ms % 1000) as u32 * 1_000_000,
    ))
}

/// Post times in Unix ms, in `POSTS` order: day 6 is today in Japan, or yesterday if today's
/// posts would lie in the future, so the week ends about now at plausible hours.
fn post_times(posts: &[DemoPost]) -> anyhow::Result<Vec<i64>> {
    let jst = FixedOffset::east_opt(9 * 3600).context("JST offset")?;
    let now = Utc::now().with_timezone(&jst);
    let parse = |hm: &str| NaiveTime::parse_from_str(hm, "%H:%M").context("demo post time");
    let mut last_day_latest = NaiveTime::MIN;
    for (_, day, hm, _, _) in POSTS {
        if *day == 6 {
            last_day_latest = last_day_latest.max(parse(hm)?);
        }
    }
    let mut last_day = now.date_naive();
    if now.time() < last_day_latest {
        last_day = last_day - Days::new(1);
    }
    posts
        .iter()
        .map(|(_, day, hm, _, _)| {
            let date = last_day - Days::new(6 - day);
            let local = date.and_time(parse(hm)?);
            Ok(jst
                .from_local_datetime(&local)
                .single()
                .context("demo post time")?
                .timestamp_millis())
        })
        .collect()
}

/// Seeds the demo data unless it is there. Returns whether it seeded.
pub async fn seed(db: &Database) -> anyhow::Result<bool> {
    let seeded = store::seed::insert(db, &rows().await?).await?;
    if seeded {
        store::seed::backfill_activity(db).await?;
    }
    Ok(seeded)
}

/// The demo data as rows, ids and times fresh.
async fn rows() -> anyhow::Result<Seed> {
    // One hash (one salt) for all demo accounts: they share the published password anyway,
    // and seeding stays fast.
    let hash = crate::password::hash(DEMO_PASSWORD.to_owned()).await?;
    let times = post_times(POSTS)?;
    let family_times = post_times(FAMILY_POSTS)?;
    let first_post_ms = times
        .iter()
        .copied()
        .min()
        .unwrap_or_else(crate::time::now_ms);
    // Accounts and groups existed well before the week shown.
    let setup_ms = first_post_ms - 30 * 24 * 3600 * 1000;

    let mut seed = Seed {
        marker_login: USERS[0].login_id.to_owned(),
        ..Seed::default()
    };
    let facility_ids: Vec<Uuid> = FACILITIES.iter().map(|_| v7_at(setup_ms)).collect();
    for (facility, id) in FACILITIES.iter().zip(&facility_ids) {
        seed.facilities.push(SeedFacility {
            id: *id,
            name: facility.name.to_owned(),
            name_kana: facility.kana.to_owned(),
            kind: facility.kind.as_str(),
            created_at_ms: setup_ms,
        });
    }

    let user_ids: Vec<Uuid> = USERS.iter().map(|_| v7_at(setup_ms)).collect();
    let user_id = |login: &str| -> anyhow::Result<Uuid> {
        USERS
            .iter()
            .position(|u| u.login_id == login)
            .map(|i| user_ids[i])
            .with_context(|| format!("unknown demo user {login}"))
    };
    for (user, id) in USERS.iter().zip(&user_ids) {
        seed.users.push(SeedUser {
            id: *id,
            login_id: user.login_id.to_owned(),
            password_hash: hash.clone(),
            display_name: user.name.to_owned(),
            display_name_kana: user.kana.to_owned(),
            profession: user.profession.as_str(),
            facility_id: user.facility.map(|f| facility_ids[f]),
            created_at_ms: setup_ms,
            is_operator: user.is_operator,
            is_facility_admin: user.is_facility_admin,
            relationship: user.relationship.map(Relationship::as_str),
        });
    }

    let group_ids: Vec<Uuid> = GROUPS.iter().map(|_| v7_at(setup_ms)).collect();
    for (group, id) in GROUPS.iter().zip(&group_ids) {
        let profile = group.profile.as_ref();
        let direct_key = if group.kind == GroupKind::Direct {
            let mut pair = [user_id(group.members[0].0)?, user_id(group.members[1].0)?];
            pair.sort();
            Some(format!("{}|{}", pair[0].hyphenated(), pair[1].hyphenated()))
        } else {
            None
        };
        seed.groups.push(SeedGroup {
            id: *id,
            kind: group.kind.as_str(),
            name: group.name.to_owned(),
            name_kana: group.kana.map(str::to_owned),
            created_by: user_id(group.members[0].0)?,
            created_at_ms: setup_ms,
            patient_name: profile.map(|p| p.name.to_owned()),
            patient_name_kana: group.kana.filter(|_| profile.is_some()).map(str::to_owned),
            patient_birth_date: profile.map(|p| p.birth_date.to_owned()),
            attending_physician_id: profile.map(|p| user_id(p.physician)).transpose()?,
            care_manager_id: profile.map(|p| user_id(p.care_manager)).transpose()?,
            patient_notes: profile.map_or("", |p| p.notes).to_owned(),
            physician_rule: profile.map(|p| p.rule.as_str()),
            direct_key,
        });
        for (login, role) in group.members {
            seed.members.push(SeedMember {
                group_id: *id,
                user_id: user_id(login)?,
                role: role.as_str(),
                joined_at_ms: setup_ms,
            });
        }
    }

    let timelines = [
        ("care", POSTS, &times),
        ("family", FAMILY_POSTS, &family_times),
    ];
    for (timeline, posts, times) in timelines {
        for ((group, _, _, author, body), ms) in posts.iter().zip(times.iter()) {
            seed.posts.push(SeedPost {
                id: v7_at(*ms),
                group_id: group_ids[*group],
                author_id: user_id(author)?,
                body: (*body).to_owned(),
                created_at_ms: *ms,
                timeline,
            });
        }
    }
    Ok(seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_are_by_members_and_in_time_order_within_each_day() {
        for (group, _, _, author, _) in POSTS.iter().chain(FAMILY_POSTS) {
            assert!(
                GROUPS[*group].members.iter().any(|(m, _)| m == author),
                "{author} is not in {}",
                GROUPS[*group].name
            );
        }
        let times = post_times(POSTS).unwrap();
        let family = post_times(FAMILY_POSTS).unwrap();
        assert!(family.iter().max() <= times.iter().max());
        assert!(*times.iter().max().unwrap() <= Utc::now().timestamp_millis());
        for group in 0..GROUPS.len() {
            let ts: Vec<i64> = POSTS
                .iter()
                .zip(&times)
                .filter(|((g, ..), _)| *g == group)
                .map(|(_, t)| *t)
                .collect();
            assert!(
                ts.windows(2).all(|w| w[0] < w[1]),
                "group {group} out of order"
            );
        }
    }

    #[test]
    fn the_outsider_is_in_no_patient_group() {
        for group in GROUPS.iter().filter(|g| g.kind == GroupKind::Patient) {
            assert!(!group.members.iter().any(|(m, _)| *m == "ns.kobayashi"));
        }
    }
}
