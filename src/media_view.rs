//! Pure logic of how attachments are shown: the space a photo or video reserves in the
//! timeline, the grid of several photos, file sizes and type names on document cards, stepping
//! through a post's photos in the viewer (keys and swipes), the media view's pages and the
//! choice of two photos to compare. No browser types, so all of it has native tests.

use tsunagu_api::{Attachment, MediaItem, MediaKind};
use uuid::Uuid;

/// The box (CSS pixels) a lone photo or a video may take in a timeline post.
pub const SINGLE_MAX: (u32, u32) = (360, 270);

/// Aspect ratio assumed for a file whose pixels the server did not report (4:3, a phone photo).
const FALLBACK: (u32, u32) = (4, 3);

/// The width and height (CSS pixels) that `w`×`h` pixels take when scaled to fit in
/// `max_w`×`max_h`, keeping the aspect ratio and never enlarging. The post sets them on the
/// element before the file arrives, so the row has its final height when the virtualised list
/// measures it and nothing below jumps when the photo loads. Unknown sizes take a 4:3 box.
pub fn fit_box(w: Option<u32>, h: Option<u32>, max_w: u32, max_h: u32) -> (u32, u32) {
    let (w, h) = match (w, h) {
        (Some(w), Some(h)) if w > 0 && h > 0 => (u64::from(w), u64::from(h)),
        _ => {
            let (fw, fh) = FALLBACK;
            // As large as the box allows.
            let scale_w = u64::from(max_w) * u64::from(fh);
            let scale_h = u64::from(max_h) * u64::from(fw);
            if scale_w <= scale_h {
                (
                    u64::from(max_w),
                    u64::from(max_w) * u64::from(fh) / u64::from(fw),
                )
            } else {
                (
                    u64::from(max_h) * u64::from(fw) / u64::from(fh),
                    u64::from(max_h),
                )
            }
        }
    };
    let (max_w, max_h) = (u64::from(max_w), u64::from(max_h));
    if w <= max_w && h <= max_h {
        return (w as u32, h as u32);
    }
    // Scale by the tighter of the two limits (compared without division: w/max_w vs h/max_h).
    let (out_w, out_h) = if w * max_h >= h * max_w {
        (max_w, (h * max_w + w / 2) / w)
    } else {
        ((w * max_h + h / 2) / h, max_h)
    };
    (out_w.max(1) as u32, out_h.max(1) as u32)
}

/// Columns of the grid for `n` photos of one post: one photo alone, two side by side, four as
/// 2×2, otherwise three per row.
pub fn grid_columns(n: usize) -> usize {
    match n {
        0 | 1 => 1,
        2 | 4 => 2,
        _ => 3,
    }
}

/// Rows of the grid for `n` photos.
pub fn grid_rows(n: usize) -> usize {
    n.div_ceil(grid_columns(n))
}

/// What a post shows of its attachments, in the order it shows them: the photos (a grid),
/// then videos, audio and documents each as they come.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostMedia {
    pub images: Vec<Attachment>,
    pub videos: Vec<Attachment>,
    pub audio: Vec<Attachment>,
    pub documents: Vec<Attachment>,
}

impl PostMedia {
    /// The attachments of a post, sorted by kind, keeping their order within a kind.
    pub fn of(attachments: &[Attachment]) -> Self {
        let mut out = PostMedia::default();
        for a in attachments {
            match a.kind {
                MediaKind::Image => out.images.push(a.clone()),
                MediaKind::Video => out.videos.push(a.clone()),
                MediaKind::Audio => out.audio.push(a.clone()),
                MediaKind::Document => out.documents.push(a.clone()),
            }
        }
        out
    }

    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
            && self.videos.is_empty()
            && self.audio.is_empty()
            && self.documents.is_empty()
    }
}

/// A file size as people read it, in decimal units like the limits (`30 MB`): bytes, then KB,
/// MB, GB with one decimal below 10 (`1.2 MB`). Integer arithmetic only: printing an `f64`
/// links the standard library's float printer (~3 KiB brotli, docs/performance.md).
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 3] = ["KB", "MB", "GB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut unit = 0;
    let mut scale = 1000_u64;
    while unit + 1 < UNITS.len() && bytes >= scale * 1000 {
        scale *= 1000;
        unit += 1;
    }
    // Tenths, rounded half up.
    let tenths = (bytes * 10 + scale / 2) / scale;
    if tenths < 100 {
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    } else {
        format!("{} {}", (tenths + 5) / 10, UNITS[unit])
    }
}

/// A short name of a document's type for its card (`PDF`, `Word`, …): from the media type the
/// server found, else the file name's extension in capitals, else `None`.
pub fn type_label(content_type: &str, name: &str) -> Option<String> {
    let ct = content_type.to_ascii_lowercase();
    let known = [
        ("pdf", "PDF"),
        ("wordprocessingml", "Word"),
        ("msword", "Word"),
        ("spreadsheetml", "Excel"),
        ("ms-excel", "Excel"),
        ("presentationml", "PowerPoint"),
        ("ms-powerpoint", "PowerPoint"),
        ("heic", "HEIC"),
        ("heif", "HEIF"),
        ("text/plain", "TXT"),
        ("text/csv", "CSV"),
    ];
    if let Some((_, label)) = known.iter().find(|(part, _)| ct.contains(part)) {
        return Some((*label).to_owned());
    }
    name.rsplit_once('.')
        .map(|(_, ext)| ext)
        .filter(|ext| {
            !ext.is_empty() && ext.len() <= 5 && ext.chars().all(|c| c.is_ascii_alphanumeric())
        })
        .map(str::to_ascii_uppercase)
}

/// A step between the photos of the viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Previous,
    Next,
}

/// The photo shown after `step` from `index` of `len`: stops at either end (no wrap-around, so
/// the reader knows when they have seen them all).
pub fn step(index: usize, len: usize, step: Step) -> usize {
    match step {
        Step::Previous => index.saturating_sub(1),
        Step::Next if index + 1 < len => index + 1,
        Step::Next => index,
    }
}

/// Shortest horizontal travel (CSS pixels) of a pointer that counts as a swipe.
pub const SWIPE_MIN: f64 = 50.0;

/// The step a pointer's travel from press to release means: mostly horizontal and at least
/// [`SWIPE_MIN`]; to the left shows the next photo (as pages turn), to the right the previous.
pub fn swipe(dx: f64, dy: f64) -> Option<Step> {
    if dx.abs() < SWIPE_MIN || dx.abs() < dy.abs() * 2.0 {
        None
    } else if dx < 0.0 {
        Some(Step::Next)
    } else {
        Some(Step::Previous)
    }
}

/// Zoom levels of the viewer's zoom button (percent of the fitted size), in the order it steps
/// through them; after the last it goes back to the first.
pub const ZOOM_LEVELS: [u32; 3] = [100, 200, 400];

/// The zoom level after `current` when the zoom button is pressed.
pub fn next_zoom(current: u32) -> u32 {
    let i = ZOOM_LEVELS.iter().position(|z| *z == current).unwrap_or(0);
    ZOOM_LEVELS[(i + 1) % ZOOM_LEVELS.len()]
}

/// The media view's files, loaded page by page (newest first): appends a page, skipping files
/// already there (a file moved by a concurrent change may come twice) and keeping the order
/// newest first, ties broken by post then attachment id so the order is stable.
pub fn merge_page(items: &mut Vec<MediaItem>, page: Vec<MediaItem>) {
    for item in page {
        if !items.iter().any(|i| i.attachment.id == item.attachment.id) {
            items.push(item);
        }
    }
    items.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then(b.post_id.cmp(&a.post_id))
            .then(a.attachment.id.cmp(&b.attachment.id))
    });
}

/// The two photos picked for comparison, in the order they were picked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PickTwo {
    picked: Vec<Uuid>,
}

/// What a press of a photo's "比較に選ぶ" checkbox did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// It is now picked.
    Picked,
    /// It was picked and no longer is.
    Unpicked,
    /// Two are picked already: unpick one first (the checkbox of the others is disabled).
    Full,
}

impl PickTwo {
    /// Picks `id`, or unpicks it when it was picked.
    pub fn toggle(&mut self, id: Uuid) -> Pick {
        if let Some(i) = self.picked.iter().position(|p| *p == id) {
            self.picked.remove(i);
            Pick::Unpicked
        } else if self.picked.len() >= 2 {
            Pick::Full
        } else {
            self.picked.push(id);
            Pick::Picked
        }
    }

    /// Whether `id` is picked.
    pub fn is_picked(&self, id: Uuid) -> bool {
        self.picked.contains(&id)
    }

    /// How many are picked (0, 1 or 2).
    pub fn count(&self) -> usize {
        self.picked.len()
    }

    /// Whether `id` may be picked now: it is picked (to unpick it) or fewer than two are.
    pub fn may_toggle(&self, id: Uuid) -> bool {
        self.is_picked(id) || self.picked.len() < 2
    }

    /// Forgets both.
    pub fn clear(&mut self) {
        self.picked.clear();
    }

    /// The two picked files from `items`, the older on the left (a wound is followed forward
    /// in time); `None` until two are picked (or when one is no longer among `items`).
    pub fn pair(&self, items: &[MediaItem]) -> Option<(MediaItem, MediaItem)> {
        let [a, b] = self.picked.as_slice() else {
            return None;
        };
        let find = |id: &Uuid| items.iter().find(|i| i.attachment.id == *id).cloned();
        let (a, b) = (find(a)?, find(b)?);
        Some(if b.created_at < a.created_at {
            (b, a)
        } else {
            (a, b)
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use tsunagu_api::{Author, Profession, Timeline};

    use super::*;

    fn attachment(kind: MediaKind, n: u128) -> Attachment {
        Attachment {
            id: Uuid::from_u128(n),
            kind,
            content_type: "image/jpeg".into(),
            name: format!("{n}.jpg"),
            size: 1000,
            width: Some(4000),
            height: Some(3000),
            thumbnail: true,
        }
    }

    fn item(n: u128, minute: u32) -> MediaItem {
        MediaItem {
            attachment: attachment(MediaKind::Image, n),
            post_id: Uuid::from_u128(1000 + n),
            timeline: Timeline::Care,
            author: Author {
                id: Uuid::from_u128(7),
                display_name: "高橋".into(),
                profession: Profession::Nurse,
                facility_name: None,
            },
            created_at: Utc.with_ymd_and_hms(2026, 11, 1, 9, minute, 0).unwrap(),
        }
    }

    #[test]
    fn a_photo_reserves_its_scaled_box_keeping_the_aspect_ratio() {
        // Landscape 4000×3000 into 360×270: exactly the box.
        assert_eq!(fit_box(Some(4000), Some(3000), 360, 270), (360, 270));
        // Portrait 3000×4000: the height limits, width follows the ratio.
        assert_eq!(fit_box(Some(3000), Some(4000), 360, 270), (203, 270));
        // Wide panorama: the width limits.
        assert_eq!(fit_box(Some(8000), Some(1000), 360, 270), (360, 45));
        // Small images are never enlarged.
        assert_eq!(fit_box(Some(120), Some(80), 360, 270), (120, 80));
        // A 1-pixel-high strip keeps at least one pixel.
        assert_eq!(fit_box(Some(100_000), Some(1), 360, 270), (360, 1));
    }

    #[test]
    fn a_file_without_pixels_reserves_a_four_by_three_box() {
        assert_eq!(fit_box(None, None, 360, 270), (360, 270));
        assert_eq!(fit_box(Some(0), Some(10), 400, 400), (400, 300));
        assert_eq!(fit_box(Some(10), None, 300, 600), (300, 225));
    }

    #[test]
    fn the_grid_has_a_column_count_per_number_of_photos() {
        let shapes: Vec<(usize, usize)> =
            (1..=10).map(|n| (grid_columns(n), grid_rows(n))).collect();
        assert_eq!(
            shapes,
            vec![
                (1, 1),
                (2, 1),
                (3, 1),
                (2, 2),
                (3, 2),
                (3, 2),
                (3, 3),
                (3, 3),
                (3, 3),
                (3, 4)
            ]
        );
    }

    #[test]
    fn attachments_are_grouped_by_kind_in_their_order() {
        let list = vec![
            attachment(MediaKind::Document, 1),
            attachment(MediaKind::Image, 2),
            attachment(MediaKind::Video, 3),
            attachment(MediaKind::Image, 4),
            attachment(MediaKind::Audio, 5),
        ];
        let m = PostMedia::of(&list);
        let ids = |v: &[Attachment]| v.iter().map(|a| a.id.as_u128()).collect::<Vec<_>>();
        assert_eq!(ids(&m.images), vec![2, 4]);
        assert_eq!(ids(&m.videos), vec![3]);
        assert_eq!(ids(&m.audio), vec![5]);
        assert_eq!(ids(&m.documents), vec![1]);
        assert!(!m.is_empty());
        assert!(PostMedia::of(&[]).is_empty());
    }

    #[test]
    fn sizes_read_in_decimal_units() {
        assert_eq!(format_size(0), "0 B");
        assert_eq!(format_size(999), "999 B");
        assert_eq!(format_size(1000), "1.0 KB");
        assert_eq!(format_size(1250), "1.3 KB");
        assert_eq!(format_size(9_940), "9.9 KB");
        assert_eq!(format_size(9_960), "10 KB");
        assert_eq!(format_size(532_000), "532 KB");
        assert_eq!(format_size(1_234_567), "1.2 MB");
        assert_eq!(format_size(30_000_000), "30 MB");
        assert_eq!(format_size(999_999), "1000 KB");
        assert_eq!(format_size(2_500_000_000), "2.5 GB");
        assert_eq!(format_size(4_000_000_000_000), "4000 GB");
    }

    #[test]
    fn documents_are_named_by_type_then_extension() {
        assert_eq!(
            type_label("application/pdf", "a.bin").as_deref(),
            Some("PDF")
        );
        assert_eq!(
            type_label(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "x"
            )
            .as_deref(),
            Some("Word")
        );
        assert_eq!(
            type_label("application/vnd.ms-excel", "").as_deref(),
            Some("Excel")
        );
        assert_eq!(
            type_label("application/octet-stream", "報告.key").as_deref(),
            Some("KEY")
        );
        assert_eq!(type_label("application/octet-stream", "noext"), None);
        assert_eq!(type_label("application/octet-stream", "a.toolongext"), None);
    }

    #[test]
    fn stepping_stops_at_either_end() {
        assert_eq!(step(0, 3, Step::Previous), 0);
        assert_eq!(step(0, 3, Step::Next), 1);
        assert_eq!(step(2, 3, Step::Next), 2);
        assert_eq!(step(2, 3, Step::Previous), 1);
        assert_eq!(step(0, 1, Step::Next), 0);
    }

    #[test]
    fn a_horizontal_swipe_turns_the_page() {
        assert_eq!(swipe(-80.0, 10.0), Some(Step::Next));
        assert_eq!(swipe(80.0, -10.0), Some(Step::Previous));
        // Too short, or mostly vertical (scrolling a zoomed photo): nothing.
        assert_eq!(swipe(-30.0, 0.0), None);
        assert_eq!(swipe(-80.0, 60.0), None);
    }

    #[test]
    fn the_zoom_button_cycles() {
        assert_eq!(next_zoom(100), 200);
        assert_eq!(next_zoom(200), 400);
        assert_eq!(next_zoom(400), 100);
        assert_eq!(next_zoom(150), 200);
    }

    #[test]
    fn pages_merge_newest_first_without_duplicates() {
        let mut items = vec![item(1, 30), item(2, 20)];
        merge_page(&mut items, vec![item(2, 20), item(3, 10), item(4, 40)]);
        let order: Vec<u128> = items.iter().map(|i| i.attachment.id.as_u128()).collect();
        assert_eq!(order, vec![4, 1, 2, 3]);
        // Several files of one post keep their attachment order.
        let mut same = vec![];
        merge_page(&mut same, vec![item(6, 5), item(5, 5)]);
        same.iter_mut().for_each(|i| i.post_id = Uuid::from_u128(9));
        merge_page(&mut same, vec![]);
        let order: Vec<u128> = same.iter().map(|i| i.attachment.id.as_u128()).collect();
        assert_eq!(order, vec![5, 6]);
    }

    #[test]
    fn two_photos_are_picked_and_the_older_goes_left() {
        let items = vec![item(1, 50), item(2, 40), item(3, 10)];
        let mut pick = PickTwo::default();
        assert_eq!(pick.pair(&items), None);
        assert_eq!(pick.toggle(Uuid::from_u128(3)), Pick::Picked);
        assert_eq!(pick.pair(&items), None);
        assert_eq!(pick.toggle(Uuid::from_u128(1)), Pick::Picked);
        assert_eq!(pick.count(), 2);
        // A third is refused until one is unpicked.
        assert!(!pick.may_toggle(Uuid::from_u128(2)));
        assert_eq!(pick.toggle(Uuid::from_u128(2)), Pick::Full);
        assert!(pick.may_toggle(Uuid::from_u128(1)));
        let (left, right) = pick.pair(&items).unwrap();
        assert_eq!(
            (left.attachment.id.as_u128(), right.attachment.id.as_u128()),
            (3, 1)
        );
        assert_eq!(pick.toggle(Uuid::from_u128(3)), Pick::Unpicked);
        assert_eq!(pick.toggle(Uuid::from_u128(2)), Pick::Picked);
        let (left, right) = pick.pair(&items).unwrap();
        assert_eq!(
            (left.attachment.id.as_u128(), right.attachment.id.as_u128()),
            (2, 1)
        );
        // A picked file that left the list (another filter) makes no pair.
        assert_eq!(pick.pair(&items[..1]), None);
        pick.clear();
        assert_eq!(pick.count(), 0);
    }
}
