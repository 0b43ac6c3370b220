//! The text size of this device (標準/大/特大), for elderly family members above all: kept in
//! `localStorage` and applied as `data-text-size` on the page's root element, which
//! `public/page.js` also sets from the same key before any build renders, and the style reads.

/// Where the choice is kept; `public/page.js` reads the same key.
const KEY: &str = "tsunagu.text-size";

/// One of the three sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextSize {
    /// The app's own size (16 px).
    Standard,
    /// 19 px.
    Large,
    /// 22 px.
    ExtraLarge,
}

impl TextSize {
    /// The choices, smallest first.
    pub const ALL: [TextSize; 3] = [Self::Standard, Self::Large, Self::ExtraLarge];

    /// The value of `data-text-size` (none for the standard size).
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Self::Standard => None,
            Self::Large => Some("large"),
            Self::ExtraLarge => Some("x-large"),
        }
    }

    /// The size a stored value names; anything else is the standard size.
    pub fn from_attribute(value: Option<&str>) -> Self {
        Self::ALL
            .into_iter()
            .find(|size| size.attribute() == value)
            .unwrap_or(Self::Standard)
    }

    /// The size chosen on this device.
    pub fn stored() -> Self {
        Self::from_attribute(crate::storage::get(KEY).as_deref())
    }

    /// Keeps `self` for this device and shows it at once.
    pub fn choose(self) {
        let root = leptos::prelude::document().document_element();
        match self.attribute() {
            Some(value) => {
                crate::storage::set(KEY, value);
                if let Some(root) = root {
                    let _ = root.set_attribute("data-text-size", value);
                }
            }
            None => {
                crate::storage::remove(KEY);
                if let Some(root) = root {
                    let _ = root.remove_attribute("data-text-size");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_size_reads_back_from_what_it_stores_and_anything_else_is_standard() {
        for size in TextSize::ALL {
            assert_eq!(TextSize::from_attribute(size.attribute()), size);
        }
        assert_eq!(TextSize::from_attribute(Some("huge")), TextSize::Standard);
        assert_eq!(TextSize::from_attribute(None), TextSize::Standard);
        assert_eq!(TextSize::Standard.attribute(), None);
    }
}
