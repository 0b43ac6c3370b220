//! The operator console (医師会事務局): its frame and navigation, the applications with their
//! decision, the approval's activation link, the two-factor policy and the pledge.

pub mod application_card;
pub mod approval_result;
pub mod facility_suspension;
pub mod facility_table;
pub mod operator_frame;
pub mod operator_nav;
pub mod pending_count;
pub mod pledge_editor;
pub mod policy_form;
pub mod reject_form;
