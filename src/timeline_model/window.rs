//! Windowing math of the virtualised timeline: which rows to render around the viewport, how
//! tall the spacers above and below them are, where a row is after the rows above it changed,
//! and which rows the reader has actually seen. Pure (heights in CSS pixels in, indices out) so
//! it is tested natively; the component only measures and scrolls.
//!
//! Rows that were rendered have measured heights; the others get an estimate (the mean of the
//! measured ones), so the spacers are close to what the rows will take once rendered, and the
//! scroll position is corrected by anchoring (see [`Layout::anchor_at`]) when they differ.

use std::ops::Range;

/// Height assumed for a row before any row was measured.
pub const DEFAULT_ROW_HEIGHT: f64 = 96.0;
/// Most rows rendered at once: enough to fill a tall screen twice over, small enough that the
/// DOM stays light with thousands of posts loaded.
pub const MAX_RENDERED: usize = 80;
/// Fewest rows rendered beyond each edge of the viewport, so keyboard scrolling never shows a
/// gap even when rows are very tall.
pub const MIN_OVERSCAN_ROWS: usize = 4;
/// A row counts as seen when this share of it (or of the viewport, for rows taller than the
/// viewport) was on screen.
pub const SEEN_FRACTION: f64 = 0.5;
/// Distance from the bottom within which the reader is "at the bottom" (follows new posts).
pub const BOTTOM_TOLERANCE: f64 = 48.0;

/// The height estimate for unmeasured rows: the mean of the measured heights, or
/// [`DEFAULT_ROW_HEIGHT`] when there are none.
pub fn estimate(measured: impl IntoIterator<Item = f64>) -> f64 {
    let (sum, n) = measured
        .into_iter()
        .filter(|h| h.is_finite() && *h > 0.0)
        .fold((0.0, 0usize), |(s, n), h| (s + h, n + 1));
    if n == 0 {
        DEFAULT_ROW_HEIGHT
    } else {
        sum / n as f64
    }
}

/// Whether a scroll container is scrolled to (nearly) its end.
pub fn is_at_bottom(scroll_top: f64, viewport: f64, content_height: f64) -> bool {
    content_height - (scroll_top + viewport) <= BOTTOM_TOLERANCE
}

/// Where each row starts, from the row heights.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// `offsets[i]` is the top of row `i`; `offsets[n]` the total height.
    offsets: Vec<f64>,
}

impl Default for Layout {
    /// No rows.
    fn default() -> Self {
        Self::new([])
    }
}

impl Layout {
    /// The layout of rows of the given heights.
    pub fn new(heights: impl IntoIterator<Item = f64>) -> Self {
        let mut offsets = vec![0.0];
        let mut y = 0.0;
        for h in heights {
            y += h.max(0.0);
            offsets.push(y);
        }
        Self { offsets }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Height of all rows together.
    pub fn total(&self) -> f64 {
        self.offsets.last().copied().unwrap_or(0.0)
    }

    /// Top of row `i` (the total height for `i == len`).
    pub fn top(&self, i: usize) -> f64 {
        self.offsets.get(i.min(self.len())).copied().unwrap_or(0.0)
    }

    /// Height of row `i`.
    pub fn height(&self, i: usize) -> f64 {
        self.top(i + 1) - self.top(i)
    }

    /// The row at height `y` (clamped to the first and last row); 0 when empty.
    pub fn index_at(&self, y: f64) -> usize {
        let n = self.len();
        if n == 0 {
            return 0;
        }
        // The last row whose top is at or above y.
        let i = self.offsets[..n].partition_point(|&top| top <= y);
        i.saturating_sub(1).min(n - 1)
    }

    /// The rows to render for a viewport of `viewport` pixels scrolled to `scroll_top`: those
    /// visible plus `overscan` pixels (and at least [`MIN_OVERSCAN_ROWS`] rows) on each side,
    /// never more than [`MAX_RENDERED`].
    pub fn window(&self, scroll_top: f64, viewport: f64, overscan: f64) -> Range<usize> {
        let n = self.len();
        if n == 0 {
            return 0..0;
        }
        let first_visible = self.index_at(scroll_top);
        let last_visible = self.index_at(scroll_top + viewport.max(0.0));
        let start = self
            .index_at(scroll_top - overscan)
            .min(first_visible.saturating_sub(MIN_OVERSCAN_ROWS));
        let end = (self.index_at(scroll_top + viewport + overscan) + 1)
            .max(last_visible + 1 + MIN_OVERSCAN_ROWS)
            .min(n);
        if end - start <= MAX_RENDERED {
            return start..end;
        }
        // Too many (short rows or a huge overscan): keep the visible rows, share the rest.
        let visible = (last_visible + 1 - first_visible).min(MAX_RENDERED);
        let spare = MAX_RENDERED - visible;
        let above = (spare / 2).min(first_visible - start);
        let below = (spare - above).min(end - (first_visible + visible));
        let above = (spare - below).min(first_visible - start);
        let s = first_visible - above;
        s..(first_visible + visible + below).min(n)
    }

    /// Where the reader is: the row at the top of the viewport and how far into it the
    /// viewport starts. After rows above it change height (measured, or older posts
    /// prepended), [`Layout::restore`] gives the scroll position that keeps the same content
    /// under the reader's eyes.
    pub fn anchor_at(&self, scroll_top: f64) -> Option<(usize, f64)> {
        if self.is_empty() {
            return None;
        }
        let i = self.index_at(scroll_top);
        Some((i, scroll_top - self.top(i)))
    }

    /// The scroll position putting row `index` `delta` pixels above the viewport's top.
    pub fn restore(&self, index: usize, delta: f64) -> f64 {
        (self.top(index) + delta).max(0.0)
    }

    /// The newest (lowest) row the reader can be said to have seen in this viewport.
    pub fn newest_seen(&self, scroll_top: f64, viewport: f64) -> Option<usize> {
        if self.is_empty() || viewport <= 0.0 {
            return None;
        }
        let bottom = scroll_top + viewport;
        let first = self.index_at(scroll_top);
        let last = self.index_at(bottom);
        (first..=last).rev().find(|&i| {
            let (top, h) = (self.top(i), self.height(i));
            let overlap = (top + h).min(bottom) - top.max(scroll_top);
            h > 0.0 && overlap >= SEEN_FRACTION * h.min(viewport)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uniform(n: usize, h: f64) -> Layout {
        Layout::new(std::iter::repeat_n(h, n))
    }

    #[test]
    fn offsets_and_lookup() {
        let l = Layout::new([10.0, 20.0, 30.0]);
        assert_eq!(l.len(), 3);
        assert_eq!(l.total(), 60.0);
        assert_eq!(
            (l.top(0), l.top(1), l.top(2), l.top(3)),
            (0.0, 10.0, 30.0, 60.0)
        );
        assert_eq!(l.height(2), 30.0);
        assert_eq!(l.index_at(-5.0), 0);
        assert_eq!(l.index_at(0.0), 0);
        assert_eq!(l.index_at(9.9), 0);
        assert_eq!(l.index_at(10.0), 1);
        assert_eq!(l.index_at(59.0), 2);
        assert_eq!(l.index_at(1e9), 2);
        assert_eq!(Layout::new([]).index_at(3.0), 0);
        let empty = Layout::default();
        assert_eq!(
            (empty.len(), empty.total(), empty.top(0), empty.top(5)),
            (0, 0.0, 0.0, 0.0)
        );
    }

    #[test]
    fn the_window_covers_the_viewport_plus_overscan() {
        let l = uniform(10_000, 100.0);
        // Viewport rows 50..=58 (900 px from 5,000), overscan 900 px = 9 rows each side.
        let w = l.window(5_000.0, 900.0, 900.0);
        assert_eq!(w, 41..69);
        assert!(w.len() <= MAX_RENDERED);
        // At the bottom.
        let bottom = l.total() - 900.0;
        let w = l.window(bottom, 900.0, 900.0);
        assert_eq!(w.end, 10_000);
        assert!(w.contains(&9_991));
        // At the top.
        assert_eq!(l.window(0.0, 900.0, 900.0).start, 0);
        assert_eq!(Layout::new([]).window(0.0, 900.0, 900.0), 0..0);
    }

    #[test]
    fn tall_rows_still_get_a_few_rows_of_overscan() {
        let l = uniform(100, 2_000.0);
        let w = l.window(50_000.0, 900.0, 900.0);
        assert_eq!(w, 25 - MIN_OVERSCAN_ROWS..26 + MIN_OVERSCAN_ROWS);
    }

    #[test]
    fn the_window_is_capped_and_keeps_the_visible_rows() {
        let l = uniform(10_000, 5.0);
        let w = l.window(10_000.0, 900.0, 2_000.0);
        assert_eq!(w.len(), MAX_RENDERED);
        // Visible rows are 2000..=2180; more than the cap: starts at the first visible row.
        assert_eq!(w.start, 2_000);
        let w = l.window(10_000.0, 200.0, 2_000.0);
        assert_eq!(w.len(), MAX_RENDERED);
        // 41 visible rows (2000..=2040), the rest shared around them.
        assert!(w.start < 2_000 && w.end > 2_041, "{w:?}");
        // Near the start, the spare rows go below.
        let w = l.window(0.0, 200.0, 2_000.0);
        assert_eq!(w, 0..MAX_RENDERED);
    }

    #[test]
    fn anchoring_keeps_the_content_in_place_when_rows_above_change() {
        // Reader at row 30, 40 px into it.
        let before = uniform(100, 100.0);
        let (i, delta) = before.anchor_at(3_040.0).unwrap();
        assert_eq!((i, delta), (30, 40.0));
        // 50 older rows prepended (estimated 90 px) and rows 0..30 measured at 120 px.
        let heights: Vec<f64> = std::iter::repeat_n(90.0, 50)
            .chain(std::iter::repeat_n(120.0, 30))
            .chain(std::iter::repeat_n(100.0, 70))
            .collect();
        let after = Layout::new(heights);
        assert_eq!(
            after.restore(i + 50, delta),
            50.0 * 90.0 + 30.0 * 120.0 + 40.0
        );
        assert_eq!(Layout::new([]).anchor_at(10.0), None);
    }

    #[test]
    fn the_newest_seen_row_needs_half_of_it_on_screen() {
        let l = uniform(20, 100.0);
        // Viewport 250..750: rows 2 (50 of 100 visible), ..., 7 (50 of 100 visible).
        assert_eq!(l.newest_seen(250.0, 500.0), Some(7));
        // 740: row 7 only 40 px visible, so row 6.
        assert_eq!(l.newest_seen(240.0, 500.0), Some(6));
        // A row taller than the viewport counts once half the viewport shows it.
        let tall = Layout::new([100.0, 3_000.0, 100.0]);
        assert_eq!(tall.newest_seen(0.0, 500.0), Some(1));
        assert_eq!(tall.newest_seen(0.0, 180.0), Some(0));
        assert_eq!(l.newest_seen(0.0, 0.0), None);
        assert_eq!(Layout::new([]).newest_seen(0.0, 500.0), None);
    }

    #[test]
    fn estimates_and_the_bottom() {
        assert_eq!(estimate([]), DEFAULT_ROW_HEIGHT);
        assert_eq!(estimate([80.0, 120.0, f64::NAN, 0.0]), 100.0);
        assert!(is_at_bottom(1_000.0, 500.0, 1_500.0));
        assert!(is_at_bottom(960.0, 500.0, 1_500.0));
        assert!(!is_at_bottom(900.0, 500.0, 1_500.0));
        // Content shorter than the viewport: at the bottom.
        assert!(is_at_bottom(0.0, 500.0, 200.0));
    }
}
