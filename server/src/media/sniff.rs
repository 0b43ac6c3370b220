//! What a file is, from its bytes (never its name): the types `tsunagu_api::MediaKind` lists,
//! and nothing else.

use std::io::{Read, Seek, SeekFrom};

use tsunagu_api::MediaKind;

/// A recognised file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    pub kind: MediaKind,
    pub content_type: &'static str,
    /// For images the server decodes: which decoder.
    pub image: Option<image::ImageFormat>,
}

const fn of(kind: MediaKind, content_type: &'static str) -> Sniffed {
    Sniffed {
        kind,
        content_type,
        image: None,
    }
}

const fn image(content_type: &'static str, format: image::ImageFormat) -> Sniffed {
    Sniffed {
        kind: MediaKind::Image,
        content_type,
        image: Some(format),
    }
}

/// The type of a file from its first bytes (at least 64 when the file has them); `None` when
/// only more of the file can tell (ZIP and OLE containers, see [`sniff_file`]) or it is nothing
/// we take.
pub fn sniff_head(head: &[u8]) -> Option<Sniffed> {
    use image::ImageFormat;
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Some(image("image/jpeg", ImageFormat::Jpeg));
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Some(image("image/png", ImageFormat::Png));
    }
    if head.len() >= 12 && starts(b"RIFF") {
        return match &head[8..12] {
            b"WEBP" => Some(image("image/webp", ImageFormat::WebP)),
            b"WAVE" => Some(of(MediaKind::Audio, "audio/wav")),
            _ => None,
        };
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return match &head[8..12] {
            // HEIC/HEIF: browsers cannot show it; kept as a document to download.
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"hevm" | b"hevs"
            | b"mif1" | b"msf1" => Some(of(MediaKind::Document, "image/heic")),
            b"M4A " | b"M4B " | b"M4P " => Some(of(MediaKind::Audio, "audio/mp4")),
            b"qt  " => Some(of(MediaKind::Video, "video/quicktime")),
            b"avif" | b"avis" | b"crx " => None,
            _ => Some(of(MediaKind::Video, "video/mp4")),
        };
    }
    if starts(&[0x1A, 0x45, 0xDF, 0xA3]) {
        // EBML: WebM names its doc type early; other Matroska files are not taken.
        return head
            .windows(4)
            .any(|w| w == b"webm")
            .then_some(of(MediaKind::Video, "video/webm"));
    }
    if starts(b"OggS") {
        return Some(of(MediaKind::Audio, "audio/ogg"));
    }
    if starts(b"ID3") {
        return Some(of(MediaKind::Audio, "audio/mpeg"));
    }
    if head.len() >= 2 && head[0] == 0xFF && head[1] & 0xF6 == 0xF0 {
        return Some(of(MediaKind::Audio, "audio/aac"));
    }
    if head.len() >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0 && head[1] & 0x06 != 0 {
        return Some(of(MediaKind::Audio, "audio/mpeg"));
    }
    if starts(b"%PDF-") {
        return Some(of(MediaKind::Document, "application/pdf"));
    }
    None
}

const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The type of the file at `file` (of `size` bytes): its head, then for ZIP its central
/// directory (an Office Open XML package names `[Content_Types].xml` and `word/`, `xl/` or
/// `ppt/`), for OLE its directory's stream names (old Word, Excel, PowerPoint). A plain ZIP,
/// an executable or anything else is `None`. Reads at most `max_container` bytes of an OLE file.
pub fn sniff_file<F: Read + Seek>(
    file: &mut F,
    size: u64,
    max_container: u64,
) -> std::io::Result<Option<Sniffed>> {
    let mut head = vec![0; 64.min(size) as usize];
    file.seek(SeekFrom::Start(0))?;
    file.read_exact(&mut head)?;
    if let Some(found) = sniff_head(&head) {
        return Ok(Some(found));
    }
    if head.starts_with(ZIP) {
        return Ok(office_zip(file, size)?.map(|t| of(MediaKind::Document, t)));
    }
    if head.starts_with(OLE) && size <= max_container {
        let mut all = Vec::with_capacity(size as usize);
        file.seek(SeekFrom::Start(0))?;
        file.take(size).read_to_end(&mut all)?;
        return Ok(office_ole(&all).map(|t| of(MediaKind::Document, t)));
    }
    Ok(None)
}

fn u16_le(b: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?) as usize)
}

fn u32_le(b: &[u8], at: usize) -> Option<u64> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?) as u64)
}

/// The entry names of a ZIP's central directory (found through the end record in its last
/// 64 KiB), and what Office package they make.
fn office_zip<F: Read + Seek>(file: &mut F, size: u64) -> std::io::Result<Option<&'static str>> {
    let tail_len = size.min(65_557);
    let mut tail = vec![0; tail_len as usize];
    file.seek(SeekFrom::Start(size - tail_len))?;
    file.read_exact(&mut tail)?;
    let Some(end) = tail.windows(4).rposition(|w| w == b"PK\x05\x06") else {
        return Ok(None);
    };
    let (Some(cd_size), Some(cd_offset)) = (u32_le(&tail, end + 12), u32_le(&tail, end + 16))
    else {
        return Ok(None);
    };
    if cd_offset.saturating_add(cd_size) > size || cd_size > 16 * 1024 * 1024 {
        return Ok(None);
    }
    let mut cd = vec![0; cd_size as usize];
    file.seek(SeekFrom::Start(cd_offset))?;
    file.read_exact(&mut cd)?;
    let mut names = Vec::new();
    let mut at = 0;
    while cd.get(at..at + 4) == Some(b"PK\x01\x02") {
        let (Some(name_len), Some(extra), Some(comment)) = (
            u16_le(&cd, at + 28),
            u16_le(&cd, at + 30),
            u16_le(&cd, at + 32),
        ) else {
            break;
        };
        let Some(name) = cd.get(at + 46..at + 46 + name_len) else {
            break;
        };
        names.push(name.to_vec());
        at += 46 + name_len + extra + comment;
    }
    Ok(office_package(&names))
}

/// The Office Open XML type of a package with these entry names.
pub fn office_package(names: &[Vec<u8>]) -> Option<&'static str> {
    if !names.iter().any(|n| n == b"[Content_Types].xml") {
        return None;
    }
    let has = |prefix: &[u8]| names.iter().any(|n| n.starts_with(prefix));
    if has(b"word/") {
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    } else if has(b"xl/") {
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    } else if has(b"ppt/") {
        Some("application/vnd.openxmlformats-officedocument.presentationml.presentation")
    } else {
        None
    }
}

/// An old Office file by the UTF-16 name of its main stream.
pub fn office_ole(bytes: &[u8]) -> Option<&'static str> {
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let contains = |s: &str| {
        let needle = utf16(s);
        bytes.windows(needle.len()).any(|w| w == needle)
    };
    if contains("WordDocument") {
        Some("application/msword")
    } else if contains("Workbook") {
        Some("application/vnd.ms-excel")
    } else if contains("PowerPoint Document") {
        Some("application/vnd.ms-powerpoint")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn kind(bytes: &[u8]) -> Option<&'static str> {
        let mut cursor = Cursor::new(bytes.to_vec());
        sniff_file(&mut cursor, bytes.len() as u64, 1 << 20)
            .unwrap()
            .map(|s| s.content_type)
    }

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(kind(b"\xFF\xD8\xFF\xE0\0\x10JFIF"), Some("image/jpeg"));
        assert_eq!(kind(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(kind(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(kind(b"RIFF\0\0\0\0WAVEfmt "), Some("audio/wav"));
        assert_eq!(kind(b"\0\0\0\x18ftypheic\0\0\0\0"), Some("image/heic"));
        assert_eq!(kind(b"\0\0\0\x18ftypisom\0\0\0\0"), Some("video/mp4"));
        assert_eq!(kind(b"\0\0\0\x14ftypqt  \0\0\0\0"), Some("video/quicktime"));
        assert_eq!(kind(b"\0\0\0\x18ftypM4A \0\0\0\0"), Some("audio/mp4"));
        assert_eq!(
            kind(b"\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\x82\x84webm"),
            Some("video/webm")
        );
        assert_eq!(kind(b"OggS\0\x02"), Some("audio/ogg"));
        assert_eq!(kind(b"ID3\x04\0\0"), Some("audio/mpeg"));
        assert_eq!(kind(b"%PDF-1.7\n"), Some("application/pdf"));
        // Executables, scripts, plain ZIPs and text are nothing we take.
        assert_eq!(kind(b"MZ\x90\0\x03\0\0\0"), None);
        assert_eq!(kind(b"#!/bin/sh\n"), None);
        assert_eq!(kind(b"hello"), None);
        assert_eq!(kind(b""), None);
    }

    /// A ZIP with these entries, stored (no compression).
    pub fn zip_with(names: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for name in names {
            let offset = out.len() as u32;
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&[0; 8]);
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&[0; 24]);
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_offset = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06");
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&(names.len() as u16).to_le_bytes());
        out.extend_from_slice(&(names.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn office_packages_are_told_from_other_zips() {
        assert_eq!(
            kind(&zip_with(&["[Content_Types].xml", "word/document.xml"])),
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        );
        assert_eq!(
            kind(&zip_with(&["[Content_Types].xml", "xl/workbook.xml"])),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
        assert_eq!(kind(&zip_with(&["evil.exe"])), None);
        assert_eq!(kind(&zip_with(&["word/document.xml"])), None);
    }

    #[test]
    fn old_office_files_by_their_stream_names() {
        let mut doc = OLE.to_vec();
        doc.extend(vec![0; 100]);
        doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(kind(&doc), Some("application/msword"));
        let mut other = OLE.to_vec();
        other.extend(vec![0; 100]);
        assert_eq!(kind(&other), None);
    }
}
