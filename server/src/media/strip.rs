//! Removing metadata (EXIF with its GPS position, XMP, comments, text chunks) from JPEG, PNG and
//! WebP files without re-encoding them: the pixels stay exactly as taken.

/// A JPEG without its APP1 (EXIF, XMP), APP3–APP13 and APP15 segments and comments. Kept: JFIF
/// (APP0), the ICC colour profile (APP2) and Adobe's colour transform (APP14), which decoding
/// needs. `None` if the segment structure is broken.
pub fn jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut at = 2;
    loop {
        // Markers may be preceded by fill bytes.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        if bytes.get(at) != Some(&0xFF) {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        match marker {
            // Start of scan: the entropy-coded data and the rest are copied as they are.
            0xDA => {
                out.extend_from_slice(&bytes[at..]);
                return Some(out);
            }
            0xD9 => {
                out.extend_from_slice(&bytes[at..at + 2]);
                return Some(out);
            }
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&bytes[at..at + 2]);
                at += 2;
            }
            _ => {
                let len = u16::from_be_bytes([*bytes.get(at + 2)?, *bytes.get(at + 3)?]) as usize;
                let end = at + 2 + len;
                let segment = bytes.get(at..end)?;
                let metadata = matches!(marker, 0xE1 | 0xE3..=0xED | 0xEF | 0xFE);
                if !metadata {
                    out.extend_from_slice(segment);
                }
                at = end;
            }
        }
    }
}

/// A PNG without its `eXIf`, `tEXt`, `zTXt`, `iTXt` and `tIME` chunks.
pub fn png(bytes: &[u8]) -> Option<Vec<u8>> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !bytes.starts_with(SIGNATURE) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(SIGNATURE);
    let mut at = SIGNATURE.len();
    while at < bytes.len() {
        let len = u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize;
        let kind = bytes.get(at + 4..at + 8)?;
        let end = at.checked_add(12)?.checked_add(len)?;
        let chunk = bytes.get(at..end)?;
        if !matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME") {
            out.extend_from_slice(chunk);
        }
        at = end;
        if kind == b"IEND" {
            break;
        }
    }
    Some(out)
}

/// A WebP without its `EXIF` and `XMP ` chunks (and their flags in `VP8X`).
pub fn webp(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WEBP" {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[0..12]);
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let kind = &bytes[at..at + 4];
        let len = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().ok()?) as usize;
        let end = (at + 8).checked_add(len + (len & 1))?.min(bytes.len());
        let chunk = bytes.get(at..end)?;
        match kind {
            b"EXIF" | b"XMP " => {}
            b"VP8X" if chunk.len() > 8 => {
                let start = out.len();
                out.extend_from_slice(chunk);
                // Flags: bit 3 EXIF, bit 2 XMP.
                out[start + 8] &= !0b0000_1100;
            }
            _ => out.extend_from_slice(chunk),
        }
        at = end;
    }
    let riff_len = u32::try_from(out.len() - 8).ok()?;
    out[4..8].copy_from_slice(&riff_len.to_le_bytes());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_loses_exif_and_comments_and_keeps_the_rest() {
        let mut jpeg_bytes = vec![0xFF, 0xD8];
        jpeg_bytes.extend_from_slice(&[0xFF, 0xE0, 0, 4, b'J', b'F']);
        jpeg_bytes.extend_from_slice(&[0xFF, 0xE1, 0, 8, b'E', b'x', b'i', b'f', 0, 0]);
        jpeg_bytes.extend_from_slice(&[0xFF, 0xFE, 0, 4, b'h', b'i']);
        jpeg_bytes.extend_from_slice(&[0xFF, 0xDB, 0, 3, 7]);
        jpeg_bytes.extend_from_slice(&[0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]);
        let out = jpeg(&jpeg_bytes).unwrap();
        assert_eq!(
            out,
            [
                0xFF, 0xD8, 0xFF, 0xE0, 0, 4, b'J', b'F', 0xFF, 0xDB, 0, 3, 7, 0xFF, 0xDA, 0, 2, 1,
                2, 3, 0xFF, 0xD9
            ]
        );
        assert!(jpeg(b"not a jpeg").is_none());
        assert!(jpeg(&[0xFF, 0xD8, 0xFF, 0xE1, 0x10]).is_none());
    }

    #[test]
    fn png_loses_text_and_exif_chunks() {
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0; 4]);
            c
        };
        let mut png_bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        png_bytes.extend(chunk(b"IHDR", &[1; 13]));
        png_bytes.extend(chunk(b"eXIf", b"MM\0*"));
        png_bytes.extend(chunk(b"tEXt", b"GPS\0here"));
        png_bytes.extend(chunk(b"IDAT", &[2; 5]));
        png_bytes.extend(chunk(b"IEND", &[]));
        let mut expected = b"\x89PNG\r\n\x1a\n".to_vec();
        expected.extend(chunk(b"IHDR", &[1; 13]));
        expected.extend(chunk(b"IDAT", &[2; 5]));
        expected.extend(chunk(b"IEND", &[]));
        assert_eq!(png(&png_bytes).unwrap(), expected);
    }

    #[test]
    fn webp_loses_exif_and_its_flag() {
        let mut body = b"WEBP".to_vec();
        body.extend_from_slice(b"VP8X");
        body.extend_from_slice(&10u32.to_le_bytes());
        body.extend_from_slice(&[0b0000_1100, 0, 0, 0, 1, 0, 0, 1, 0, 0]);
        body.extend_from_slice(b"EXIF");
        body.extend_from_slice(&3u32.to_le_bytes());
        body.extend_from_slice(&[1, 2, 3, 0]);
        body.extend_from_slice(b"VP8L");
        body.extend_from_slice(&2u32.to_le_bytes());
        body.extend_from_slice(&[9, 9]);
        let mut file = b"RIFF".to_vec();
        file.extend_from_slice(&(body.len() as u32).to_le_bytes());
        file.extend(body);
        let out = webp(&file).unwrap();
        assert!(!out.windows(4).any(|w| w == b"EXIF"));
        assert_eq!(out[20], 0);
        assert_eq!(
            u32::from_le_bytes(out[4..8].try_into().unwrap()) as usize,
            out.len() - 8
        );
        assert!(out.ends_with(b"VP8L\x02\0\0\0\x09\x09"));
    }
}
