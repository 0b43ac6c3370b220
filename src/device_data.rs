//! "この端末のデータを削除": removing what a user left on a (shared) device after logging out —
//! their drafts (IndexedDB and the `sessionStorage` copies) and their outbox, sent or not.
//! Other users' data on the same device is not touched.
//!
//! [`next_step`] is the pure rule the logout offer follows, tested natively; [`unsent_posts`]
//! and [`erase`] do the work in the browser.

use uuid::Uuid;

use crate::drafts::store::{forget_session_copies, DraftStore};
use crate::idb::StoreResult;
use crate::outbox::store::OutboxStore;

/// Where the offer to remove a user's data stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EraseStep {
    /// Offered, not asked for.
    Offered,
    /// Counting the unsent posts before deciding.
    Checking,
    /// Posts are still waiting to be sent: removing them loses them, so the user confirms.
    Warn(usize),
    /// Removing.
    Erasing,
    /// Removed.
    Done,
    /// The browser's storage failed; nothing may have been removed.
    Failed,
}

/// The step after counting `unsent` posts waiting in the outbox: with any, warn and ask first;
/// without, remove at once.
pub fn next_step(unsent: usize) -> EraseStep {
    if unsent == 0 {
        EraseStep::Erasing
    } else {
        EraseStep::Warn(unsent)
    }
}

/// How many of `user`'s posts wait in the outbox on this device (queued, refused or held).
pub async fn unsent_posts(user: Uuid) -> StoreResult<usize> {
    let store = OutboxStore::open().await?;
    let items = store.all_of(user).await;
    store.close();
    Ok(items?.len())
}

/// Removes `user`'s drafts, session copies, outbox items and attached files from this device.
pub async fn erase(user: Uuid) -> StoreResult<()> {
    forget_session_copies(user);
    let drafts = DraftStore::open().await?;
    let removed = drafts.delete_user(user).await;
    drafts.close();
    removed?;
    let outbox = OutboxStore::open().await?;
    let removed = outbox.delete_all_of(user).await;
    outbox.close();
    removed?;
    // Attached photos and files (of drafts and of the outbox items just removed).
    crate::media::store::delete_user(user).await?;
    // Copies written while the stores were being emptied (a composer flushing on unmount).
    forget_session_copies(user);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsent_posts_are_warned_about_before_anything_is_removed() {
        assert_eq!(next_step(0), EraseStep::Erasing);
        assert_eq!(next_step(1), EraseStep::Warn(1));
        assert_eq!(next_step(3), EraseStep::Warn(3));
    }
}
