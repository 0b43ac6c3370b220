//! Who may suspend or reactivate an account: the operator (医師会事務局) anyone but an operator,
//! a facility's administrator the staff of their own facility. Anyone else is answered as if
//! the account did not exist.

use uuid::Uuid;

use super::membership::Denied;

/// The caller, as the rule needs them.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub id: Uuid,
    pub is_operator: bool,
    pub is_facility_admin: bool,
    pub facility_id: Option<Uuid>,
}

/// The account to change.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub id: Uuid,
    pub is_operator: bool,
    pub facility_id: Option<Uuid>,
}

/// Whether `actor` may suspend or reactivate `target`.
pub fn may_suspend(actor: &Actor, target: &Target) -> Result<(), Denied> {
    if actor.id == target.id {
        // Locking oneself out has no use and no way back but another person.
        return Err(Denied::Forbidden);
    }
    if actor.is_operator {
        // Operators are suspended from the command line, not by each other.
        return if target.is_operator {
            Err(Denied::Forbidden)
        } else {
            Ok(())
        };
    }
    let same_facility = actor.facility_id.is_some() && actor.facility_id == target.facility_id;
    if actor.is_facility_admin && same_facility && !target.is_operator {
        Ok(())
    } else {
        Err(Denied::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Uuid = Uuid::from_u128(1);
    const B: Uuid = Uuid::from_u128(2);

    fn actor(is_operator: bool, is_facility_admin: bool, facility: Option<Uuid>) -> Actor {
        Actor {
            id: Uuid::from_u128(10),
            is_operator,
            is_facility_admin,
            facility_id: facility,
        }
    }

    fn staff(facility: Option<Uuid>) -> Target {
        Target {
            id: Uuid::from_u128(20),
            is_operator: false,
            facility_id: facility,
        }
    }

    #[test]
    fn the_operator_may_suspend_anyone_but_operators() {
        let op = actor(true, false, None);
        assert_eq!(may_suspend(&op, &staff(Some(A))), Ok(()));
        assert_eq!(
            may_suspend(&op, &staff(None)),
            Ok(()),
            "family accounts too"
        );
        let other_op = Target {
            is_operator: true,
            ..staff(None)
        };
        assert_eq!(may_suspend(&op, &other_op), Err(Denied::Forbidden));
    }

    #[test]
    fn a_facility_admin_may_suspend_only_their_own_staff() {
        let admin = actor(false, true, Some(A));
        assert_eq!(may_suspend(&admin, &staff(Some(A))), Ok(()));
        assert_eq!(may_suspend(&admin, &staff(Some(B))), Err(Denied::NotFound));
        assert_eq!(may_suspend(&admin, &staff(None)), Err(Denied::NotFound));
        let no_facility = actor(false, true, None);
        assert_eq!(
            may_suspend(&no_facility, &staff(None)),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn staff_may_suspend_nobody_and_nobody_themselves() {
        let nurse = actor(false, false, Some(A));
        assert_eq!(may_suspend(&nurse, &staff(Some(A))), Err(Denied::NotFound));
        let admin = actor(false, true, Some(A));
        let me = Target {
            id: admin.id,
            ..staff(Some(A))
        };
        assert_eq!(may_suspend(&admin, &me), Err(Denied::Forbidden));
    }
}
