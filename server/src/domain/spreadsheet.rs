//! Writing a table as a CSV file that Excel in Japan opens as it is (UTF-8 with a byte order
//! mark, CRLF), with every cell a spreadsheet would run as a formula made plain text.

use std::borrow::Cow;

/// Characters that make Excel (and other spreadsheets) read a cell as a formula, OWASP's list.
/// The full-width signs are there too in case a Japanese Excel reads them as the ASCII ones;
/// quoting them costs a `'` in a name nobody has.
pub const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// `value` with a `'` before it if a spreadsheet would read it as a formula.
pub fn formula_guarded(value: &str) -> Cow<'_, str> {
    if value.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// `header` and `rows` as such a file.
pub fn write_sheet(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    // Cells into a Vec: no I/O to fail, so no error to answer with.
    sheet(header, rows).expect("a CSV written into memory")
}

fn sheet(header: &[&str], rows: &[Vec<String>]) -> csv::Result<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(
            row.iter()
                .map(|c| formula_guarded(c))
                .collect::<Vec<_>>()
                .iter()
                .map(|c| c.as_ref()),
        )?;
    }
    writer.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_has_a_bom_crlf_and_no_formulas() {
        let file = write_sheet(&["a", "b"], &[vec!["=1+1".into(), "x,y".into()]]);
        assert_eq!(file, "\u{feff}a,b\r\n'=1+1,\"x,y\"\r\n".as_bytes());
    }
}
