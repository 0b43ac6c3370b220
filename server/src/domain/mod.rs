//! Pure rules of the service: no storage, no HTTP, tested natively. The store applies them
//! inside its transactions and the HTTP layer maps their refusals to status codes.

pub mod accounts;
pub mod audit_chain;
pub mod dashboard;
pub mod group;
pub mod invitation;
pub mod membership;
pub mod onboarding;
pub mod spreadsheet;
pub mod staff_csv;
