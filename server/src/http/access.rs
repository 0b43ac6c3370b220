//! Who may do what in a group: the caller's membership, the timelines it opens, and the
//! system entries that record membership changes in the timelines.

use uuid::Uuid;

pub use crate::domain::membership::Membership;

use super::Error;

/// The caller's membership through the store, or 404: a group the caller is not in does not
/// exist for them.
pub async fn member(
    state: &super::AppState,
    group_id: Uuid,
    user_id: Uuid,
) -> Result<Membership, Error> {
    state
        .store
        .membership(group_id, user_id)
        .await?
        .ok_or(Error::NotFound)
}
