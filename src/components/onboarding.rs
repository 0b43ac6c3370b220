//! Onboarding without a login (the door build): the pledge to accept, a facility's application
//! form, the activation form, and the pieces two-step enrolment shows.

pub mod activation_form;
pub mod application_form;
pub mod enrolment_qr;
pub mod field_problem;
pub mod pledge_box;
pub mod profession_select;
pub mod recovery_codes;
