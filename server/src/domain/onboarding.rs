//! Who manages a facility's staff, and the operator-only parts. Pure: the store applies them
//! inside its transactions. What an application or a staff account must hold is
//! `tsunagu_api::onboarding_rules`, shared with the app.

use uuid::Uuid;

use super::accounts::Actor;
use super::membership::Denied;

/// Whether `actor` manages the staff of `facility`: the operator any facility's, a facility's
/// administrator their own; to anyone else the facility's staff does not exist.
pub fn may_manage_staff(actor: &Actor, facility: Uuid) -> Result<(), Denied> {
    if actor.is_operator || (actor.is_facility_admin && actor.facility_id == Some(facility)) {
        Ok(())
    } else {
        Err(Denied::NotFound)
    }
}

/// The operator-only parts (applications, the pledge, settings): others are told they may not.
pub fn require_operator(actor: &Actor) -> Result<(), Denied> {
    if actor.is_operator {
        Ok(())
    } else {
        Err(Denied::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(is_operator: bool, is_facility_admin: bool, facility: Option<Uuid>) -> Actor {
        Actor {
            id: Uuid::from_u128(9),
            is_operator,
            is_facility_admin,
            facility_id: facility,
        }
    }

    #[test]
    fn staff_is_managed_by_the_operator_and_the_facilitys_own_admin() {
        let here = Uuid::from_u128(1);
        let there = Uuid::from_u128(2);
        assert_eq!(may_manage_staff(&actor(true, false, None), here), Ok(()));
        assert_eq!(
            may_manage_staff(&actor(false, true, Some(here)), here),
            Ok(())
        );
        assert_eq!(
            may_manage_staff(&actor(false, true, Some(there)), here),
            Err(Denied::NotFound)
        );
        assert_eq!(
            may_manage_staff(&actor(false, false, Some(here)), here),
            Err(Denied::NotFound)
        );
        assert_eq!(
            require_operator(&actor(false, true, Some(here))),
            Err(Denied::Forbidden)
        );
    }
}
