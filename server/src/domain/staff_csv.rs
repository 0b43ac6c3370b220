//! A facility's staff list as CSV, read and written the way Japanese facility administrators
//! keep it: in Excel. Pure: the HTTP layer hands in the uploaded bytes and gets back, for each
//! row, either an account to create or the reasons it cannot be; nothing is stored here.
//!
//! Import is [`decode`] then [`parse`]. Excel in Japan saves "CSV" in Shift_JIS (CP932) and
//! "CSV UTF-8" with a byte order mark, so both are read. Rows are checked one by one and every
//! problem of a row is reported with its field and a stable code, so the administrator can fix
//! the sheet in one go; only a file that cannot be read as a staff list at all is an
//! [`ImportError`].
//!
//! Decisions worth knowing:
//! * Row numbers are Excel's: the header is row 1 when it is the first line, a blank line is a
//!   row, and a cell with line breaks in it does not add rows.
//! * Rows may be shorter or longer than the header (other programs drop trailing empty cells):
//!   a missing cell is empty, cells beyond the header are ignored.
//! * Readings are stored in hiragana, as the rest of the app stores `display_name_kana` (the
//!   directory sorts by it): katakana and half-width katakana are converted, runs of spaces
//!   become one space.
//! * [`export`] puts `'` before a cell that Excel would read as a formula, and [`parse`] takes
//!   `'` off again when it comes before such a character, so an exported list imports as it
//!   was. A value that really starts with `'=` loses its `'`; no name or login ID does.

use std::borrow::Cow;

use super::spreadsheet::{formula_guarded, FORMULA_STARTS};
use std::collections::HashMap;

use encoding_rs::SHIFT_JIS;
use tsunagu_api::{kana, Profession, MAX_NAME_CHARS};

/// Largest file accepted, in bytes (1 MiB: a thousand rows of staff take a tenth of it).
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// Most data rows accepted in one file.
pub const MAX_ROWS: usize = 1000;
/// Longest login ID, in characters (as `admin create-operator` and the family join form).
pub const MAX_LOGIN_ID_CHARS: usize = 64;

/// Why a file cannot be read as a staff list at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// More than [`MAX_FILE_BYTES`].
    #[error("the file is larger than {MAX_FILE_BYTES} bytes")]
    TooLarge,
    /// More than [`MAX_ROWS`] data rows.
    #[error("the file has more than {MAX_ROWS} rows")]
    TooManyRows,
    /// Neither UTF-8 nor Shift_JIS (CP932), or it has NUL characters (UTF-16 saved as "Unicode
    /// text" looks like that).
    #[error("the file is neither UTF-8 nor Shift_JIS text")]
    Encoding,
    /// No header row: the file is empty or blank.
    #[error("the file has no header row")]
    Empty,
    /// The header has no column for this field (its wire name).
    #[error("the header has no {0} column")]
    MissingColumn(&'static str),
    /// The header has two columns for this field (its wire name).
    #[error("the header has two {0} columns")]
    DuplicateColumn(&'static str),
    /// The CSV reader refused the text at this line. Not expected (the reader takes rows of
    /// any length and is given text), but a reader error is an answer, not a panic.
    #[error("the file cannot be read as CSV at line {0}")]
    Malformed(usize),
}

impl ImportError {
    /// A stable code for the client to translate.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::TooLarge => "too_large",
            Self::TooManyRows => "too_many_rows",
            Self::Encoding => "encoding",
            Self::Empty => "empty",
            Self::MissingColumn(_) => "missing_column",
            Self::DuplicateColumn(_) => "duplicate_column",
            Self::Malformed(_) => "malformed",
        }
    }
}

/// A column of the staff list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    DisplayName,
    DisplayNameKana,
    Profession,
    LoginId,
}

impl Field {
    /// Every column, in the order [`export`] writes them.
    pub const ALL: [Self; 4] = [
        Self::DisplayName,
        Self::DisplayNameKana,
        Self::Profession,
        Self::LoginId,
    ];

    /// The wire name, as the account's JSON fields are named.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::DisplayName => "display_name",
            Self::DisplayNameKana => "display_name_kana",
            Self::Profession => "profession",
            Self::LoginId => "login_id",
        }
    }

    /// The header [`export`] writes.
    const fn header(self) -> &'static str {
        match self {
            Self::DisplayName => "氏名",
            Self::DisplayNameKana => "ふりがな",
            Self::Profession => "職種",
            Self::LoginId => "ログインID",
        }
    }

    /// Header names read as this column, compared after [`kana::fold`] (so case, width, spaces
    /// and katakana/hiragana do not matter: `フリガナ`, `Login ID`, `ログインＩＤ`).
    const fn header_names(self) -> &'static [&'static str] {
        match self {
            Self::DisplayName => &["氏名", "名前", "name", "display_name"],
            Self::DisplayNameKana => &["ふりがな", "よみがな", "よみ", "kana", "display_name_kana"],
            Self::Profession => &["職種", "profession"],
            Self::LoginId => &["ログインID", "login_id", "login id"],
        }
    }
}

/// Why one row cannot become an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowError {
    /// The cell is empty.
    Missing(Field),
    /// Longer than allowed: [`MAX_NAME_CHARS`] for the name and reading, [`MAX_LOGIN_ID_CHARS`]
    /// for the login ID.
    TooLong(Field),
    /// The name has control characters (a line break within the cell, a tab).
    InvalidCharacters(Field),
    /// The reading has characters other than kana, long vowel marks, `・` and spaces.
    InvalidKana,
    /// Neither a profession's wire name nor a name for it this module knows.
    UnknownProfession,
    /// A profession staff cannot have (`family`).
    NotStaffProfession,
    /// The login ID has spaces or control characters.
    InvalidLoginId,
    /// An earlier row of the file has the same login ID (ignoring ASCII case, as logins do).
    DuplicateInFile {
        /// The row that has it first.
        first_line: usize,
    },
}

impl RowError {
    /// The wire name of the field at fault.
    pub const fn field(&self) -> &'static str {
        match self {
            Self::Missing(f) | Self::TooLong(f) | Self::InvalidCharacters(f) => f.as_str(),
            Self::InvalidKana => Field::DisplayNameKana.as_str(),
            Self::UnknownProfession | Self::NotStaffProfession => Field::Profession.as_str(),
            Self::InvalidLoginId | Self::DuplicateInFile { .. } => Field::LoginId.as_str(),
        }
    }

    /// A stable code for the client to translate.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Missing(_) => "missing",
            Self::TooLong(_) => "too_long",
            Self::InvalidCharacters(_) => "invalid_characters",
            Self::InvalidKana => "invalid_kana",
            Self::UnknownProfession => "unknown_profession",
            Self::NotStaffProfession => "not_staff_profession",
            Self::InvalidLoginId => "invalid_login_id",
            Self::DuplicateInFile { .. } => "duplicate_in_file",
        }
    }
}

/// A staff account to create, as a valid row gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRow {
    /// Trimmed.
    pub display_name: String,
    /// In hiragana, words separated by one space.
    pub display_name_kana: String,
    /// Never `Family`.
    pub profession: Profession,
    /// Trimmed, as typed (not case-folded).
    pub login_id: String,
}

/// One data row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowResult {
    /// The row number Excel shows for it (1-based; the header is row 1 when it is the first
    /// line).
    pub line: usize,
    /// The account, or every problem of the row.
    pub result: Result<StaffRow, Vec<RowError>>,
}

/// One account of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportRow<'a> {
    pub display_name: &'a str,
    pub display_name_kana: &'a str,
    pub profession: Profession,
    pub login_id: &'a str,
    /// Written as 停止中 (else 有効). Import ignores the column: imported accounts are active.
    pub suspended: bool,
}

/// The file's text: UTF-8 (its byte order mark dropped) if the bytes are UTF-8, else Shift_JIS
/// as Excel writes it (CP932, with the NEC and IBM extensions such as ①, ㈱ and 髙).
///
/// Japanese Shift_JIS text is practically never valid UTF-8, so trying UTF-8 first does not
/// misread a Shift_JIS file; pure ASCII reads the same either way.
pub fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge);
    }
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        // A BOM says UTF-8; broken UTF-8 after it is a broken file, not Shift_JIS.
        std::str::from_utf8(rest).map_err(|_| ImportError::Encoding)?
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        text
    } else {
        // The WHATWG Shift_JIS decoder is CP932's: what Windows Excel writes.
        return match SHIFT_JIS.decode_without_bom_handling_and_without_replacement(bytes) {
            Some(text) if !text.contains('\0') => Ok(text.into_owned()),
            _ => Err(ImportError::Encoding),
        };
    };
    if text.contains('\0') {
        return Err(ImportError::Encoding);
    }
    Ok(text.to_owned())
}

/// The data rows of a staff list, each checked.
///
/// The first non-blank row is the header. It names the columns in any order, in Japanese or
/// English (氏名/name, ふりがな/フリガナ/よみ/kana, 職種/profession, ログインID/login_id, or the
/// wire names); other columns, such as 状態 of an export, are ignored. Cells are trimmed and
/// rows whose cells are all empty are skipped.
pub fn parse(text: &str) -> Result<Vec<RowResult>, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = one_line_end(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut lines = Lines::default();
    let mut columns: Option<[usize; 4]> = None;
    let mut first_line_of_login: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(ImportError::Malformed(usize::try_from(line).unwrap_or(0)));
            }
        }
        let line = lines.of(&record, reader.position().line());
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let Some(columns) = columns else {
            columns = Some(header_columns(&record)?);
            continue;
        };
        if rows.len() == MAX_ROWS {
            return Err(ImportError::TooManyRows);
        }
        let at = |field: Field| cell(&record, columns[field as usize]);
        let result = check_row(
            [
                at(Field::DisplayName),
                at(Field::DisplayNameKana),
                at(Field::Profession),
                at(Field::LoginId),
            ],
            line,
            &mut first_line_of_login,
        );
        rows.push(RowResult { line, result });
    }
    if columns.is_none() {
        return Err(ImportError::Empty);
    }
    Ok(rows)
}

/// The staff list as a CSV file Excel in Japan opens as it is: UTF-8 with a byte order mark,
/// CRLF line ends, Japanese headers (氏名,ふりがな,職種,ログインID,状態) and professions as the
/// app labels them, so that [`parse`] reads it back.
pub fn export(rows: &[ExportRow<'_>]) -> Vec<u8> {
    // Five fields a row into a Vec: no I/O to fail and no unequal lengths, so no error to
    // answer with (`expect` as audit_chain.rs serialises).
    write_export(rows).expect("a CSV written into memory")
}

fn write_export(rows: &[ExportRow<'_>]) -> csv::Result<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let header = Field::ALL.map(Field::header);
    writer.write_record(header.iter().chain([&"状態"]))?;
    for row in rows {
        writer.write_record([
            formula_guarded(row.display_name).as_ref(),
            formula_guarded(row.display_name_kana).as_ref(),
            profession_label(row.profession),
            formula_guarded(row.login_id).as_ref(),
            if row.suspended { "停止中" } else { "有効" },
        ])?;
    }
    writer.into_inner().map_err(|e| e.into_error().into())
}

/// `value` without the `'` [`formula_guarded`] adds.
fn formula_unguarded(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => value,
    }
}

/// `text` with CRLF and lone CR (Excel for Mac's "CSV (Macintosh)") as LF: the CSV reader
/// counts lines by LF, and row numbers come from its count.
fn one_line_end(text: &str) -> Cow<'_, str> {
    let mut text = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    // Every record then ends with a line end, which `Lines` counts on.
    if !text.is_empty() && !text.ends_with('\n') {
        text.to_mut().push('\n');
    }
    text
}

/// Excel's row numbers for records read one after another.
#[derive(Default)]
struct Lines {
    /// Line ends inside quoted cells so far: lines of the file that are no row of their own.
    within_cells: u64,
}

impl Lines {
    /// The row of `record`, given the reader's line after reading it (every record ends with a
    /// line end, see [`one_line_end`]; a quote left open to the end of a broken file takes that
    /// line end in, and its row is numbered one early).
    fn of(&mut self, record: &csv::StringRecord, line_after: u64) -> usize {
        let within: u64 = record
            .iter()
            .map(|cell| cell.matches('\n').count() as u64)
            .sum();
        let first_line = line_after.saturating_sub(1 + within);
        let row = first_line.saturating_sub(self.within_cells);
        self.within_cells += within;
        usize::try_from(row).unwrap_or(usize::MAX)
    }
}

/// Which cell holds each field ([`Field`] as index), from the header.
fn header_columns(header: &csv::StringRecord) -> Result<[usize; 4], ImportError> {
    let mut found: [Option<usize>; 4] = [None; 4];
    for (index, name) in header.iter().enumerate() {
        let name = kana::fold(name);
        let field = Field::ALL.into_iter().find(|f| {
            f.header_names()
                .iter()
                .any(|known| kana::fold(known) == name)
        });
        if let Some(field) = field {
            let slot = &mut found[field as usize];
            if slot.is_some() {
                return Err(ImportError::DuplicateColumn(field.as_str()));
            }
            *slot = Some(index);
        }
    }
    let mut columns = [0; 4];
    for field in Field::ALL {
        columns[field as usize] =
            found[field as usize].ok_or(ImportError::MissingColumn(field.as_str()))?;
    }
    Ok(columns)
}

/// A cell trimmed (spaces and full-width spaces) and without the formula guard; empty if the
/// row is shorter.
fn cell(record: &csv::StringRecord, index: usize) -> &str {
    formula_unguarded(record.get(index).unwrap_or("").trim())
}

/// Checks one row's cells (in [`Field::ALL`] order); a valid login ID is remembered in
/// `first_line_of_login` so later rows with it are refused.
fn check_row(
    [name, name_kana, profession, login_id]: [&str; 4],
    line: usize,
    first_line_of_login: &mut HashMap<String, usize>,
) -> Result<StaffRow, Vec<RowError>> {
    let mut errors = Vec::new();
    let display_name = collect(check_name(name), &mut errors);
    let display_name_kana = collect(check_kana(name_kana), &mut errors);
    let profession = collect(check_profession(profession), &mut errors);
    let login_id = check_login_id(login_id).and_then(|id| {
        // Logins tell accounts apart ignoring ASCII case only (SQLite's NOCASE, PostgreSQL's
        // login_key()), so a file does too.
        let key = id.to_ascii_lowercase();
        match first_line_of_login.get(&key) {
            Some(&first_line) => Err(RowError::DuplicateInFile { first_line }),
            None => {
                first_line_of_login.insert(key, line);
                Ok(id)
            }
        }
    });
    let login_id = collect(login_id, &mut errors);
    match (display_name, display_name_kana, profession, login_id) {
        (Some(display_name), Some(display_name_kana), Some(profession), Some(login_id)) => {
            Ok(StaffRow {
                display_name,
                display_name_kana,
                profession,
                login_id,
            })
        }
        _ => Err(errors),
    }
}

/// The value, or `None` with its error added to `errors`.
fn collect<T>(result: Result<T, RowError>, errors: &mut Vec<RowError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

fn check_name(name: &str) -> Result<String, RowError> {
    let field = Field::DisplayName;
    if name.is_empty() {
        Err(RowError::Missing(field))
    } else if name.chars().count() > MAX_NAME_CHARS {
        Err(RowError::TooLong(field))
    } else if name.chars().any(char::is_control) {
        Err(RowError::InvalidCharacters(field))
    } else {
        Ok(name.to_owned())
    }
}

/// The reading in hiragana (see the module documentation).
fn check_kana(name_kana: &str) -> Result<String, RowError> {
    let field = Field::DisplayNameKana;
    if name_kana.is_empty() {
        return Err(RowError::Missing(field));
    }
    let allowed = |c: char| {
        matches!(c,
            // Hiragana with ゔ, small ゕ ゖ, and the iteration marks ゝ ゞ.
            '\u{3041}'..='\u{3096}' | 'ゝ' | 'ゞ'
            // Katakana ァ..ヶ (what `kana` turns into hiragana), ・ and ー.
            | '\u{30A1}'..='\u{30F6}' | '・' | 'ー'
            // Half-width katakana with ･, ｰ and the sound marks.
            | '\u{FF65}'..='\u{FF9F}'
            | ' ' | '\u{3000}')
    };
    if !name_kana.chars().all(allowed) {
        return Err(RowError::InvalidKana);
    }
    let mut words = Vec::new();
    for word in name_kana.split([' ', '\u{3000}']).filter(|w| !w.is_empty()) {
        let word = word.replace('･', "・");
        let (folded, from) = kana::fold_indexed(&word);
        // `fold` drops a half-width sound mark that has no kana to go with (ｱﾞ): refused
        // rather than read as another name.
        if from.iter().map(|r| r.len()).sum::<usize>() != word.len() {
            return Err(RowError::InvalidKana);
        }
        words.push(folded);
    }
    let kana = words.join(" ");
    if !kana.chars().any(|c| matches!(c, '\u{3041}'..='\u{3096}')) {
        return Err(RowError::InvalidKana);
    }
    if kana.chars().count() > MAX_NAME_CHARS {
        return Err(RowError::TooLong(field));
    }
    Ok(kana)
}

fn check_profession(profession: &str) -> Result<Profession, RowError> {
    if profession.is_empty() {
        return Err(RowError::Missing(Field::Profession));
    }
    let name = kana::fold(profession);
    let mut known = Profession::ALL
        .iter()
        .map(|&p| (p.as_str(), p))
        .chain(PROFESSION_NAMES.iter().copied());
    match known.find(|(known, _)| kana::fold(known) == name) {
        Some((_, Profession::Family)) => Err(RowError::NotStaffProfession),
        Some((_, p)) => Ok(p),
        None => Err(RowError::UnknownProfession),
    }
}

/// The login ID rule of `admin create-operator` (non-empty, at most [`MAX_LOGIN_ID_CHARS`], no
/// spaces), and no control characters, which the JSON API refuses as NUL.
fn check_login_id(login_id: &str) -> Result<String, RowError> {
    if login_id.is_empty() {
        Err(RowError::Missing(Field::LoginId))
    } else if login_id.chars().count() > MAX_LOGIN_ID_CHARS {
        Err(RowError::TooLong(Field::LoginId))
    } else if login_id
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        Err(RowError::InvalidLoginId)
    } else {
        Ok(login_id.to_owned())
    }
}

/// The app's Japanese label of `p`: a copy of `profession_label(p, Locale::Ja)` in
/// src/i18n/labels.rs (the web crate, which the server does not link), so that an export reads
/// as the app shows it. A test checks the copy against [`PROFESSION_NAMES`].
pub(crate) const fn profession_label(p: Profession) -> &'static str {
    use Profession::*;
    match p {
        Physician => "医師",
        Dentist => "歯科医師",
        Pharmacist => "薬剤師",
        Nurse => "看護師",
        CareManager => "ケアマネジャー",
        CareWorker => "介護職",
        Therapist => "リハビリ職",
        SocialWorker => "ソーシャルワーカー",
        Administrative => "事務職",
        Family => "家族",
        Other => "その他",
    }
}

/// Names a profession cell may have besides the wire names, compared after [`kana::fold`]: the
/// app's labels in both languages (src/i18n/labels.rs), then job and licence titles Japanese
/// staff lists use for exactly one of the app's professions. Titles that could be either of
/// two (保健師, 助産師, 相談員) are left out: the administrator picks.
const PROFESSION_NAMES: &[(&str, Profession)] = {
    use Profession::*;
    &[
        ("医師", Physician),
        ("Physician", Physician),
        ("歯科医師", Dentist),
        ("Dentist", Dentist),
        ("薬剤師", Pharmacist),
        ("Pharmacist", Pharmacist),
        ("看護師", Nurse),
        ("Nurse", Nurse),
        ("ケアマネジャー", CareManager),
        ("Care manager", CareManager),
        ("介護職", CareWorker),
        ("Care worker", CareWorker),
        ("リハビリ職", Therapist),
        ("Therapist", Therapist),
        ("ソーシャルワーカー", SocialWorker),
        ("Social worker", SocialWorker),
        ("事務職", Administrative),
        ("Administrative staff", Administrative),
        ("家族", Family),
        ("その他", Other),
        // Other titles.
        ("医者", Physician),
        ("Doctor", Physician),
        ("歯科医", Dentist),
        ("歯医者", Dentist),
        ("准看護師", Nurse),
        ("訪問看護師", Nurse),
        ("看護婦", Nurse),
        ("ケアマネージャー", CareManager),
        ("ケアマネ", CareManager),
        ("介護支援専門員", CareManager),
        ("主任介護支援専門員", CareManager),
        ("介護職員", CareWorker),
        ("介護士", CareWorker),
        ("介護福祉士", CareWorker),
        ("訪問介護員", CareWorker),
        ("ホームヘルパー", CareWorker),
        ("ヘルパー", CareWorker),
        ("理学療法士", Therapist),
        ("作業療法士", Therapist),
        ("言語聴覚士", Therapist),
        ("PT", Therapist),
        ("OT", Therapist),
        ("ST", Therapist),
        ("医療ソーシャルワーカー", SocialWorker),
        ("MSW", SocialWorker),
        ("社会福祉士", SocialWorker),
        ("精神保健福祉士", SocialWorker),
        ("事務", Administrative),
        ("事務員", Administrative),
        ("医療事務", Administrative),
    ]
};

#[cfg(test)]
mod tests {
    use super::*;
    use Profession::*;

    const HEADER: &str = "氏名,ふりがな,職種,ログインID";

    fn staff(name: &str, kana: &str, profession: Profession, login_id: &str) -> StaffRow {
        StaffRow {
            display_name: name.to_owned(),
            display_name_kana: kana.to_owned(),
            profession,
            login_id: login_id.to_owned(),
        }
    }

    fn ok(line: usize, row: StaffRow) -> RowResult {
        RowResult {
            line,
            result: Ok(row),
        }
    }

    fn errors(line: usize, errors: &[RowError]) -> RowResult {
        RowResult {
            line,
            result: Err(errors.to_vec()),
        }
    }

    /// The errors of the one data row under the standard header.
    fn row_errors(row: &str) -> Vec<RowError> {
        let rows = parse(&format!("{HEADER}\n{row}\n")).unwrap();
        assert_eq!(rows.len(), 1, "{row}");
        rows[0].result.clone().err().unwrap_or_default()
    }

    fn one_row(row: &str) -> StaffRow {
        let rows = parse(&format!("{HEADER}\n{row}\n")).unwrap();
        assert_eq!(rows.len(), 1, "{row}");
        rows[0].result.clone().unwrap()
    }

    fn yamada() -> StaffRow {
        staff("山田 花子", "やまだ はなこ", Nurse, "yamada")
    }

    #[test]
    fn utf8_with_a_bom_loses_it() {
        let bytes = "\u{feff}氏名,ふりがな\r\n".as_bytes();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
        assert_eq!(decode(bytes).unwrap(), "氏名,ふりがな\r\n");
    }

    #[test]
    fn utf8_without_a_bom_is_read_as_it_is() {
        assert_eq!(decode("氏名,髙橋 ①\n".as_bytes()).unwrap(), "氏名,髙橋 ①\n");
        assert_eq!(decode(b"").unwrap(), "");
    }

    #[test]
    fn shift_jis_as_windows_excel_writes_it() {
        // Written by Python's cp932 codec, not by encoding_rs: 髙 as both Windows' NEC-selected
        // (EE E0) and IBM (FB FC) codes, ① from the NEC row 13.
        let bytes = b"\x8e\x81\x96\xbc,\x82\xd3\x82\xe8\x82\xaa\x82\xc8,\x90E\x8e\xed,\x83\x8d\x83O\x83C\x83\x93ID\r\n\
            \xee\xe0\x8b\xb4 \x87@,\x82\xbd\x82\xa9\x82\xcd\x82\xb5,\x8a\xc5\x8c\xec\x8et,takahashi\r\n\
            \xfb\xfc\x8b\xb4,\x82\xbd\x82\xa9\x82\xcd\x82\xb5,\x8a\xc5\x8c\xec\x8et,takahashi2\r\n";
        let text = decode(bytes).unwrap();
        assert_eq!(
            text,
            "氏名,ふりがな,職種,ログインID\r\n髙橋 ①,たかはし,看護師,takahashi\r\n\
             髙橋,たかはし,看護師,takahashi2\r\n"
        );
        assert_eq!(
            parse(&text).unwrap(),
            [
                ok(2, staff("髙橋 ①", "たかはし", Nurse, "takahashi")),
                ok(3, staff("髙橋", "たかはし", Nurse, "takahashi2")),
            ]
        );
    }

    #[test]
    fn shift_jis_of_every_profession_label() {
        let mut text = format!("{HEADER}\r\n");
        for (i, &p) in Profession::ALL.iter().enumerate() {
            if p != Family {
                text += &format!("㈱ 株主,かぶぬし,{},id{i}\r\n", profession_label(p));
            }
        }
        let (bytes, _, unmappable) = SHIFT_JIS.encode(&text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
        let rows = parse(&decode(&bytes).unwrap()).unwrap();
        let professions: Vec<_> = rows
            .into_iter()
            .map(|r| r.result.unwrap().profession)
            .collect();
        let staff: Vec<_> = Profession::ALL
            .iter()
            .copied()
            .filter(|&p| p != Family)
            .collect();
        assert_eq!(professions, staff);
    }

    #[test]
    fn text_that_is_neither_is_refused() {
        // 0x82 leads a Shift_JIS pair, and a space cannot follow it.
        assert_eq!(decode(b"\x82 ,a\n"), Err(ImportError::Encoding));
        // A BOM says UTF-8: not read as Shift_JIS after it.
        assert_eq!(
            decode(b"\xEF\xBB\xBF\x8a\xc5\x8c\xec\x8e\x74"),
            Err(ImportError::Encoding)
        );
        // UTF-16 with its BOM ("Unicode text"), and without it: NULs.
        assert_eq!(decode(b"\xFF\xFEO\x6c\x0d\x54"), Err(ImportError::Encoding));
        assert_eq!(decode(b"a\0,b\0"), Err(ImportError::Encoding));
        assert_eq!(decode(b"\x8e\x81\0"), Err(ImportError::Encoding));
    }

    #[test]
    fn a_file_over_a_mebibyte_is_refused() {
        let mut bytes = vec![b'a'; MAX_FILE_BYTES];
        assert_eq!(decode(&bytes).map(|t| t.len()), Ok(MAX_FILE_BYTES));
        bytes.push(b'a');
        assert_eq!(decode(&bytes), Err(ImportError::TooLarge));
    }

    #[test]
    fn lf_crlf_and_cr_line_ends_read_the_same() {
        let rows = [
            "山田 花子,やまだ はなこ,看護師,yamada",
            "佐藤 一郎,さとう いちろう,医師,sato",
        ];
        let expected = vec![
            ok(2, yamada()),
            ok(3, staff("佐藤 一郎", "さとう いちろう", Physician, "sato")),
        ];
        for end in ["\n", "\r\n", "\r"] {
            let text = format!("{HEADER}{end}{}{end}{}{end}", rows[0], rows[1]);
            assert_eq!(parse(&text).unwrap(), expected, "{end:?}");
            // Without a line end after the last row too.
            let text = format!("{HEADER}{end}{}{end}{}", rows[0], rows[1]);
            assert_eq!(parse(&text).unwrap(), expected, "{end:?}");
        }
    }

    #[test]
    fn quoted_cells_keep_commas_quotes_and_line_breaks_and_rows_count_as_excel_does() {
        let text = "氏名,ふりがな,職種,ログインID,備考\r\n\
            \"山田, 花子\",やまだ はなこ,看護師,yamada,\"一行目\r\n二行目\r\n三行目\"\r\n\
            \"佐藤 \"\"一郎\"\"\",さとう いちろう,医師,sato,\r\n\
            \"鈴木\n次郎\",すずき じろう,医師,suzuki,\r\n\
            田中 三郎,たなか さぶろう,薬剤師,tanaka,\r\n";
        assert_eq!(
            parse(text).unwrap(),
            [
                ok(2, staff("山田, 花子", "やまだ はなこ", Nurse, "yamada")),
                ok(
                    3,
                    staff("佐藤 \"一郎\"", "さとう いちろう", Physician, "sato")
                ),
                errors(4, &[RowError::InvalidCharacters(Field::DisplayName)]),
                ok(
                    5,
                    staff("田中 三郎", "たなか さぶろう", Pharmacist, "tanaka")
                ),
            ]
        );
    }

    #[test]
    fn english_headers_in_any_order_and_other_columns_are_ignored() {
        let text = "Login ID,Staff number,Profession,NAME,Kana,State\n\
                    yamada,0012,nurse,山田 花子,ヤマダ ハナコ,停止中\n\
                    sato,0013,care_manager,佐藤 一郎,さとう いちろう,\n";
        assert_eq!(
            parse(text).unwrap(),
            [
                ok(2, yamada()),
                ok(
                    3,
                    staff("佐藤 一郎", "さとう いちろう", CareManager, "sato")
                ),
            ]
        );
        // Wire names, katakana, half-width and full-width forms of the headers.
        let text = "ｆｕｒｉｇａｎａ,display_name_kana,login_id,profession,display_name\n\
                    x,やまだ はなこ,yamada,看護師,山田 花子\n";
        assert_eq!(parse(text).unwrap(), [ok(2, yamada())]);
        let text = "ﾌﾘｶﾞﾅ,ログインＩＤ,職種,名前\nやまだ はなこ,yamada,看護師,山田 花子\n";
        assert_eq!(parse(text).unwrap(), [ok(2, yamada())]);
        let text = "よみ,login id,職種,氏名\nやまだ はなこ,yamada,看護師,山田 花子\n";
        assert_eq!(parse(text).unwrap(), [ok(2, yamada())]);
    }

    #[test]
    fn a_header_without_a_column_or_with_one_twice_is_refused() {
        let missing = [
            ("ふりがな,職種,ログインID", "display_name"),
            ("氏名,職種,ログインID", "display_name_kana"),
            ("氏名,ふりがな,ログインID", "profession"),
            ("氏名,ふりがな,職種", "login_id"),
            // A data row where the header should be.
            ("山田 花子,やまだ はなこ,看護師,yamada", "display_name"),
        ];
        for (header, column) in missing {
            let text = format!("{header}\n山田 花子,やまだ はなこ,看護師,yamada\n");
            assert_eq!(
                parse(&text),
                Err(ImportError::MissingColumn(column)),
                "{header}"
            );
        }
        assert_eq!(
            parse("氏名,ふりがな,職種,ログインID,name\n"),
            Err(ImportError::DuplicateColumn("display_name"))
        );
        assert_eq!(
            parse("氏名,ふりがな,フリガナ,職種,ログインID\n"),
            Err(ImportError::DuplicateColumn("display_name_kana"))
        );
    }

    #[test]
    fn a_file_without_a_header_is_empty() {
        for text in ["", "\u{feff}", "\r\n\r\n", " , ,\n,,,\n"] {
            assert_eq!(parse(text), Err(ImportError::Empty), "{text:?}");
        }
        // A header alone is a list of no one.
        assert_eq!(parse(&format!("{HEADER}\r\n")), Ok(vec![]));
    }

    #[test]
    fn blank_lines_are_skipped_but_keep_excel_row_numbers() {
        let text = format!(
            "\n{HEADER}\n\n山田 花子,やまだ はなこ,看護師,yamada\n,,,\n　, ,\n\
             佐藤 一郎,さとう いちろう,医師,sato\n\n\n\n"
        );
        let lines: Vec<_> = parse(&text).unwrap().iter().map(|r| r.line).collect();
        assert_eq!(lines, [4, 7]);
    }

    #[test]
    fn cells_are_trimmed_and_short_rows_are_padded() {
        assert_eq!(
            one_row(" 山田 花子　,\tやまだ はなこ , 看護師 ,  yamada "),
            yamada()
        );
        assert_eq!(
            row_errors("山田 花子,やまだ はなこ"),
            [
                RowError::Missing(Field::Profession),
                RowError::Missing(Field::LoginId)
            ]
        );
        // A longer row's extra cells are ignored.
        assert_eq!(
            one_row("山田 花子,やまだ はなこ,看護師,yamada,x,y"),
            yamada()
        );
    }

    #[test]
    fn every_problem_of_a_row_is_reported_with_its_field_and_code() {
        let skipped = parse(&format!("{HEADER}\n,,,\n")).unwrap();
        assert!(
            skipped.is_empty(),
            "an all-empty row is skipped, not refused"
        );
        let all = row_errors(" ,漢字,家族,a b");
        assert_eq!(
            all,
            [
                RowError::Missing(Field::DisplayName),
                RowError::InvalidKana,
                RowError::NotStaffProfession,
                RowError::InvalidLoginId,
            ]
        );
        let described: Vec<_> = all.iter().map(|e| (e.field(), e.code())).collect();
        assert_eq!(
            described,
            [
                ("display_name", "missing"),
                ("display_name_kana", "invalid_kana"),
                ("profession", "not_staff_profession"),
                ("login_id", "invalid_login_id"),
            ]
        );
        assert_eq!(
            row_errors("山田 花子,,,yamada"),
            [
                RowError::Missing(Field::DisplayNameKana),
                RowError::Missing(Field::Profession)
            ]
        );
        assert_eq!(
            row_errors("山田 花子,やまだ,宇宙飛行士,"),
            [
                RowError::UnknownProfession,
                RowError::Missing(Field::LoginId)
            ]
        );
        let codes: Vec<_> = [
            RowError::TooLong(Field::DisplayName),
            RowError::InvalidCharacters(Field::DisplayName),
            RowError::DuplicateInFile { first_line: 2 },
        ]
        .iter()
        .map(|e| (e.field(), e.code()))
        .collect();
        assert_eq!(
            codes,
            [
                ("display_name", "too_long"),
                ("display_name", "invalid_characters"),
                ("login_id", "duplicate_in_file"),
            ]
        );
    }

    #[test]
    fn names_readings_and_login_ids_have_a_length_limit() {
        let name = "山".repeat(MAX_NAME_CHARS);
        assert_eq!(
            one_row(&format!("{name},やまだ,看護師,a")).display_name,
            name
        );
        assert_eq!(
            row_errors(&format!("{name}山,やまだ,看護師,a")),
            [RowError::TooLong(Field::DisplayName)]
        );
        let kana = "あ".repeat(MAX_NAME_CHARS);
        assert_eq!(
            one_row(&format!("山田,{kana},看護師,a")).display_name_kana,
            kana
        );
        assert_eq!(
            row_errors(&format!("山田,{kana}あ,看護師,a")),
            [RowError::TooLong(Field::DisplayNameKana)]
        );
        // Counted after conversion: ｶﾞ is one character, が.
        let half = "ｶﾞ".repeat(MAX_NAME_CHARS);
        assert_eq!(
            one_row(&format!("山田,{half},看護師,a")).display_name_kana,
            "が".repeat(MAX_NAME_CHARS)
        );
        let id = "a".repeat(MAX_LOGIN_ID_CHARS);
        assert_eq!(one_row(&format!("山田,やまだ,看護師,{id}")).login_id, id);
        assert_eq!(
            row_errors(&format!("山田,やまだ,看護師,{id}b")),
            [RowError::TooLong(Field::LoginId)]
        );
    }

    #[test]
    fn names_and_login_ids_have_no_control_characters_or_inner_spaces() {
        assert_eq!(
            row_errors("\"山田\t花子\",やまだ,看護師,a"),
            [RowError::InvalidCharacters(Field::DisplayName)]
        );
        assert_eq!(
            row_errors("山田\u{7}花子,やまだ,看護師,a"),
            [RowError::InvalidCharacters(Field::DisplayName)]
        );
        for id in ["yama da", "yama　da", "\"yama\nda\"", "yama\u{1b}da"] {
            assert_eq!(
                row_errors(&format!("山田,やまだ,看護師,{id}")),
                [RowError::InvalidLoginId],
                "{id:?}"
            );
        }
        // Anything else is the existing rule's business: symbols and non-ASCII pass.
        assert_eq!(
            one_row("山田,やまだ,看護師,山田.花子+1@x").login_id,
            "山田.花子+1@x"
        );
    }

    #[test]
    fn readings_are_stored_in_hiragana() {
        let kana = |cell: &str| one_row(&format!("山田,{cell},看護師,a")).display_name_kana;
        assert_eq!(kana("ヤマダ ハナコ"), "やまだ はなこ");
        assert_eq!(kana("ﾔﾏﾀﾞ ﾊﾅｺ"), "やまだ はなこ");
        assert_eq!(kana("やまだ　　はなこ"), "やまだ はなこ");
        assert_eq!(kana("ヴォーン･ｽﾐｽ"), "ゔぉーん・すみす");
        assert_eq!(kana("ｳﾞｪﾙﾃﾙ ﾎﾟｰﾙ"), "ゔぇるてる ぽーる");
        assert_eq!(kana("さゝき"), "さゝき");
        for bad in [
            "山田",
            "yamada",
            "ＹＡＭＡＤＡ",
            "やまだ1",
            "やまだ、はなこ",
            "ｱﾞ",
            "ーー",
            "・",
        ] {
            assert_eq!(
                row_errors(&format!("山田,{bad},看護師,a")),
                [RowError::InvalidKana],
                "{bad}"
            );
        }
    }

    #[test]
    fn professions_by_wire_name_label_and_common_title() {
        let profession = |cell: &str| one_row(&format!("山田,やまだ,{cell},a")).profession;
        for &p in Profession::ALL.iter().filter(|&&p| p != Family) {
            assert_eq!(profession(p.as_str()), p);
            assert_eq!(profession(profession_label(p)), p);
        }
        assert_eq!(profession("NURSE"), Nurse);
        assert_eq!(profession("Care Manager"), CareManager);
        assert_eq!(profession("Administrative staff"), Administrative);
        assert_eq!(profession("ケアマネージャー"), CareManager);
        assert_eq!(profession("ｹｱﾏﾈｰｼﾞｬｰ"), CareManager);
        assert_eq!(profession("介護支援専門員"), CareManager);
        assert_eq!(profession("訪問看護師"), Nurse);
        assert_eq!(profession("ＰＴ"), Therapist);
        assert_eq!(profession("理学療法士"), Therapist);
        assert_eq!(profession("介護福祉士"), CareWorker);
        for bad in ["保健師", "助産師", "相談員", "nurses", "看護"] {
            assert_eq!(
                row_errors(&format!("山田,やまだ,{bad},a")),
                [RowError::UnknownProfession],
                "{bad}"
            );
        }
        for family in ["family", "Family", "家族"] {
            assert_eq!(
                row_errors(&format!("山田,やまだ,{family},a")),
                [RowError::NotStaffProfession],
                "{family}"
            );
        }
    }

    #[test]
    fn each_profession_name_means_one_profession() {
        let mut seen: HashMap<String, Profession> = HashMap::new();
        let wire = Profession::ALL.iter().map(|&p| (p.as_str(), p));
        for (name, p) in wire.chain(PROFESSION_NAMES.iter().copied()) {
            let folded = kana::fold(name);
            if let Some(&before) = seen.get(&folded) {
                assert_eq!(before, p, "{name} means two professions");
            }
            seen.insert(folded, p);
        }
        for &p in Profession::ALL {
            assert!(
                PROFESSION_NAMES.contains(&(profession_label(p), p)),
                "{p:?}'s label is read as it"
            );
        }
    }

    #[test]
    fn a_login_id_twice_in_the_file_is_refused_on_the_later_rows() {
        let text = format!(
            "{HEADER}\n山田 花子,やまだ はなこ,看護師,Yamada\n\
             ,やまだ,看護師,sato\n\
             山田 太郎,やまだ たろう,医師,yamada\n\
             佐藤,さとう,医師,SATO\n\
             山田 次郎,やまだ じろう,医師,YAMADA\n\
             山田 三郎,やまだ さぶろう,医師,ｙａｍａｄａ\n"
        );
        let rows = parse(&text).unwrap();
        assert_eq!(
            rows,
            [
                ok(2, staff("山田 花子", "やまだ はなこ", Nurse, "Yamada")),
                // Refused for its name, but its login ID is still taken in the file.
                errors(3, &[RowError::Missing(Field::DisplayName)]),
                errors(4, &[RowError::DuplicateInFile { first_line: 2 }]),
                errors(5, &[RowError::DuplicateInFile { first_line: 3 }]),
                errors(6, &[RowError::DuplicateInFile { first_line: 2 }]),
                // Full-width letters are other characters to logins (NOCASE folds A-Z only).
                ok(
                    7,
                    staff("山田 三郎", "やまだ さぶろう", Physician, "ｙａｍａｄａ")
                ),
            ]
        );
    }

    #[test]
    fn more_than_a_thousand_rows_is_refused_but_blank_rows_do_not_count() {
        let mut text = format!("{HEADER}\n");
        for i in 0..MAX_ROWS {
            text += &format!("山田,やまだ,看護師,id{i}\n,,,\n");
        }
        let rows = parse(&text).unwrap();
        assert_eq!(rows.len(), MAX_ROWS);
        assert_eq!(rows[MAX_ROWS - 1].line, 2 * MAX_ROWS);
        assert!(rows.iter().all(|r| r.result.is_ok()));
        text += "山田,やまだ,看護師,one_more\n";
        assert_eq!(parse(&text), Err(ImportError::TooManyRows));
    }

    fn export_rows() -> Vec<ExportRow<'static>> {
        vec![
            ExportRow {
                display_name: "山田 花子",
                display_name_kana: "やまだ はなこ",
                profession: Nurse,
                login_id: "yamada",
                suspended: false,
            },
            ExportRow {
                display_name: "髙橋, \"ケン\" ①",
                display_name_kana: "たかはし けん",
                profession: CareManager,
                login_id: "-takahashi",
                suspended: true,
            },
            ExportRow {
                display_name: "=HYPERLINK(\"http://evil.example\",\"x\")",
                display_name_kana: "いこーる",
                profession: Therapist,
                login_id: "@sum",
                suspended: false,
            },
        ]
    }

    #[test]
    fn an_export_is_utf8_with_a_bom_crlf_and_japanese_headers() {
        let bytes = export(&export_rows());
        let text = std::str::from_utf8(&bytes).unwrap();
        assert_eq!(
            text,
            "\u{feff}氏名,ふりがな,職種,ログインID,状態\r\n\
             山田 花子,やまだ はなこ,看護師,yamada,有効\r\n\
             \"髙橋, \"\"ケン\"\" ①\",たかはし けん,ケアマネジャー,'-takahashi,停止中\r\n\
             \"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",いこーる,リハビリ職,'@sum,有効\r\n"
        );
        assert_eq!(
            export(&[]),
            "\u{feff}氏名,ふりがな,職種,ログインID,状態\r\n".as_bytes()
        );
    }

    #[test]
    fn an_export_imports_as_it_was() {
        let exported = export_rows();
        let rows = parse(&decode(&export(&exported)).unwrap()).unwrap();
        let expected: Vec<_> = exported
            .iter()
            .zip(2..)
            .map(|(e, line)| {
                ok(
                    line,
                    staff(
                        e.display_name,
                        e.display_name_kana,
                        e.profession,
                        e.login_id,
                    ),
                )
            })
            .collect();
        assert_eq!(rows, expected);
    }

    #[test]
    fn cells_excel_would_run_as_formulas_are_quoted_with_an_apostrophe() {
        for value in [
            "=1+1", "+81 3", "-1", "@SUM(A1)", "\tx", "\rx", "＝1", "＋1", "－1", "＠x",
        ] {
            let guarded = formula_guarded(value);
            assert_eq!(guarded, format!("'{value}"), "{value:?}");
            assert_eq!(formula_unguarded(&guarded), value, "{value:?}");
        }
        for value in ["山田", "1-2", "a=b", "'t Hooft", "", " =x"] {
            assert_eq!(formula_guarded(value), value, "{value:?}");
            assert_eq!(formula_unguarded(value), value, "{value:?}");
        }
        // Importing strips the apostrophe (before such a character only).
        assert_eq!(
            one_row("'-山田,やまだ,看護師,'+yamada"),
            staff("-山田", "やまだ", Nurse, "+yamada")
        );
        assert_eq!(one_row("'t Hooft,やまだ,看護師,a").display_name, "'t Hooft");
        // Even a formula in a file uploaded as it is stays text in the account, and an export
        // guards it again.
        let row = one_row("=cmd|' /C calc'!A0,やまだ,看護師,a");
        assert_eq!(row.display_name, "=cmd|' /C calc'!A0");
    }

    #[test]
    fn import_errors_have_stable_codes() {
        let codes: Vec<_> = [
            ImportError::TooLarge,
            ImportError::TooManyRows,
            ImportError::Encoding,
            ImportError::Empty,
            ImportError::MissingColumn("login_id"),
            ImportError::DuplicateColumn("login_id"),
            ImportError::Malformed(3),
        ]
        .iter()
        .map(ImportError::code)
        .collect();
        assert_eq!(
            codes,
            [
                "too_large",
                "too_many_rows",
                "encoding",
                "empty",
                "missing_column",
                "duplicate_column",
                "malformed"
            ]
        );
        assert_eq!(
            ImportError::MissingColumn("login_id").to_string(),
            "the header has no login_id column"
        );
    }
}
