//! A camera's EXIF for the media tests, shared by the browser tests (`tests/media_web.rs`) and
//! the end-to-end tests (`tests/support/media.rs`): a segment with an orientation and a GPS
//! position, and the checks that a JPEG lost it.
#![allow(dead_code)]

/// An APP1 EXIF segment (big-endian TIFF): IFD0 with Orientation = `orientation` and a GPS IFD
/// holding a latitude reference and a latitude (35° 41' N: Tokyo).
pub fn exif_segment(orientation: u16) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(b"MM\0\x2a\0\0\0\x08");
    // IFD0 at 8: two entries.
    t.extend_from_slice(&2u16.to_be_bytes());
    t.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    t.extend_from_slice(&orientation.to_be_bytes());
    t.extend_from_slice(&[0, 0]);
    let gps_ifd: u32 = 8 + 2 + 2 * 12 + 4;
    t.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1]);
    t.extend_from_slice(&gps_ifd.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    // GPS IFD: LatitudeRef "N", Latitude 3 rationals.
    assert_eq!(t.len() as u32, gps_ifd);
    t.extend_from_slice(&2u16.to_be_bytes());
    t.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    let rationals: u32 = gps_ifd + 2 + 2 * 12 + 4;
    t.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3]);
    t.extend_from_slice(&rationals.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    for (n, d) in [(35u32, 1u32), (41, 1), (2280, 100)] {
        t.extend_from_slice(&n.to_be_bytes());
        t.extend_from_slice(&d.to_be_bytes());
    }
    let mut seg = vec![0xff, 0xe1];
    let len = (2 + 6 + t.len()) as u16;
    seg.extend_from_slice(&len.to_be_bytes());
    seg.extend_from_slice(b"Exif\0\0");
    seg.extend_from_slice(&t);
    seg
}

/// `jpeg` with the EXIF segment right after its start-of-image marker.
pub fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xff, 0xd8]);
    let mut out = jpeg[..2].to_vec();
    out.extend(exif_segment(orientation));
    out.extend_from_slice(&jpeg[2..]);
    out
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Whether a JPEG has an APP1 segment (EXIF or XMP): walks the segments before the scan.
pub fn has_app1(jpeg: &[u8]) -> bool {
    let mut i = 2;
    while i + 4 <= jpeg.len() && jpeg[i] == 0xff {
        let marker = jpeg[i + 1];
        if marker == 0xe1 {
            return true;
        }
        if marker == 0xda {
            return false;
        }
        let len = u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]) as usize;
        i += 2 + len;
    }
    false
}
